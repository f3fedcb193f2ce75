#include "kube/rest_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "kube/stoppable_sleep.h"
#include "kube/watch_decoder.h"

namespace aviary::kube {
namespace {

// A transport failure becomes Timeout, Cancelled or Unavailable; a non-2xx answer is decoded from
// its metav1.Status. Both carry `what` (e.g. "get configmaps/x") as context.
Status checkResponse(const Result<http::ClientResponse>& response, const std::string& what) {
  if (!response.has_value()) {
    return fail(response.error().withContext(what));
  }
  if (response->status < 200 || response->status >= 300) {
    return fail(decodeStatusError(response->status, response->body).withContext(what));
  }
  return {};
}

void addQuery(std::string& target, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  target += (target.find('?') == std::string::npos ? '?' : '&');
  target += key + "=" + http::urlEncode(value);
}

// The object's own ref when `ref` leaves namespace or name out.
ResourceRef completed(const ResourceRef& ref, const Json& object) {
  ResourceRef out = ref;
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object()) {
    const Json& metadata = object["metadata"];
    if (out.ns.empty()) out.ns = metadata.value("namespace", "");
    if (out.name.empty()) out.name = metadata.value("name", "");
  }
  return out;
}

std::string kindOfItems(const std::string& list_kind) {
  constexpr std::string_view kSuffix = "List";
  if (list_kind.size() > kSuffix.size() && list_kind.ends_with(kSuffix)) {
    return list_kind.substr(0, list_kind.size() - kSuffix.size());
  }
  return "";
}

http::ClientOptions clientOptions(const RestConfig& config, std::chrono::milliseconds timeout) {
  http::ClientOptions options;
  options.base_url = config.server;
  options.tls = config.tls;
  options.timeout = timeout;
  return options;
}

}  // namespace

Result<std::shared_ptr<RestClient>> RestClient::create(const RestConfig& config,
                                                       MonotonicClock::Ptr clock) {
  if (config.server.empty()) return fail(ErrorCode::kInvalidArgument, "no API server address");
  if (config.tls.insecure_skip_verify) {
    spdlog::warn(
        "TLS VERIFICATION OF THE API SERVER {} IS OFF (insecure-skip-tls-verify): anyone on the "
        "path can impersonate it. Use this only on a local test cluster.",
        config.server);
  }
  AVIARY_ASSIGN_OR_RETURN(http::Client::Ptr http,
                          http::makeClient(clientOptions(config, config.timeout)));
  if (!clock) clock = std::make_shared<SteadyClock>();
  return std::make_shared<RestClient>(config, std::move(http), std::move(clock));
}

RestClient::RestClient(RestConfig config, http::Client::Ptr http, MonotonicClock::Ptr clock)
    : config_(std::move(config)),
      http_(std::move(http)),
      clock_(std::move(clock)),
      limiter_(config_.qps, config_.burst, clock_),
      token_(config_.token, config_.token_file) {}

Status RestClient::addHeaders(http::ClientRequest& request) {
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", config_.user_agent);
  AVIARY_ASSIGN_OR_RETURN(std::string token, token_.token());
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  return {};
}

void RestClient::setStopToken(std::stop_token stop) {
  std::lock_guard lock(stop_mutex_);
  stop_ = std::move(stop);
}

std::stop_token RestClient::stopToken() const {
  std::lock_guard lock(stop_mutex_);
  return stop_;
}

void RestClient::setRequestObserver(RequestObserver observer) { observer_ = std::move(observer); }

Result<http::ClientResponse> RestClient::execute(http::ClientRequest request,
                                                 std::stop_token stop) {
  AVIARY_RETURN_IF_ERROR(addHeaders(request));
  // The call's own token (a watch's) or else the client's.
  if (!stop.stop_possible()) stop = stopToken();
  auto cancelled = [&] {
    return fail(ErrorCode::kCancelled, request.method + " " + request.target + ": stopped");
  };
  for (int attempt = 0;; ++attempt) {
    sleepFor(limiter_.reserve(), stop);
    if (stop.stop_requested()) return cancelled();
    auto sent = http_->send(request, stop);
    if (stop.stop_requested()) return cancelled();
    AVIARY_ASSIGN_OR_RETURN(http::ClientResponse response, std::move(sent));
    if (observer_) observer_(request.method, request.target, response.status);
    bool retryable = response.status == 429 || response.status >= 500;
    auto retry_after = parseRetryAfter(response.header("Retry-After"));
    if (!retryable || !retry_after.has_value() || attempt >= kMaxRetries) return response;
    auto delay = std::min<std::chrono::milliseconds>(*retry_after, std::chrono::seconds{60});
    spdlog::debug("{} {}: HTTP {}, retrying after {} ms", request.method, request.target,
                  response.status, delay.count());
    sleepFor(delay, stop);
  }
}

Result<Json> RestClient::call(const std::string& method, const std::string& target,
                              const std::string& what, const Json* body,
                              const std::string& content_type) {
  http::ClientRequest request;
  request.method = method;
  request.target = target;
  if (body != nullptr) {
    request.body = body->dump();
    request.content_type = content_type.empty() ? "application/json" : content_type;
  }
  auto response = execute(std::move(request));
  AVIARY_RETURN_IF_ERROR(checkResponse(response, what));
  Json decoded = Json::parse(response->body, nullptr, false);
  if (decoded.is_discarded()) return fail(ErrorCode::kInternal, what + ": response is not JSON");
  return decoded;
}

Result<Json> RestClient::get(const ResourceRef& ref) {
  return call("GET", ref.objectPath(), "get " + ref.describe());
}

