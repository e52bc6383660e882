#include "offline_source.h"

namespace crm::ctl {

CtlResult<std::unique_ptr<Source>> openOffline(const std::string& db, const config::Config&) {
  return fail(CtlError::kUsage, "--db " + db + ": offline mode is not built yet");
}

}  // namespace crm::ctl
