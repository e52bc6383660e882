#include "crm/testing/temp_store.h"

#include <cstdio>

namespace crm::testing {

std::unique_ptr<store::Store> openTestStore(const std::string& path) {
  store::StoreOptions options;
  options.path = path;
  options.full_sync = false;
  auto store = store::Store::open(options);
  if (!store) {
    std::fprintf(stderr, "cannot open the test store %s: %s\n", path.c_str(),
                 store.error().message.c_str());
    return nullptr;
  }
  return std::move(store).value();
}

}  // namespace crm::testing
