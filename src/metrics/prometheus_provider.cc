#include "metrics/prometheus_provider.h"

#include <openssl/evp.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/http_status.h"

namespace aviary::metrics {
namespace {

using nlohmann::json;

constexpr std::size_t kSeriesNamed = 5;   // series listed in a too-many-series error
constexpr std::size_t kBodyQuoted = 200;  // bytes of an unexpected body quoted in an error

std::string base64(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string excerpt(std::string_view body) {
  return std::string(body.substr(0, kBodyQuoted)) + (body.size() > kBodyQuoted ? "..." : "");
}

// A sample value as the API writes it: a string holding a Go float ("1.5", "NaN", "+Inf").
Result<double> parseSampleValue(const json& value) {
  if (!value.is_string()) return fail(ErrorCode::kInvalidArgument, "sample value is not a string");
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) {
    return fail(ErrorCode::kInvalidArgument, "sample value \"" + text + "\" is not a number");
  }
  return number;
}

// [<unix time>, "<value>"]
Result<double> parseSample(const json& pair) {
  if (!pair.is_array() || pair.size() != 2) {
    return fail(ErrorCode::kInvalidArgument, "sample is not [time, value]: " + pair.dump());
  }
  return parseSampleValue(pair[1]);
}

// {__name__="up",job="x"}: the series as PromQL would select it.
std::string labelSet(const json& metric) {
  std::string out = "{";
  if (metric.is_object()) {
    for (const auto& [name, value] : metric.items()) {
      if (out.size() > 1) out += ",";
      out += name + "=" + value.dump();
    }
  }
  return out + "}";
}

Result<std::optional<double>> parseVector(const json& result) {
  if (!result.is_array()) return fail(ErrorCode::kInvalidArgument, "vector result is not a list");
  if (result.empty()) return std::optional<double>();
  if (result.size() > 1) {
    std::string names;
    for (std::size_t i = 0; i < result.size() && i < kSeriesNamed; ++i) {
      names += (i > 0 ? ", " : "") + labelSet(result[i].value("metric", json::object()));
    }
    if (result.size() > kSeriesNamed) {
      names += " and " + std::to_string(result.size() - kSeriesNamed) + " more";
    }
    return fail(ErrorCode::kInvalidArgument,
                "query returned " + std::to_string(result.size()) +
                    " series, a gate needs one (aggregate them, e.g. with sum or max): " + names);
  }
  if (!result[0].is_object() || !result[0].contains("value")) {
    return fail(ErrorCode::kInvalidArgument, "vector sample has no value: " + result[0].dump());
  }
  AVIARY_ASSIGN_OR_RETURN(double value, parseSample(result[0]["value"]));
  return std::optional<double>(value);
}

// The "data" of a successful answer.
Result<std::optional<double>> parseData(const json& data) {
  if (!data.is_object() || !data.contains("resultType") || !data.contains("result")) {
    return fail(ErrorCode::kInvalidArgument, "answer has no data.resultType and data.result");
  }
  const std::string type = data["resultType"].is_string() ? data["resultType"].get<std::string>()
                                                          : data["resultType"].dump();
  if (type == "vector") return parseVector(data["result"]);
  if (type == "scalar") {
    AVIARY_ASSIGN_OR_RETURN(double value, parseSample(data["result"]));
    return std::optional<double>(value);
  }
  return fail(ErrorCode::kInvalidArgument,
              "query returned a " + type + ", a gate needs an instant vector or a scalar");
}

Result<std::optional<double>> interpret(const http::ClientResponse& response) {
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const bool api_answer = body.is_object() && body.contains("status");
  const std::string http_status = "HTTP " + std::to_string(response.status);
  if (api_answer && body["status"] == "error") {
    const auto text = [&body](const char* key) {
      return body.contains(key) && body[key].is_string() ? body[key].get<std::string>()
                                                         : std::string();
    };
    const std::string type = text("errorType");
    const std::string message = text("error");
    ErrorCode code = errorCodeForHttpStatus(response.status);
    if (response.status >= 200 && response.status < 300) code = ErrorCode::kInvalidArgument;
    if (type == "timeout") code = ErrorCode::kDeadlineExceeded;
    return fail(code, "Prometheus answered " + http_status + " " + type + ": " + message);
  }
  if (response.status < 200 || response.status >= 300) {
    return fail(errorCodeForHttpStatus(response.status),
                "Prometheus answered " + http_status + ": " + excerpt(response.body));
  }
  if (!api_answer || body["status"] != "success") {
    return fail(ErrorCode::kInvalidArgument,
                "not a Prometheus API answer (" + http_status + "): " + excerpt(response.body));
  }
  Result<std::optional<double>> value;
  try {
    value = parseData(body.value("data", json()));
  } catch (const json::exception& e) {
    // An answer whose members have other types than the API's (checked lookups throw).
    value = fail(ErrorCode::kInvalidArgument, e.what());
  }
  if (!value) return fail(value.error().withContext("reading the Prometheus answer"));
  return value;
}

std::string trimTrailingSlashes(std::string address) {
  while (!address.empty() && address.back() == '/') address.pop_back();
  return address;
}

}  // namespace

Result<std::shared_ptr<PrometheusProvider>> PrometheusProvider::create(
    const PrometheusOptions& options) {
  if (options.address.empty()) {
    return fail(ErrorCode::kInvalidArgument, "no Prometheus address");
  }
  if (!options.bearer_token_file.empty() &&
      (!options.basic_auth_username.empty() || !options.basic_auth_password_file.empty())) {
    return fail(ErrorCode::kInvalidArgument,
                "Prometheus auth: set a bearer token file or basic auth, not both");
  }
  if (options.basic_auth_username.empty() != options.basic_auth_password_file.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "Prometheus basic auth needs both a user name and a password file");
  }
  if (options.timeout <= Duration::zero()) {
    return fail(ErrorCode::kInvalidArgument, "Prometheus timeout must be positive");
  }
  std::string address = trimTrailingSlashes(options.address);
  http::ClientOptions client_options;
  client_options.base_url = address;
  client_options.tls = options.tls;
  client_options.timeout = options.timeout;
  auto client = http::makeClient(client_options);
  if (!client) return fail(client.error().withContext("Prometheus at " + address));
  return std::shared_ptr<PrometheusProvider>(
      new PrometheusProvider(std::move(address), std::move(*client), options));
}

