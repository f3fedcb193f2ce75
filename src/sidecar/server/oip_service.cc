#include "sidecar/server/oip_service.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "sidecar/protocol/batch.h"
#include "sidecar/protocol/infer_request.h"
#include "sidecar/protocol/infer_response.h"

namespace aviary::sidecar {
namespace {

using http::errorResponse;
using http::PathParams;
using http::Request;
using http::Response;
using nlohmann::json;

constexpr std::string_view kOutputName = "predict";
// Triton's binary tensor extension: the length of the JSON part of a body with binary tensors.
constexpr std::string_view kJsonLengthHeader = "Inference-Header-Content-Length";

// The request's Inference-Header-Content-Length, if it has one.
Result<std::optional<std::size_t>> jsonLength(const Request& request) {
  const std::string_view text = request.header(kJsonLengthHeader);
  if (text.empty()) return std::nullopt;
  std::size_t length = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return fail(
        ErrorCode::kInvalidArgument,
        fmt::format("{} must be a non-negative integer, got '{}'", kJsonLengthHeader, text));
  }
  return length;
}

Response jsonResponse(int status, const json& body) {
  return Response{status, "application/json", body.dump(), {}};
}

}  // namespace

struct OipService::Outcome {
  int code = 200;
  std::string body;
  std::optional<std::size_t> json_length;  // the JSON part of `body` when it has binary outputs
  std::optional<std::size_t> request_json_length;  // the same for the request
  std::string error;
  std::size_t rows = 0;
  InferRequest request;
  Prediction prediction;
};

OipService::OipService(ModelHost& host, SidecarMetrics& metrics, const AuditLog& audit,
                       std::vector<InferenceObserver::Ptr> observers, OipOptions options)
    : host_(host),
      metrics_(metrics),
      audit_(audit),
      observers_(std::move(observers)),
      options_(std::move(options)) {}

void OipService::registerRoutes(http::Router& router) {
  router.add("GET", "/v2/health/live",
             [this](const Request&, const PathParams&) { return live(); });
  router.add("GET", "/v2/health/ready",
             [this](const Request&, const PathParams&) { return serverReady(); });
  router.add("GET", "/v2", [this](const Request&, const PathParams&) { return serverMetadata(); });
  for (const char* prefix : {"/v2/models/{name}", "/v2/models/{name}/versions/{version}"}) {
    const std::string base(prefix);
    router.add("GET", base,
               [this](const Request&, const PathParams& params) { return modelMetadata(params); });
    router.add("GET", base + "/ready",
               [this](const Request&, const PathParams& params) { return modelReady(params); });
    router.add("POST", base + "/infer", [this](const Request& request, const PathParams& params) {
      return infer(request, params);
    });
  }
  if (options_.serve_metrics) {
    router.add("GET", "/metrics",
               [this](const Request&, const PathParams&) { return metricsText(); });
  }
}

Response OipService::live() const { return jsonResponse(200, {{"live", true}}); }

Response OipService::serverReady() const {
  const bool is_ready = ready();
  return jsonResponse(is_ready ? 200 : 503, {{"ready", is_ready}});
}

Response OipService::serverMetadata() const {
  return jsonResponse(
      200, {{"name", "aviary-sidecar"},
            {"version", "0.1.0"},
            // Triton's name for the binary tensor extension, which clients look for here.
            {"extensions", json::array({"binary_tensor_data"})}});
}

std::optional<Response> OipService::checkModel(const PathParams& params) const {
  const ModelIdentity& identity = host_.identity();
  if (params.get("name") != identity.name) {
    return errorResponse(404, fmt::format("unknown model '{}'; this server serves '{}'",
                                          params.get("name"), identity.name));
  }
  if (params.has("version") && params.get("version") != identity.version) {
    return errorResponse(404,
                         fmt::format("unknown version '{}' of model '{}'; served version: '{}'",
                                     params.get("version"), identity.name, identity.version));
  }
  return std::nullopt;
}

Response OipService::notReady() const {
  const ModelIdentity& identity = host_.identity();
  const ModelState state = host_.state();
  const std::string reason = state == ModelState::kReady ? "draining" : host_.reason();
  json body = {
      {"error", fmt::format("model '{}' is not ready: {}", identity.name, reason)},
      {"name", identity.name},
      {"versions", identity.version.empty() ? json::array() : json::array({identity.version})},
      {"platform", identity.runtime},
      {"state", modelStateName(state)},
      {"reason", reason}};
  return jsonResponse(503, body);
}

