#include "sidecar/app/sidecar_app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "sidecar/drift/reference_profile.h"
#include "sidecar/loader/artifact_fetcher.h"
#include "tests/sidecar/fixtures.h"
#include "tests/support/http_client.h"

namespace aviary::sidecar {
namespace {

using aviary::testing::HttpClient;
using aviary::testing::httpGet;
using aviary::testing::httpPost;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kModelPath = std::filesystem::absolute("tests/sidecar/testdata/binary.json");

SidecarConfig configFor(const std::string& uri) {
  SidecarConfig config;
  config.model_name = "churn";
  config.model_version = "v1";
  config.revision = "rev-a";
  config.model_uri = uri;
  config.address = "127.0.0.1";
  config.port = 0;
  config.threads = 2;
  config.audit_log = "/dev/null";
  config.drain_timeout = 5s;
  return config;
}

// Polls `target` until it answers `status` or 10 s pass.
bool waitFor(uint16_t port, const std::string& target, int status) {
  for (int i = 0; i < 1000; ++i) {
    if (httpGet(port, target).status == status) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::string requestFor(const testing::Cases& cases) {
  json data = json::array();
  for (float v : cases.rows) data.push_back(std::isnan(v) ? json(nullptr) : json(v));
  return json{{"id", "fixture"},
              {"inputs", json::array({{{"name", "input-0"},
                                       {"shape", {cases.num_rows, 8}},
                                       {"datatype", "FP32"},
                                       {"data", data}}})}}
      .dump();
}

TEST(SidecarAppTest, ServesTheModelWithXGBoostPythonsPredictionsOverHttp) {
  SidecarApp app(configFor("file://" + kModelPath));
  ASSERT_TRUE(app.start().has_value());
  EXPECT_EQ(httpGet(app.port(), "/v2/health/live").status, 200);
  ASSERT_TRUE(waitFor(app.port(), "/v2/health/ready", 200));

  const auto cases = testing::loadCases("binary");
  const auto reply = httpPost(app.port(), "/v2/models/churn/infer", requestFor(cases));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json body = json::parse(reply.body);
  EXPECT_EQ(body["id"], "fixture");
  std::vector<float> got;
  for (const auto& v : body["outputs"][0]["data"])
    got.push_back(static_cast<float>(v.get<double>()));
  EXPECT_EQ(got, cases.value);

  const auto metrics = httpGet(app.port(), "/metrics");
  EXPECT_NE(metrics.body.find(R"(aviary_model_ready{model="churn",revision="rev-a"} 1)"),
            std::string::npos);
}

TEST(SidecarAppTest, AModelThatFailsToLoadLeavesTheProcessNotReadyWithTheReason) {
  SidecarConfig config = configFor("file://" + kModelPath);
  config.sha256 = std::string(64, 'a');
  SidecarApp app(config);
  ASSERT_TRUE(app.start().has_value());
  ASSERT_TRUE(waitFor(app.port(), "/v2/models/churn", 503));
  for (int i = 0; i < 100 && app.host().state() == ModelState::kLoading; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  const auto metadata = httpGet(app.port(), "/v2/models/churn");
  EXPECT_EQ(metadata.status, 503);
  EXPECT_EQ(json::parse(metadata.body)["state"], "FAILED");
  EXPECT_NE(metadata.body.find("sha256"), std::string::npos) << metadata.body;
  EXPECT_EQ(httpGet(app.port(), "/v2/health/ready").status, 503);
  EXPECT_EQ(httpGet(app.port(), "/v2/health/live").status, 200);
  EXPECT_EQ(httpPost(app.port(), "/v2/models/churn/infer", "{}").status, 503);
}

TEST(SidecarAppTest, AModelThatBlowsUpTheLoadersMemoryLeavesTheProcessAliveAndNotReady) {
  // A 3 MB document of a million empty objects takes over 100 MB to parse; the probe's limit
  // stops it.
  const auto path = std::filesystem::temp_directory_path() /
                    ("aviary-big-model-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(path);
    out << "{\"learner\": {\"items\": [{}";
    for (int i = 1; i < 1'000'000; ++i) out << ",{}";
    out << "]}}";
  }
  SidecarConfig config = configFor("file://" + path.string());
  config.max_model_memory = std::size_t{4} << 20;
  SidecarApp app(config);
  ASSERT_TRUE(app.start().has_value());
  for (int i = 0; i < 1000 && app.host().state() == ModelState::kLoading; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  const auto metadata = httpGet(app.port(), "/v2/models/churn");
  EXPECT_EQ(metadata.status, 503);
  EXPECT_EQ(json::parse(metadata.body)["state"], "FAILED");
  EXPECT_NE(metadata.body.find("probe load in a child process limited to 4 MiB"), std::string::npos)
      << metadata.body;
  EXPECT_NE(metadata.body.find("bad_alloc"), std::string::npos) << metadata.body;
  EXPECT_EQ(httpGet(app.port(), "/v2/health/ready").status, 503);
  EXPECT_EQ(httpGet(app.port(), "/v2/health/live").status, 200);
  std::filesystem::remove(path);
}

TEST(SidecarAppTest, ExportsDriftAndGroupRatesOfServedRequests) {
  const auto cases = testing::loadCases("binary");
  std::vector<drift::FeatureProfile> features;
  for (std::size_t f = 0; f < 8; ++f) {
    features.push_back({cases.feature_names[f], 4, {0.0}, {0.5, 0.5}, {-1.0, -0.5, 0.5, 1.0}});
  }
  auto profile = drift::ReferenceProfile::create(std::move(features));
  ASSERT_TRUE(profile.has_value());
  const auto path = std::filesystem::temp_directory_path() / "aviary-app-profile.json";
  std::ofstream(path) << profile->toJson().dump();

  SidecarConfig config = configFor("file://" + kModelPath);
  config.reference = "file://" + path.string();
  config.group_input = "region";
  SidecarApp app(config);
  ASSERT_TRUE(app.start().has_value());
  ASSERT_TRUE(waitFor(app.port(), "/v2/health/ready", 200));
  json request = json::parse(requestFor(cases));
  request["inputs"].push_back({{"name", "region"},
                               {"shape", {cases.num_rows}},
                               {"datatype", "BYTES"},
                               {"data", std::vector<std::string>(cases.num_rows, "eu")}});
  ASSERT_EQ(httpPost(app.port(), "/v2/models/churn/infer", request.dump()).status, 200);
  app.publishAccounting();
  const std::string text = httpGet(app.port(), "/metrics").body;
  EXPECT_NE(
      text.find(
          R"(aviary_feature_drift{feature="tenure",model="churn",revision="rev-a",stat="ks"})"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(aviary_group_positive_rate{group="eu",model="churn",revision="rev-a"})"),
            std::string::npos);
  std::filesystem::remove(path);
}

TEST(SidecarAppTest, MetricsCanHaveTheirOwnListener) {
  SidecarConfig config = configFor("file://" + kModelPath);
  config.metrics_port = 0;
  SidecarApp app(config);
  ASSERT_TRUE(app.start().has_value());
  ASSERT_TRUE(app.metricsPort().has_value());
  EXPECT_NE(*app.metricsPort(), app.port());
  EXPECT_EQ(httpGet(*app.metricsPort(), "/metrics").status, 200);
  EXPECT_EQ(httpGet(app.port(), "/metrics").status, 404);
}

TEST(SidecarAppTest, ShutdownTurnsReadinessOffThenStopsAccepting) {
  SidecarConfig config = configFor("file://" + kModelPath);
  config.shutdown_delay = 300ms;
  SidecarApp app(config);
  ASSERT_TRUE(app.start().has_value());
  const uint16_t port = app.port();
  ASSERT_TRUE(waitFor(port, "/v2/health/ready", 200));
  std::thread stopper([&] { app.shutdown(); });
  // During the shutdown delay the server still answers, but not ready.
  EXPECT_TRUE(waitFor(port, "/v2/health/ready", 503));
  stopper.join();
  EXPECT_FALSE(HttpClient(port).connected());
}

}  // namespace
}  // namespace aviary::sidecar
