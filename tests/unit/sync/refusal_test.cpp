// Why a connection failed, from what Paho reports (codes and messages as
// Paho C 1.3 gives them, seen against mosquitto 2).
#include "crm/sync/refusal.h"

#include <gtest/gtest.h>

namespace crm::sync {
namespace {

constexpr char kVerifyFailed[] =
    "C0F63FE5E07F0000:error:0A000086:SSL routines:tls_post_process_server_certificate:"
    "certificate verify failed:../ssl/statem/statem_clnt.c:1889:\n";

ConnectFailure failure(int rc, std::string message) {
  ConnectFailure f;
  f.return_code = rc;
  f.message = std::move(message);
  return f;
}

TEST(Refusal, AnUntrustedBrokerCertificateIsATlsVerificationFailure) {
  auto f = failure(-1, "TCP/TLS connect failure");
  f.tls = true;
  f.client_cert = true;
  f.tls_error = kVerifyFailed;
  const auto r = classifyConnectFailure(f);
  EXPECT_EQ(r.kind, RefusalKind::kTls);
  EXPECT_EQ(r.reason.rfind("TLS: certificate verify failed (", 0), 0U) << r.reason;
  EXPECT_NE(r.reason.find("mqtt.tls.ca_file"), std::string::npos) << r.reason;
}

TEST(Refusal, AnOpensslLineOfAnotherShapeIsKeptWhole) {
  ConnectFailure f = failure(-1, "TCP/TLS connect failure");
  f.tls_error = "something odd\n";
  EXPECT_EQ(classifyConnectFailure(f).reason, "TLS: something odd");
}

TEST(Refusal, TheBrokerClosingATlsSessionWithoutAClientCertificateNamesTheMissingCertificate) {
  auto f = failure(-1, "TCP connect completion failure");
  f.tls = true;
  const auto r = classifyConnectFailure(f);
  EXPECT_EQ(r.kind, RefusalKind::kTls);
  EXPECT_NE(r.reason.find("requires a client certificate"), std::string::npos) << r.reason;
  f.client_cert = true;
  EXPECT_NE(classifyConnectFailure(f).reason.find("did not accept the client certificate"),
            std::string::npos);
}

TEST(Refusal, ConnackCodesOf311And5ForCredentialsAreBadCredentials) {
  for (const int code : {4, 5, 0x86, 0x87}) {
    const auto r = classifyConnectFailure(failure(code, "CONNACK return code"));
    EXPECT_EQ(r.kind, RefusalKind::kCredentials) << code;
    EXPECT_EQ(r.reason.rfind("bad credentials: ", 0), 0U) << r.reason;
    EXPECT_NE(r.reason.find("(CONNACK " + std::to_string(code) + ")"), std::string::npos);
  }
  EXPECT_NE(classifyConnectFailure(failure(4, "")).reason.find("bad user name or password"),
            std::string::npos);
  EXPECT_NE(classifyConnectFailure(failure(0x87, "")).reason.find("not authorized"),
            std::string::npos);
}

TEST(Refusal, OtherConnackCodesSayWhatTheBrokerRefused) {
  EXPECT_EQ(classifyConnectFailure(failure(1, "")).kind, RefusalKind::kProtocol);
  EXPECT_EQ(classifyConnectFailure(failure(0x84, "")).kind, RefusalKind::kProtocol);
  EXPECT_EQ(classifyConnectFailure(failure(2, "")).kind, RefusalKind::kProtocol);
  EXPECT_EQ(classifyConnectFailure(failure(3, "")).kind, RefusalKind::kUnavailable);
  EXPECT_EQ(classifyConnectFailure(failure(0x89, "")).kind, RefusalKind::kUnavailable);
  EXPECT_EQ(classifyConnectFailure(failure(0x99, "")).kind, RefusalKind::kOther);
}

TEST(Refusal, APlainTcpConnectFailureIsConnectionRefused) {
  const auto r = classifyConnectFailure(failure(-1, "TCP/TLS connect failure"));
  EXPECT_EQ(r.kind, RefusalKind::kRefused);
  EXPECT_EQ(r.reason, "connection refused (nothing listening on that port)");
}

TEST(Refusal, ATlsConnectFailureToAReachableBrokerIsAHandshakeFailure) {
  auto f = failure(-1, "TCP/TLS connect failure");
  f.tls = true;
  f.tcp_reachable = true;
  EXPECT_NE(classifyConnectFailure(f).reason.find("no client certificate is set"),
            std::string::npos);
  f.client_cert = true;
  const auto r = classifyConnectFailure(f);
  EXPECT_EQ(r.kind, RefusalKind::kTls);
  EXPECT_EQ(r.reason.rfind("TLS: handshake failed (", 0), 0U) << r.reason;
  f.tcp_reachable = false;
  EXPECT_EQ(classifyConnectFailure(f).kind, RefusalKind::kRefused);
}

TEST(Refusal, AnAttemptThatLastedTheConnectTimeoutIsATimeout) {
  auto f = failure(-1, "TCP connect completion failure");
  f.timed_out = true;
  f.tls = true;
  const auto r = classifyConnectFailure(f);
  EXPECT_EQ(r.kind, RefusalKind::kTimeout);
  EXPECT_EQ(r.reason.rfind("unreachable: no answer", 0), 0U) << r.reason;
}

TEST(Refusal, NoMessageAtAllIsAnUnknownOrUnreachableHost) {
  const auto r = classifyConnectFailure(failure(-1, ""));
  EXPECT_EQ(r.kind, RefusalKind::kUnreachable);
  EXPECT_NE(r.reason.find("host not found"), std::string::npos);
}

TEST(Refusal, TheSameFailureGivesTheSameReasonSoItIsLoggedOnce) {
  auto f = failure(-1, "TCP/TLS connect failure");
  EXPECT_EQ(classifyConnectFailure(f), classifyConnectFailure(f));
  EXPECT_NE(classifyConnectFailure(f), classifyConnectFailure(failure(5, "")));
}

TEST(Refusal, EveryKindHasAWordForTheLog) {
  EXPECT_STREQ(refusalKindName(RefusalKind::kTls), "tls");
  EXPECT_STREQ(refusalKindName(RefusalKind::kCredentials), "credentials");
  EXPECT_STREQ(refusalKindName(RefusalKind::kFile), "file");
}

}  // namespace
}  // namespace crm::sync
