#include "sidecar/server/oip_service.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/fakes/fake_runtime.h"

namespace aviary::sidecar {
namespace {

using nlohmann::json;
using testing::FakeRuntime;

const ModelIdentity kIdentity{"churn", "v1", "rev-a", "fake"};
constexpr const char* kOneRow =
    R"({"id":"r1","inputs":[{"name":"input-0","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]})";

// Records what accounting would see.
class RecordingObserver final : public InferenceObserver {
 public:
  void observe(const ObservedBatch& batch) override {
    std::lock_guard lock(mu);
    rows.insert(rows.end(), batch.rows.begin(), batch.rows.end());
    outputs.insert(outputs.end(), batch.outputs.begin(), batch.outputs.end());
    groups.insert(groups.end(), batch.groups.begin(), batch.groups.end());
  }
  void publish() override {}
  std::mutex mu;
  std::vector<float> rows;
  std::vector<float> outputs;
  std::vector<std::string> groups;
};

class OipServiceTest : public ::testing::Test {
 protected:
  OipServiceTest()
      : audit_sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(audit_lines_)),
        audit_logger_(std::make_shared<spdlog::logger>("audit-test", audit_sink_)),
        host_(kIdentity),
        metrics_(kIdentity),
        audit_(audit_logger_, 1.0, /*allow_payloads=*/true),
        observer_(std::make_shared<RecordingObserver>()),
        service_(host_, metrics_, audit_, {observer_}, OipOptions{"region", true}) {
    audit_logger_->set_pattern(AuditLog::kPattern, spdlog::pattern_time_type::utc);
    service_.registerRoutes(router_);
  }

  void makeReady(std::vector<std::string> names = {"a", "b", "c"}) {
    host_.setReady(std::make_shared<FakeRuntime>(3, std::move(names)));
  }

  http::Response call(std::string method, std::string path, std::string body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    request.headers = std::move(headers);
    return router_.dispatch(request);
  }

  json bodyOf(const http::Response& response) { return json::parse(response.body); }

  std::ostringstream audit_lines_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> audit_sink_;
  std::shared_ptr<spdlog::logger> audit_logger_;
  ModelHost host_;
  SidecarMetrics metrics_;
  AuditLog audit_;
  std::shared_ptr<RecordingObserver> observer_;
  OipService service_;
  http::Router router_;
};

TEST_F(OipServiceTest, LiveAlwaysReadyOnlyOnceTheModelIsLoaded) {
  EXPECT_EQ(call("GET", "/v2/health/live").status, 200);
  EXPECT_EQ(call("GET", "/v2/health/ready").status, 503);
  EXPECT_EQ(call("GET", "/v2/models/churn/ready").status, 503);
  makeReady();
  EXPECT_EQ(call("GET", "/v2/health/ready").status, 200);
  EXPECT_EQ(call("GET", "/v2/models/churn/ready").status, 200);
  EXPECT_EQ(call("GET", "/v2/models/churn/versions/v1/ready").status, 200);
}

TEST_F(OipServiceTest, DrainingTurnsReadinessOffButStillAnswersInference) {
  makeReady();
  service_.startDraining();
  EXPECT_EQ(call("GET", "/v2/health/ready").status, 503);
  EXPECT_EQ(call("POST", "/v2/models/churn/infer", kOneRow).status, 200);
}

TEST_F(OipServiceTest, ModelMetadataDescribesInputsOutputsAndRevision) {
  makeReady();
  const auto response = call("GET", "/v2/models/churn");
  ASSERT_EQ(response.status, 200);
  const json body = bodyOf(response);
  EXPECT_EQ(body["name"], "churn");
  EXPECT_EQ(body["versions"], json::array({"v1"}));
  EXPECT_EQ(body["platform"], "fake");
  EXPECT_EQ(body["inputs"][0]["shape"], json::array({-1, 3}));
  EXPECT_EQ(body["outputs"][0]["name"], "predict");
  EXPECT_EQ(body["parameters"]["revision"], "rev-a");
  EXPECT_EQ(body["parameters"]["feature_names"], json::array({"a", "b", "c"}));
  EXPECT_EQ(call("GET", "/v2/models/churn/versions/v1").status, 200);
}

