#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "http/client.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/rate_limiter.h"
#include "kube/token_source.h"

namespace aviary::kube {

// KubeClient over the API server's REST interface (implements KubeClient).
//
// Behaves as client-go's REST client does where the server cares: writes carry fieldManager=aviary;
// server-side apply sends application/apply-patch+yaml (JSON is YAML); every request passes the
// client-side token bucket (RestConfig.qps/burst); a 429 or 5xx with Retry-After is retried after
// that many seconds, up to kMaxRetries times; list items get apiVersion/kind filled in as the
// dynamic client does; a watch runs on its own connection, its stream decoded as it arrives.
class RestClient final : public KubeClient {
 public:
  static constexpr int kMaxRetries = 5;

  // Checks the TLS material now. Logs a loud warning when TLS verification is off.
  static Result<std::shared_ptr<RestClient>> create(const RestConfig& config,
                                                    MonotonicClock::Ptr clock = nullptr);

  Result<Json> get(const ResourceRef& ref) override;
  Result<ObjectList> list(const ResourceRef& ref, const ListOptions& options = {}) override;
  Result<Json> create(const ResourceRef& ref, const Json& object) override;
  Result<Json> update(const ResourceRef& ref, const Json& object) override;
  Result<Json> updateStatus(const ResourceRef& ref, const Json& object) override;
  Result<Json> patch(const ResourceRef& ref, PatchType type, const Json& patch,
                     const PatchOptions& options = {}) override;
  Result<Json> patchStatus(const ResourceRef& ref, PatchType type, const Json& patch,
                           const PatchOptions& options = {}) override;
  Status remove(const ResourceRef& ref, const DeleteOptions& options = {}) override;
  Status watch(const ResourceRef& ref, const WatchOptions& options, const WatchHandler& on_event,
               std::stop_token stop) override;

  RestClient(RestConfig config, http::Client::Ptr http, MonotonicClock::Ptr clock);

  // Every call of this client from now on honours `stop`: once it is requested, a call in flight
  // is abandoned, the rate limiter's and Retry-After's waits end at once, and new calls fail
  // with Cancelled without reaching the server. The operator passes its process (or leadership)
  // stop token so a deposed leader stops writing. A watch also honours its own stop token.
  void setStopToken(std::stop_token stop);

  // Told of every answer the API server gives this client: each attempt of a request, and a
  // watch when its stream ends. For metrics (kube/request_path.h names the request); it must be
  // cheap and thread-safe. Set it before the client is shared.
  using RequestObserver =
      std::function<void(std::string_view method, std::string_view target, int status)>;
  void setRequestObserver(RequestObserver observer);

 private:
  std::stop_token stopToken() const;

  Result<http::ClientResponse> execute(http::ClientRequest request, std::stop_token stop = {});
  Result<Json> call(const std::string& method, const std::string& target, const std::string& what,
                    const Json* body = nullptr, const std::string& content_type = "");
  Result<Json> doPatch(const ResourceRef& ref, const std::string& subresource, PatchType type,
                       const Json& patch, const PatchOptions& options);
  Status addHeaders(http::ClientRequest& request);

  RestConfig config_;
  http::Client::Ptr http_;
  MonotonicClock::Ptr clock_;
  TokenBucket limiter_;
  TokenSource token_;
  mutable std::mutex stop_mutex_;
  std::stop_token stop_;
  RequestObserver observer_;
};

}  // namespace aviary::kube
