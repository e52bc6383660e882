// The technician token file: only a private regular file of the agent's
// user is taken, and its one line is the token.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "crm/localapi/sovd_routes.h"
#include "crm/testing/temp_dir.h"

namespace crm::localapi {
namespace {

using crm::testing::TempDir;
using crm::testing::writeFile;

constexpr char kToken[] = "0123456789abcdef-technician";

std::string tokenFile(const TempDir& dir, const std::string& text, mode_t mode) {
  const std::string path = dir.file("token");
  writeFile(path, text);
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

TEST(TokenFile, APrivateFileGivesItsLineWithoutTheLineBreak) {
  TempDir dir;
  for (const char* ending : {"", "\n", "\r\n"}) {
    auto token = readTokenFile(tokenFile(dir, std::string(kToken) + ending, 0600));
    ASSERT_TRUE(token.ok()) << token.error().message;
    EXPECT_EQ(*token, kToken);
  }
  EXPECT_TRUE(readTokenFile(tokenFile(dir, kToken, 0400)).ok());
  EXPECT_TRUE(checkTokenFile(tokenFile(dir, kToken, 0600)).ok());
}

TEST(TokenFile, AFileGroupOrOthersMayAccessIsRefusedNamingFileAndMode) {
  TempDir dir;
  for (const mode_t mode : {0644, 0640, 0604, 0660, 0610, 0601, 0777}) {
    const std::string path = tokenFile(dir, kToken, mode);
    const auto st = checkTokenFile(path);
    ASSERT_FALSE(st.ok()) << std::oct << mode;
    EXPECT_EQ(st.error().code, TokenError::kLoose);
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
    EXPECT_NE(st.error().message.find(path), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find(text), std::string::npos) << st.error().message;
    EXPECT_FALSE(readTokenFile(path).ok());
  }
}

TEST(TokenFile, AMissingFileAFolderOrAFifoIsRefused) {
  TempDir dir;
  EXPECT_EQ(checkTokenFile(dir.file("absent")).error().code, TokenError::kMissing);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0700), 0);
  const auto folder = checkTokenFile(dir.path());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code, TokenError::kNotRegular);
  EXPECT_NE(folder.error().message.find("not a regular file"), std::string::npos);
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Must not hang waiting for a writer.
  EXPECT_EQ(checkTokenFile(fifo).error().code, TokenError::kNotRegular);
}

TEST(TokenFile, ATokenThatIsEmptyShortOrNotOnePrintableLineIsRefused) {
  TempDir dir;
  for (const std::string& text :
       {std::string(), std::string("\n"), std::string("short-token"),
        std::string(kToken) + "\nsecond line", std::string("with space ") + kToken,
        std::string(kToken) + "\t", std::string(300, 'x'), std::string(kToken) + "\xc3\xa9"}) {
    const auto token = readTokenFile(tokenFile(dir, text, 0600));
    ASSERT_FALSE(token.ok()) << text;
    EXPECT_EQ(token.error().code, TokenError::kBad) << text;
    EXPECT_EQ(token.error().message.find(kToken), std::string::npos)
        << "a message never quotes the token";
  }
  EXPECT_TRUE(readTokenFile(tokenFile(dir, std::string(kMinTokenBytes, 'k'), 0600)).ok());
}

}  // namespace
}  // namespace crm::localapi