TEST_F(OipServiceTest, FailedModelIs503WithTheReasonEverywhere) {
  host_.setFailed("failed to load: sha256 mismatch");
  const auto metadata = call("GET", "/v2/models/churn");
  EXPECT_EQ(metadata.status, 503);
  EXPECT_EQ(bodyOf(metadata)["state"], "FAILED");
  EXPECT_EQ(bodyOf(metadata)["reason"], "failed to load: sha256 mismatch");
  const auto infer = call("POST", "/v2/models/churn/infer", kOneRow);
  EXPECT_EQ(infer.status, 503);
  EXPECT_NE(bodyOf(infer)["error"].get<std::string>().find("sha256 mismatch"), std::string::npos);
  EXPECT_EQ(call("GET", "/v2/health/ready").status, 503);
}

TEST_F(OipServiceTest, UnknownModelOrVersionIs404) {
  makeReady();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v2/models/other"},
           {"GET", "/v2/models/churn/versions/v2"},
           {"GET", "/v2/models/other/ready"},
           {"POST", "/v2/models/other/infer"},
           {"POST", "/v2/models/churn/versions/v2/infer"}}) {
    const auto response = call(method, path, kOneRow);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_TRUE(bodyOf(response).contains("error")) << path;
  }
}

TEST_F(OipServiceTest, InferEchoesIdAndReturnsPredictions) {
  makeReady();
  const auto response = call("POST", "/v2/models/churn/versions/v1/infer", R"({"id":"abc",
      "inputs":[{"name":"input-0","shape":[2,3],"datatype":"FP32","data":[[1,2,3],[4,5,6]]}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = bodyOf(response);
  EXPECT_EQ(body["id"], "abc");
  EXPECT_EQ(body["model_name"], "churn");
  EXPECT_EQ(body["model_version"], "v1");
  EXPECT_EQ(body["outputs"][0]["shape"], json::array({2}));
  EXPECT_EQ(body["outputs"][0]["data"], json::array({6.0, 15.0}));
}

TEST_F(OipServiceTest, OutputMarginParameterAsksForRawScores) {
  makeReady();
  const auto response =
      call("POST", "/v2/models/churn/infer", R"({"parameters":{"output_margin":true},
      "inputs":[{"name":"input-0","shape":[3],"datatype":"FP32","data":[1,2,3]}]})");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(bodyOf(response)["outputs"][0]["data"], json::array({5.0}));
}

TEST_F(OipServiceTest, BinaryTensorsInAndOutWithTheJsonLengthHeader) {
  makeReady();
  const std::string request_json =
      R"({"inputs":[{"name":"input-0","shape":[2,3],"datatype":"FP32",)"
      R"("parameters":{"binary_data_size":24}}],"parameters":{"binary_data_output":true}})";
  const float rows[] = {1, 2, 3, 4, 5, 6};
  const std::string body =
      request_json + std::string(reinterpret_cast<const char*>(rows), sizeof rows);
  const auto response =
      call("POST", "/v2/models/churn/infer", body,
           {{"Inference-Header-Content-Length", std::to_string(request_json.size())}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/octet-stream");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Inference-Header-Content-Length");
  const std::size_t json_length = std::stoul(response.headers[0].second);
  const json head = json::parse(response.body.substr(0, json_length));
  EXPECT_EQ(head["outputs"][0]["parameters"]["binary_data_size"], 8);
  EXPECT_FALSE(head["outputs"][0].contains("data"));
  ASSERT_EQ(response.body.size(), json_length + 8);
  float sums[2];
  std::memcpy(sums, response.body.data() + json_length, sizeof sums);
  EXPECT_EQ(sums[0], 6.0f);
  EXPECT_EQ(sums[1], 15.0f);
}

TEST_F(OipServiceTest, ServerMetadataNamesTheBinaryTensorExtension) {
  const auto response = call("GET", "/v2");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(bodyOf(response)["extensions"], json::array({"binary_tensor_data"}));
}

TEST_F(OipServiceTest, MalformedJsonLengthHeaderIs400) {
  makeReady();
  const auto response =
      call("POST", "/v2/models/churn/infer", kOneRow, {{"Inference-Header-Content-Length", "12x"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(bodyOf(response)["error"],
            "Inference-Header-Content-Length must be a non-negative integer, got '12x'");
}

TEST_F(OipServiceTest, BadRequestsAre400NamingTheInput) {
  makeReady();
  const auto shape =
      call("POST", "/v2/models/churn/infer",
           R"({"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]})");
  EXPECT_EQ(shape.status, 400);
  EXPECT_EQ(bodyOf(shape)["error"],
            "input 'x': expected shape [rows,3] or [3] (3 features), got [1,4]");
  EXPECT_EQ(call("POST", "/v2/models/churn/infer", "not json").status, 400);
  const auto output = call(
      "POST", "/v2/models/churn/infer",
      R"({"outputs":[{"name":"proba"}],"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[1,2,3]}]})");
  EXPECT_EQ(output.status, 400);
  EXPECT_EQ(bodyOf(output)["error"], "unknown output 'proba'; the model has 'predict'");
}