PrometheusProvider::PrometheusProvider(std::string address, http::Client::Ptr client,
                                       PrometheusOptions options)
    : address_(std::move(address)),
      client_(std::move(client)),
      basic_auth_username_(std::move(options.basic_auth_username)) {
  if (!options.bearer_token_file.empty()) bearer_token_.emplace(options.bearer_token_file);
  if (!options.basic_auth_password_file.empty()) {
    basic_auth_password_.emplace(options.basic_auth_password_file);
  }
}

Result<std::optional<std::string>> PrometheusProvider::authorization() {
  if (bearer_token_) {
    AVIARY_ASSIGN_OR_RETURN(std::string token, bearer_token_->read());
    return std::optional<std::string>("Bearer " + token);
  }
  if (basic_auth_password_) {
    AVIARY_ASSIGN_OR_RETURN(std::string password, basic_auth_password_->read());
    return std::optional<std::string>("Basic " + base64(basic_auth_username_ + ":" + password));
  }
  return std::optional<std::string>();
}

Result<std::optional<double>> PrometheusProvider::query(const std::string& query) {
  const std::string context = "querying Prometheus at " + address_;
  auto auth = authorization();
  if (!auth) return fail(auth.error().withContext(context));
  http::ClientRequest request;
  request.target = "/api/v1/query?query=" + http::urlEncode(query);
  request.headers.emplace_back("Accept", "application/json");
  if (*auth) request.headers.emplace_back("Authorization", **auth);
  auto response = client_->send(request);
  if (!response) return fail(response.error().withContext(context));
  auto value = interpret(*response);
  if (!value) return fail(value.error().withContext(context));
  return value;
}

Result<Provider::Ptr> makePrometheusProvider(const PrometheusOptions& options) {
  AVIARY_ASSIGN_OR_RETURN(std::shared_ptr<PrometheusProvider> provider,
                          PrometheusProvider::create(options));
  return Provider::Ptr(std::move(provider));
}

}  // namespace aviary::metrics
