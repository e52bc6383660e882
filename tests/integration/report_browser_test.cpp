// The HTML health report in a real browser: Debian's Chromium, headless,
// renders each page at the head unit's 1280x720 and serializes its DOM. The
// screenshots stay in CRM_SCREENSHOT_DIR for people to look at; the test
// checks that they are real images and that the page parsed as written, with
// nothing blocked by its no-external-resources policy.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "crm/reports/html.h"
#include "crm/testing/temp_dir.h"
#include "sample_report.h"

namespace crm::reports {
namespace {

namespace fs = std::filesystem;
using crm::testing::readFile;
using crm::testing::TempDir;
using crm::testing::writeFile;

constexpr const char* kChromium = "/usr/bin/chromium";

struct Outcome {
  bool finished = false;  // false: killed after the timeout
  int code = -1;
  std::string out, err;
};

// Runs Chromium in a process group of its own, so that a hang takes its
// helper processes (zygote, renderer, GPU) down with it.
Outcome runChromium(const std::vector<std::string>& args, const TempDir& dir,
                    std::chrono::seconds timeout) {
  static int runs = 0;
  const std::string out_path = dir.file("chromium" + std::to_string(runs) + ".out");
  const std::string err_path = dir.file("chromium" + std::to_string(runs++) + ".err");
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kChromium));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(kChromium, argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: whichever runs first wins the race
  Outcome o;
  const auto end = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      o.finished = true;
      o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid, SIGKILL);  // the group: leftovers after an exit, everything after a hang
  if (!o.finished) waitpid(pid, &status, 0);
  o.out = readFile(out_path);
  o.err = readFile(err_path);
  return o;
}

std::vector<std::string> chromiumFlags(const TempDir& dir, const std::string& profile) {
  // A fresh profile per run: nothing carries over between pages.
  return {"--headless",
          "--no-sandbox",  // root in CI; the page is our own, with no script
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--hide-scrollbars",
          "--user-data-dir=" + dir.file(profile),
          "--window-size=1280,720"};  // the head unit; a later --window-size wins
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

struct Page {
  const char* name;
  bool full;
  const char* language;
  const char* title;
};

class ReportInBrowser : public ::testing::TestWithParam<Page> {
 protected:
  void SetUp() override {
    if (access(kChromium, X_OK) != 0) GTEST_SKIP() << kChromium << " is not installed";
    const Page& p = GetParam();
    // A car with no data yet has no prompts either: its page says so.
    ChartData no_charts;
    no_charts.prompts.emplace();
    html_ = p.full ? renderHtml(testing::sampleReport(), testing::sampleCharts(), p.language)
                   : renderHtml(testing::allNullReport(), no_charts, p.language);
    page_path_ = dir_.file(std::string(p.name) + ".html");
    writeFile(page_path_, html_);
    fs::create_directories(CRM_SCREENSHOT_DIR);
    // A copy of the page beside its screenshot, to open by hand.
    writeFile(std::string(CRM_SCREENSHOT_DIR) + "/" + p.name + ".html", html_);
  }

  TempDir dir_;
  std::string html_;
  std::string page_path_;
};

// Screenshots `page` at width x height into CRM_SCREENSHOT_DIR/<file> and
// checks it is a PNG of that size with more than a blank screen in it.
void expectScreenshot(const TempDir& dir, const std::string& page, const std::string& file,
                      std::uint32_t width, std::uint32_t height) {
  const std::string png = std::string(CRM_SCREENSHOT_DIR) + "/" + file;
  fs::remove(png);
  auto args = chromiumFlags(dir, "profile-" + file);
  args.push_back("--window-size=" + std::to_string(width) + "," + std::to_string(height));
  args.push_back("--screenshot=" + png);
  args.push_back("file://" + page);

  const Outcome run = runChromium(args, dir, std::chrono::seconds(90));

  ASSERT_TRUE(run.finished) << "chromium hung; stderr:\n" << run.err;
  EXPECT_EQ(run.code, 0) << run.err;
  ASSERT_TRUE(fs::exists(png)) << run.err;
  const std::string image = readFile(png);
  ASSERT_GT(image.size(), 24u);
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: width and height, big-endian, at bytes 16..23.
  const auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(image[at + i]);
    return v;
  };
  EXPECT_EQ(be32(16), width);
  EXPECT_EQ(be32(20), height);
  // A blank 1280x720 screen compresses to a few kB; text, tiles and charts
  // take tens of kB.
  EXPECT_GT(image.size(), 20u * 1024u);
}

TEST_P(ReportInBrowser, ScreenshotAt1280x720IsARealImage) {
  expectScreenshot(dir_, page_path_, std::string(GetParam().name) + ".png", 1280, 720);
}

// The charts sit below the first screen: a tall window shows the whole page.
TEST_P(ReportInBrowser, WholePageScreenshotIsARealImage) {
  expectScreenshot(dir_, page_path_, std::string(GetParam().name) + "-whole.png", 1280, 1600);
}

TEST_P(ReportInBrowser, DomRoundTripsWithoutConsoleErrors) {
  auto args = chromiumFlags(dir_, "profile-dom");
  // Console messages (a blocked resource, a policy violation) go to stderr
  // only with logging on.
  args.push_back("--enable-logging=stderr");
  args.push_back("--v=0");
  args.push_back("--dump-dom");
  args.push_back("file://" + page_path_);

  const Outcome run = runChromium(args, dir_, std::chrono::seconds(90));

  ASSERT_TRUE(run.finished) << "chromium hung; stderr:\n" << run.err;
  EXPECT_EQ(run.code, 0) << run.err;
  const Page& p = GetParam();
  EXPECT_NE(run.out.find("<title>" + std::string(p.title)), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("<html lang=\"" + std::string(p.language) + "\">"), std::string::npos);
  // The parser kept the structure as written: no element moved or dropped.
  EXPECT_EQ(count(run.out, "<svg"), count(html_, "<svg"));
  EXPECT_EQ(count(run.out, "data-system="), 7u);  // seven traffic lights
  EXPECT_EQ(count(run.out, "class=\"fig\""), count(html_, "class=\"fig\""));
  EXPECT_EQ(count(run.out, "<tr>"), count(html_, "<tr>"));  // service, faults, reminders
  EXPECT_EQ(count(run.out, "<h2>"), count(html_, "<h2>"));
  EXPECT_EQ(count(run.out, "<script"), 0u);
  EXPECT_EQ(run.err.find(":CONSOLE"), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(
    Pages, ReportInBrowser,
    ::testing::Values(Page{"report-full-en", true, "en", "Vehicle health report"},
                      Page{"report-full-zh-CN", true, "zh-CN", "车辆健康报告"},
                      Page{"report-null-en", false, "en", "Vehicle health report"},
                      Page{"report-null-zh-CN", false, "zh-CN", "车辆健康报告"}),
    [](const ::testing::TestParamInfo<Page>& info) {
      std::string name = info.param.name;
      for (auto& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace crm::reports
