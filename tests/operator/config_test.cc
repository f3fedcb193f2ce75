#include "operator/config.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

// aviary-controller's flags: defaults, variables, flags over variables, and bad values refused.
namespace aviary::operator_app {
namespace {

Result<OperatorConfig> parse(std::vector<std::string_view> args,
                             std::map<std::string, std::string> env = {}) {
  return parseConfig(args, mapEnvironment(std::move(env)));
}

TEST(ConfigTest, Defaults) {
  const auto config = parse({});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->workers, 4);
  EXPECT_EQ(config->kube_qps, 20);
  EXPECT_EQ(config->kube_burst, 30);
  EXPECT_EQ(config->prometheus_timeout, std::chrono::seconds{10});
  EXPECT_EQ(config->sidecar_image, "aviary-sidecar:latest");
  EXPECT_EQ(config->http_address, "0.0.0.0:8080");
  EXPECT_TRUE(config->leader_elect);
  EXPECT_EQ(config->leader_election_id, "aviary-controller");
  EXPECT_EQ(config->log_level, "info");
  EXPECT_TRUE(config->namespaces.empty());
}

TEST(ConfigTest, FlagsBeatTheirVariables) {
  const auto config = parse({"--namespaces=ml,risk", "--leader-elect=false", "--workers", "8",
                             "--sidecar-extra-args=--threads=2"},
                            {{"AVIARY_WORKERS", "2"}, {"AVIARY_PROMETHEUS_URL", "http://p:9090"}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->namespaces, (std::vector<std::string>{"ml", "risk"}));
  EXPECT_FALSE(config->leader_elect);
  EXPECT_EQ(config->workers, 8);
  EXPECT_EQ(config->prometheus_url, "http://p:9090");
  EXPECT_EQ(config->sidecar_extra_args, std::vector<std::string>{"--threads=2"});
}

TEST(ConfigTest, RefusesBadValues) {
  EXPECT_FALSE(parse({"--workers=0"}));
  EXPECT_FALSE(parse({"--log-format=xml"}));
  EXPECT_FALSE(parse({"--http-address=8080"}));
  EXPECT_FALSE(parse({"--http-address=:http"}));
  EXPECT_FALSE(parse({"--no-such-flag"}));
}

TEST(ConfigTest, TheAuditSpoolComesWithTheWebhook) {
  const auto config = parse({"--audit-webhook=http://receiver/audit"},
                            {{"AVIARY_AUDIT_SPOOL", "/var/lib/aviary/audit"}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->audit_webhook, "http://receiver/audit");
  EXPECT_EQ(config->audit_spool, "/var/lib/aviary/audit");
  EXPECT_TRUE(parse({})->audit_spool.empty());
  const auto alone = parse({"--audit-spool=/var/lib/aviary/audit"});
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("--audit-webhook"), std::string::npos);
}

TEST(ConfigTest, HostPort) {
  const auto address = parseHostPort("127.0.0.1:18080");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 18080);
  EXPECT_EQ(parseHostPort(":9090")->host, "0.0.0.0");
}

}  // namespace
}  // namespace aviary::operator_app