Result<ObjectList> RestClient::list(const ResourceRef& ref, const ListOptions& options) {
  std::string target = ref.collectionPath();
  addQuery(target, "labelSelector", options.label_selector);
  addQuery(target, "fieldSelector", options.field_selector);
  if (options.limit > 0) addQuery(target, "limit", std::to_string(options.limit));
  addQuery(target, "continue", options.continue_token);
  addQuery(target, "resourceVersion", options.resource_version);
  AVIARY_ASSIGN_OR_RETURN(Json body, call("GET", target, "list " + ref.describe()));
  ObjectList out;
  const Json& metadata = body.contains("metadata") ? body["metadata"] : Json::object();
  out.resource_version = metadata.value("resourceVersion", "");
  out.continue_token = metadata.value("continue", "");
  std::string kind = kindOfItems(body.value("kind", ""));
  std::string api_version = body.value("apiVersion", ref.apiVersion());
  if (body.contains("items") && body["items"].is_array()) {
    out.items.reserve(body["items"].size());
    for (auto& item : body["items"]) {
      if (!item.contains("apiVersion")) item["apiVersion"] = api_version;
      if (!item.contains("kind") && !kind.empty()) item["kind"] = kind;
      out.items.push_back(std::move(item));
    }
  }
  return out;
}

Result<Json> RestClient::create(const ResourceRef& ref, const Json& object) {
  ResourceRef full = completed(ref, object);
  full.name.clear();
  std::string target = full.collectionPath();
  addQuery(target, "fieldManager", kFieldManager);
  return call("POST", target, "create " + completed(ref, object).describe(), &object);
}

Result<Json> RestClient::update(const ResourceRef& ref, const Json& object) {
  ResourceRef full = completed(ref, object);
  std::string target = full.objectPath();
  addQuery(target, "fieldManager", kFieldManager);
  return call("PUT", target, "update " + full.describe(), &object);
}

Result<Json> RestClient::updateStatus(const ResourceRef& ref, const Json& object) {
  ResourceRef full = completed(ref, object);
  std::string target = full.objectPath() + "/status";
  addQuery(target, "fieldManager", kFieldManager);
  return call("PUT", target, "update status of " + full.describe(), &object);
}

Result<Json> RestClient::doPatch(const ResourceRef& ref, const std::string& subresource,
                                 PatchType type, const Json& patch, const PatchOptions& options) {
  ResourceRef full = completed(ref, patch);
  std::string target = full.objectPath() + subresource;
  addQuery(target, "fieldManager", kFieldManager);
  if (type == PatchType::kApply && options.force) addQuery(target, "force", "true");
  const char* content_type =
      type == PatchType::kApply ? "application/apply-patch+yaml" : "application/merge-patch+json";
  std::string what = std::string(type == PatchType::kApply ? "apply " : "patch ") +
                     (subresource.empty() ? "" : "status of ") + full.describe();
  return call("PATCH", target, what, &patch, content_type);
}

Result<Json> RestClient::patch(const ResourceRef& ref, PatchType type, const Json& patch,
                               const PatchOptions& options) {
  return doPatch(ref, "", type, patch, options);
}

Result<Json> RestClient::patchStatus(const ResourceRef& ref, PatchType type, const Json& patch,
                                     const PatchOptions& options) {
  return doPatch(ref, "/status", type, patch, options);
}

Status RestClient::remove(const ResourceRef& ref, const DeleteOptions& options) {
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (!options.precondition_uid.empty())
    body["preconditions"] = {{"uid", options.precondition_uid}};
  AVIARY_RETURN_IF_ERROR(call("DELETE", ref.objectPath(), "delete " + ref.describe(), &body));
  return {};
}

Status RestClient::watch(const ResourceRef& ref, const WatchOptions& options,
                         const WatchHandler& on_event, std::stop_token stop) {
  std::string target = ref.collectionPath();
  addQuery(target, "watch", "true");
  addQuery(target, "resourceVersion", options.resource_version);
  if (options.allow_bookmarks) addQuery(target, "allowWatchBookmarks", "true");
  addQuery(target, "timeoutSeconds", std::to_string(options.timeout.count()));
  addQuery(target, "labelSelector", options.label_selector);
  addQuery(target, "fieldSelector", options.field_selector);
  std::string what = "watch " + ref.describe();

  http::ClientRequest request;
  request.target = target;
  AVIARY_RETURN_IF_ERROR(addHeaders(request));
  // Ends when either the watch's own token or the client's is stopped.
  std::stop_source either;
  std::stop_callback on_watch_stop(stop, [&either] { either.request_stop(); });
  std::stop_callback on_client_stop(stopToken(), [&either] { either.request_stop(); });
  sleepFor(limiter_.reserve(), either.get_token());
  if (either.stop_requested()) return fail(ErrorCode::kCancelled, what + ": stopped");
  // Its own connection, with a read limit beyond the server's own end of the watch, so a quiet
  // watch (no events, bookmarks only every minute or so) is not cut by the request timeout.
  auto watch_timeout = std::max<std::chrono::milliseconds>(
      config_.timeout, options.timeout + std::chrono::seconds{30});
  AVIARY_ASSIGN_OR_RETURN(http::Client::Ptr http,
                          http::makeClient(clientOptions(config_, watch_timeout)));
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  Status decode_status;
  auto response = http->stream(
      request,
      [&](std::string_view chunk) {
        events.clear();
        decode_status = decoder.feed(chunk, events);
        for (const auto& event : events) {
          if (!on_event(event)) return false;
        }
        return decode_status.has_value();
      },
      either.get_token());
  if (response && observer_) observer_("GET", target, response->status);
  AVIARY_RETURN_IF_ERROR(checkResponse(response, what));
  if (!decode_status.has_value()) return fail(decode_status.error().withContext(what));
  return {};
}

}  // namespace aviary::kube