Response OipService::modelMetadata(const PathParams& params) const {
  if (auto missing = checkModel(params)) return *missing;
  const ModelRuntime* runtime = host_.runtime();
  if (runtime == nullptr) return notReady();
  const ModelIdentity& identity = host_.identity();
  const ModelMetadata& metadata = runtime->metadata();
  const auto features = static_cast<int64_t>(metadata.num_features);
  json output_shape = json::array({-1});
  if (metadata.outputs_per_row > 1) output_shape.push_back(metadata.outputs_per_row);
  json parameters = {{"revision", identity.revision},
                     {"objective", metadata.objective},
                     {"feature_names", metadata.feature_names},
                     {"state", modelStateName(ModelState::kReady)}};
  if (!options_.group_input.empty()) parameters["group_input"] = options_.group_input;
  json body = {
      {"name", identity.name},
      {"versions", identity.version.empty() ? json::array() : json::array({identity.version})},
      {"platform", identity.runtime},
      {"inputs",
       json::array(
           {{{"name", "input-0"}, {"datatype", "FP32"}, {"shape", json::array({-1, features})}}})},
      {"outputs",
       json::array({{{"name", kOutputName}, {"datatype", "FP32"}, {"shape", output_shape}}})},
      {"parameters", parameters}};
  return jsonResponse(200, body);
}

Response OipService::modelReady(const PathParams& params) const {
  if (auto missing = checkModel(params)) return *missing;
  const bool is_ready = ready();
  return jsonResponse(is_ready ? 200 : 503, {{"name", host_.identity().name}, {"ready", is_ready}});
}

Response OipService::metricsText() const {
  return Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.scrape(), {}};
}

OipService::Outcome OipService::runInference(const Request& request) const {
  Outcome outcome;
  const ModelRuntime* runtime = host_.runtime();
  if (runtime == nullptr) {
    Response response = notReady();
    outcome.code = response.status;
    outcome.error = fmt::format("model not ready: {}", host_.reason());
    outcome.body = std::move(response.body);
    return outcome;
  }
  auto reject = [&outcome](int code, std::string message) {
    outcome.code = code;
    outcome.body = errorResponse(code, message).body;
    outcome.error = std::move(message);
    return std::move(outcome);
  };

  auto json_length = jsonLength(request);
  if (!json_length) return reject(400, json_length.error().message);
  outcome.request_json_length = *json_length;
  auto parsed = parseInferRequest(request.body, *json_length);
  if (!parsed) return reject(400, parsed.error().message);
  outcome.request = std::move(*parsed);
  bool binary_output = outcome.request.binary_outputs;
  for (const RequestedOutput& output : outcome.request.outputs) {
    if (output.name != kOutputName) {
      return reject(
          400, fmt::format("unknown output '{}'; the model has '{}'", output.name, kOutputName));
    }
    binary_output = output.binary.value_or(outcome.request.binary_outputs);
  }
  const ModelMetadata& metadata = runtime->metadata();
  auto batch =
      assembleBatch(outcome.request, FeatureLayout{metadata.num_features, metadata.feature_names},
                    options_.group_input);
  if (!batch) return reject(400, batch.error().message);
  outcome.rows = batch->num_rows;

  auto prediction =
      runtime->predict(batch->rows, batch->num_rows,
                       outcome.request.output_margin ? PredictKind::kMargin : PredictKind::kValue);
  if (!prediction) return reject(500, prediction.error().message);
  outcome.prediction = std::move(*prediction);

  const ModelIdentity& identity = host_.identity();
  const OutputTensor output{kOutputName, outcome.prediction.shape, outcome.prediction.values,
                            binary_output};
  EncodedResponse encoded = encodeInferResponse(identity.name, identity.version, outcome.request.id,
                                                std::span(&output, 1));
  outcome.body = std::move(encoded.body);
  outcome.json_length = encoded.json_length;

  if (!observers_.empty()) {
    const ObservedBatch observed{batch->rows,
                                 batch->num_rows,
                                 metadata.num_features,
                                 outcome.prediction.values,
                                 metadata.outputs_per_row,
                                 batch->groups};
    for (const auto& observer : observers_) observer->observe(observed);
  }
  return outcome;
}

Response OipService::infer(const Request& request, const PathParams& params) {
  if (auto missing = checkModel(params)) return *missing;
  const auto start = std::chrono::steady_clock::now();
  metrics_.requestStarted();
  Outcome outcome = runInference(request);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.requestFinished();
  metrics_.observeRequest(outcome.code, seconds, outcome.rows);
  if (audit_.sampled()) {
    const ModelIdentity& identity = host_.identity();
    const bool with_payload = audit_.allowPayloads() && outcome.request.audit_payload;
    // Of a request with binary tensors only the JSON part is logged: the log is text.
    const std::string_view payload =
        std::string_view(request.body)
            .substr(0, outcome.request_json_length.value_or(std::string_view::npos));
    audit_.write(AuditRecord{outcome.request.id, identity.name, identity.revision, outcome.code,
                             seconds, outcome.rows, outcome.prediction.values, outcome.error,
                             with_payload ? payload : std::string_view()});
  }
  if (outcome.json_length) {
    return Response{outcome.code,
                    "application/octet-stream",
                    std::move(outcome.body),
                    {{std::string(kJsonLengthHeader), std::to_string(*outcome.json_length)}}};
  }
  return Response{outcome.code, "application/json", std::move(outcome.body), {}};
}

}  // namespace aviary::sidecar
