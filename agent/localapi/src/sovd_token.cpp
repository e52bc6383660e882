// The technician token file: the shared owner-only file check
// (crm/common/private_file.h), then the token's own rules.
#include <utility>

#include "crm/common/private_file.h"
#include "crm/localapi/sovd_routes.h"

namespace crm::localapi {
namespace {

constexpr std::size_t kMaxTokenBytes = 256;
constexpr const char* kWhat = "the technician token";

TokenError tokenError(PrivateFileError code) {
  switch (code) {
    case PrivateFileError::kMissing:
      return TokenError::kMissing;
    case PrivateFileError::kNotRegular:
      return TokenError::kNotRegular;
    case PrivateFileError::kLoose:
      return TokenError::kLoose;
    case PrivateFileError::kUnreadable:
      return TokenError::kUnreadable;
    case PrivateFileError::kTooLarge:
      return TokenError::kBad;
  }
  return TokenError::kBad;
}

}  // namespace

Status<TokenError> checkTokenFile(const std::string& path) {
  if (auto st = checkPrivateFile(path, kWhat); !st) {
    return fail(tokenError(st.error().code), st.error().message);
  }
  return {};
}

Result<std::string, TokenError> readTokenFile(const std::string& path) {
  // Two bytes more than a token: room for its line break (CR LF).
  auto read = readPrivateFile(path, kMaxTokenBytes + 2, kWhat);
  if (!read) {
    if (read.error().code == PrivateFileError::kTooLarge) {
      return fail(TokenError::kBad, path + ": longer than " + std::to_string(kMaxTokenBytes) +
                                        " bytes; expected one line holding the token");
    }
    return fail(tokenError(read.error().code), read.error().message);
  }
  std::string text = std::move(read).value();
  if (text.ends_with('\n')) text.pop_back();
  if (text.ends_with('\r')) text.pop_back();
  if (text.empty()) return fail(TokenError::kBad, path + ": empty; expected the token");
  for (const char c : text) {
    // Printable ASCII without spaces: what fits an Authorization header.
    if (c <= ' ' || c > '~') {
      return fail(TokenError::kBad, path + ": expected one line of printable ASCII without spaces");
    }
  }
  if (text.size() < kMinTokenBytes || text.size() > kMaxTokenBytes) {
    return fail(TokenError::kBad, path + ": the token must be " + std::to_string(kMinTokenBytes) +
                                      " to " + std::to_string(kMaxTokenBytes) + " characters (" +
                                      std::to_string(text.size()) + " found)");
  }
  return text;
}

}  // namespace crm::localapi