TEST_F(OipServiceTest, ObserversSeeRowsOutputsAndGroups) {
  makeReady();
  const auto response = call("POST", "/v2/models/churn/infer", R"({"inputs":[
      {"name":"input-0","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]},
      {"name":"region","shape":[2],"datatype":"BYTES","data":["eu","us"]}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(observer_->rows, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(observer_->outputs, (std::vector<float>{6, 15}));
  EXPECT_EQ(observer_->groups, (std::vector<std::string>{"eu", "us"}));
}

TEST_F(OipServiceTest, MetricsCountRequestsByCodeWithModelAndRevision) {
  makeReady();
  call("POST", "/v2/models/churn/infer", kOneRow);
  call("POST", "/v2/models/churn/infer", kOneRow);
  call("POST", "/v2/models/churn/infer", "{");
  const auto response = call("GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  const std::string& text = response.body;
  EXPECT_NE(
      text.find(R"(aviary_inference_requests_total{code="200",model="churn",revision="rev-a"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(aviary_inference_requests_total{code="400",model="churn",revision="rev-a"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(aviary_inference_request_duration_seconds_count{code="200",model="churn",revision="rev-a"} 2)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(aviary_inference_request_duration_seconds_bucket{code="200",model="churn",revision="rev-a",le="0.0001"})"),
      std::string::npos);
  EXPECT_NE(text.find(R"(aviary_inference_batch_size_count{model="churn",revision="rev-a"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(aviary_model_info{model="churn",revision="rev-a",runtime="fake"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(aviary_inference_requests_in_flight{model="churn",revision="rev-a"} 0)"),
            std::string::npos);
}

TEST_F(OipServiceTest, AuditLinesSummariseOutputsAndCarryPayloadsOnlyWhenAsked) {
  makeReady();
  call("POST", "/v2/models/churn/infer", kOneRow);
  call(
      "POST", "/v2/models/churn/infer",
      R"({"id":"r2","parameters":{"audit_payload":true},"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[1,1,1]}]})");
  audit_logger_->flush();
  std::istringstream lines(audit_lines_.str());
  std::string line;
  std::vector<json> records;
  while (std::getline(lines, line)) records.push_back(json::parse(line));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["request_id"], "r1");
  EXPECT_EQ(records[0]["model"], "churn");
  EXPECT_EQ(records[0]["revision"], "rev-a");
  EXPECT_EQ(records[0]["code"], 200);
  EXPECT_EQ(records[0]["output"]["mean"], 6.0);
  EXPECT_TRUE(records[0].contains("ts"));
  EXPECT_TRUE(records[0].contains("latency_ms"));
  EXPECT_FALSE(records[0].contains("payload"));
  EXPECT_TRUE(records[1].contains("payload"));
}

TEST(AuditLogTest, SampleRateZeroNeverSamplesAndOneAlways) {
  auto logger = std::make_shared<spdlog::logger>("audit-rate");
  EXPECT_FALSE(AuditLog(logger, 0.0, false).sampled());
  EXPECT_TRUE(AuditLog(logger, 1.0, false).sampled());
  AuditLog half(logger, 0.5, false);
  int sampled = 0;
  for (int i = 0; i < 4000; ++i) sampled += half.sampled() ? 1 : 0;
  EXPECT_GT(sampled, 1700);
  EXPECT_LT(sampled, 2300);
}

}  // namespace
}  // namespace aviary::sidecar
