// The driver's HMI API on the agent's loop while the agent ingests.
//
//   build/bench/tests/bench/bench_hmi [--seconds S]
//
// One io_context runs, as in the daemon, the pipeline (a simulated private
// car, fed at a busy live car's rate or as fast as the loop allows, in the
// daemon's turns, a commit a second) and the local HTTP server with the HMI
// routes over the real HmiService. A client thread sends GET
// /hmi/v1/prompts on one kept-alive connection, back to back, for S seconds
// (default 5) and records each request's latency. Printed, each against its
// baseline in the same run:
//   - requests per second and p50/p99 latency while ingesting, against the
//     same client on an idle loop;
//   - samples ingested per second while serving, against ingest alone.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "crm/localapi/hmi_routes.h"
#include "crm/localapi/server.h"
#include "crm/os/clock.h"
#include "crm/pipeline/pipeline.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/simulator.h"
#include "hmi_service.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

struct ClientFigures {
  std::size_t requests = 0;
  double p50_ms = 0, p99_ms = 0;
};

// GET /hmi/v1/prompts on one connection until `stop`; latencies in ms.
ClientFigures runClient(int port, const std::atomic<bool>& stop) {
  ClientFigures out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return out;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string request = "GET /hmi/v1/prompts HTTP/1.1\r\nHost: localhost\r\n\r\n";
  std::vector<double> lat;
  std::string buf;
  char chunk[4096];
  while (!stop.load()) {
    const auto t0 = Clock::now();
    if (::send(fd, request.data(), request.size(), 0) < 0) break;
    buf.clear();
    // Read one response: headers, then Content-Length bytes.
    std::size_t need = std::string::npos;
    while (true) {
      const auto n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
      const auto head = buf.find("\r\n\r\n");
      if (head == std::string::npos) continue;
      if (need == std::string::npos) {
        const auto cl = buf.find("Content-Length: ");
        const auto cl_lower = buf.find("content-length: ");
        const auto at = cl != std::string::npos ? cl : cl_lower;
        need = head + 4 + (at == std::string::npos ? 0 : std::stoul(buf.substr(at + 16)));
      }
      if (buf.size() >= need) break;
    }
    lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  ::close(fd);
  std::sort(lat.begin(), lat.end());
  out.requests = lat.size();
  if (!lat.empty()) {
    out.p50_ms = lat[lat.size() / 2];
    out.p99_ms = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  }
  return out;
}

struct Run {
  ClientFigures client;
  double samples_per_s = 0;
};

// One run for `seconds`: ingest off (rate 0), at full speed (rate < 0) or
// paced at `rate` samples a second; the client on or off.
Run measure(double rate, bool serve, double seconds) {
  const bool ingest = rate != 0;
  crm::testing::TempDir dir;
  crm::store::StoreOptions so;
  so.path = dir.file("cache.db");
  so.full_sync = false;
  auto store = crm::store::Store::open(so).value();
  crm::os::ManualClock clock;
  crm::pipeline::PipelineOptions po;
  crm::pipeline::Pipeline pipe(*store, clock, po);
  crm::reports::MaintenanceTable maintenance;
  crm::daemon::HmiService hmi(pipe, *store, maintenance, [&] { return store->commit().ok(); });
  asio::io_context io;
  crm::localapi::Options lo;
  lo.port = 0;
  std::vector<crm::localapi::Mount> mounts;
  mounts.push_back(crm::localapi::hmiMount(hmi));
  auto server = crm::localapi::Server::create(io, lo, std::move(mounts)).value();

  crm::vehicle::SimulatorConfig sim;
  sim.days = 365;
  sim.seed = 1;
  crm::vehicle::Simulator car(sim);
  std::uint64_t samples = 0;
  std::atomic<bool> stop{false};
  auto last_commit = Clock::now();
  asio::steady_timer pace(io);
  std::function<void()> pump = [&] {
    if (stop.load()) return;
    // The daemon's turn: at most 2,000 records and 5 ms, then the loop
    // serves what waits (daemon.cpp, kTurnBudget); a commit a second.
    const auto turn_end = Clock::now() + std::chrono::milliseconds(5);
    const int turn = rate < 0 ? 2000 : static_cast<int>(rate / 100);  // paced: every 10 ms
    for (int i = 0; i < turn; ++i) {
      if (i % 64 == 63 && Clock::now() >= turn_end) break;
      auto rec = car.next();
      if (!rec) return;
      if (const auto ts = crm::vehicle::timeOf(*rec)) clock.advanceTo(*ts);
      (void)pipe.feed(*rec);
      ++samples;
    }
    if (Clock::now() - last_commit >= std::chrono::seconds(1)) {
      (void)store->commit();
      last_commit = Clock::now();
    }
    if (rate < 0) {
      asio::post(io, pump);
    } else {
      pace.expires_after(std::chrono::milliseconds(10));
      pace.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) pump();
      });
    }
  };
  if (ingest) asio::post(io, pump);
  asio::steady_timer end(io);
  end.expires_after(std::chrono::milliseconds(static_cast<int>(seconds * 1000)));
  end.async_wait([&](const boost::system::error_code&) {
    stop = true;
    pace.cancel();
    server->stop();
  });
  Run run;
  std::thread client;
  if (serve) {
    client = std::thread([&] { run.client = runClient(server->port(), stop); });
  }
  const auto t0 = Clock::now();
  io.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  if (client.joinable()) client.join();
  run.samples_per_s = static_cast<double>(samples) / elapsed;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
  }
  // A head unit's car sends some hundreds of samples a second; 2,000/s is
  // a busy one. Full speed is a simulated year fast-forwarded, a local day
  // closing (with its daily work) every ~0.1 s.
  constexpr double kBusyCar = 2000;
  const Run idle = measure(0, true, seconds);
  const Run live = measure(kBusyCar, true, seconds);
  const Run full = measure(-1, true, seconds);
  const Run alone = measure(-1, false, seconds);
  auto rps = [&](const Run& r) { return static_cast<double>(r.client.requests) / seconds; };
  std::printf("idle loop (baseline): %.0f req/s, p50 %.2f ms, p99 %.2f ms\n", rps(idle),
              idle.client.p50_ms, idle.client.p99_ms);
  std::printf(
      "ingesting %.0f samples/s: %.0f req/s, p50 %.2f ms, p99 %.2f ms; ratio to idle %.2f\n",
      live.samples_per_s, rps(live), live.client.p50_ms, live.client.p99_ms, rps(live) / rps(idle));
  std::printf(
      "ingesting at full speed (%.0f samples/s): %.0f req/s, p50 %.2f ms, p99 %.2f ms; ratio to "
      "idle %.3f\n",
      full.samples_per_s, rps(full), full.client.p50_ms, full.client.p99_ms, rps(full) / rps(idle));
  std::printf(
      "full-speed ingest while serving: %.0f samples/s; alone (baseline) %.0f samples/s; ratio "
      "%.2f\n",
      full.samples_per_s, alone.samples_per_s, full.samples_per_s / alone.samples_per_s);
  return 0;
}
