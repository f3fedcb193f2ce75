#include "controller/drift_monitor.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include "http/client.h"
#include "kube/config.h"
#include "metrics/builtin_queries.h"

namespace aviary::controller {
namespace {

constexpr std::chrono::seconds kWebhookTimeout{5};

class HttpDriftNotifier final : public DriftNotifier {
 public:
  Status post(const std::string& url, const std::string& body,
              const std::optional<std::string>& hmac_key) override {
    AVIARY_ASSIGN_OR_RETURN(http::UrlParts parts, http::splitUrl(url));
    http::ClientOptions options;
    options.base_url = parts.base_url;
    options.timeout = kWebhookTimeout;
    AVIARY_ASSIGN_OR_RETURN(http::Client::Ptr client, http::makeClient(options));
    http::ClientRequest request;
    request.method = "POST";
    request.target = parts.target;
    request.body = body;
    request.content_type = "application/json";
    if (hmac_key)
      request.headers.emplace_back("X-Aviary-Signature", webhookSignature(*hmac_key, body));
    AVIARY_ASSIGN_OR_RETURN(const http::ClientResponse response, client->send(request));
    if (response.status < 200 || response.status > 299) {
      return fail(ErrorCode::kUnavailable,
                  "webhook " + url + " answered " + std::to_string(response.status));
    }
    return {};
  }
};

}  // namespace

std::string webhookSignature(std::string_view key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

DriftNotifier::Ptr makeHttpDriftNotifier() { return std::make_shared<HttpDriftNotifier>(); }

DriftMonitor::DriftMonitor(ProviderLookup providers, kube::KubeClient::Ptr kube,
                           DriftNotifier::Ptr notifier)
    : providers_(std::move(providers)), kube_(std::move(kube)), notifier_(std::move(notifier)) {}

DriftCheck DriftMonitor::check(const std::string& key, const kube::Json& md,
                               const api::ModelDeploymentSpec& spec,
                               api::ModelDeploymentStatus& status, Timestamp now) {
  DriftCheck out;
  const std::int64_t generation = md.at("metadata").value("generation", std::int64_t{0});
  const auto& monitor = spec.monitoring.drift;
  if (!monitor || status.stable_revision.empty()) {
    if (auto step = governance::foldStableDrift(monitor, status, std::nullopt, generation, now);
        step.event) {
      out.events.push_back(*step.event);
    }
    if (monitor) out.next_reading = monitor->interval;
    return out;
  }
  {
    std::lock_guard lock(mutex_);
    const auto last = last_reading_.find(key);
    if (last != last_reading_.end() && now - last->second < monitor->interval) {
      out.next_reading = monitor->interval - (now - last->second);
      return out;
    }
    last_reading_[key] = now;
  }
  out.next_reading = monitor->interval;
  out.value = read(key, md, *monitor, status.stable_revision);
  const governance::StableDriftStep step =
      governance::foldStableDrift(monitor, status, out.value, generation, now);
  if (step.event) out.events.push_back(*step.event);
  if (step.notify && status.drift) {
    if (!monitor->webhook) {
      status.drift->notified = true;  // nobody to tell: the condition and the Event say it
    } else if (auto sent = notify(md, spec, *status.drift, out.value); sent) {
      status.drift->notified = true;
      spdlog::info("{}: drift webhook {} took the episode", key, monitor->webhook->url);
    } else {
      spdlog::warn("{}: drift webhook: {}; trying again at the next reading", key,
                   sent.error().message);
      out.events.push_back({true, "DriftWebhookFailed", sent.error().message});
    }
  }
  return out;
}

void DriftMonitor::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  last_reading_.erase(key);
}

std::optional<double> DriftMonitor::read(const std::string& key, const kube::Json& md,
                                         const api::DriftMonitor& monitor,
                                         const std::string& stable) {
  const auto& meta = md.at("metadata");
  const metrics::QueryContext context{meta.value("name", ""), meta.value("namespace", ""), "",
                                      stable, ""};
  auto query = metrics::stableDriftQuery(monitor.metric, context);
  auto provider = providers_(std::nullopt);
  if (!query || !provider) {
    spdlog::warn("{}: drift reading: {}", key,
                 !query ? query.error().message : provider.error().message);
    return std::nullopt;
  }
  auto value = (*provider)->query(*query);
  if (!value) {
    spdlog::warn("{}: drift reading: {}", key, value.error().message);
    return std::nullopt;
  }
  if (*value && std::isnan(**value)) return std::nullopt;
  return *value;
}

Status DriftMonitor::notify(const kube::Json& md, const api::ModelDeploymentSpec& spec,
                            const api::DriftStatus& drift, std::optional<double> value) {
  const auto& meta = md.at("metadata");
  const std::string ns = meta.value("namespace", "");
  const api::DriftWebhook& webhook = *spec.monitoring.drift->webhook;
  std::optional<std::string> hmac_key;
  if (const auto& ref = webhook.secret_ref) {
    AVIARY_ASSIGN_OR_RETURN(const kube::Json secret,
                            kube_->get(kube::resources::kSecrets.in(ns).named(ref->name)));
    const kube::Json data = secret.value("data", kube::Json::object());
    if (!data.contains(ref->key) || !data.at(ref->key).is_string()) {
      return fail(ErrorCode::kNotFound,
                  "Secret " + ns + "/" + ref->name + " has no key \"" + ref->key + "\"");
    }
    AVIARY_ASSIGN_OR_RETURN(hmac_key, kube::decodeBase64(data.at(ref->key).get<std::string>()));
  }
  const std::string body =
      governance::driftWebhookBody(ns, meta.value("name", ""), spec, drift, value).dump();
  return notifier_->post(webhook.url, body, hmac_key);
}

}  // namespace aviary::controller
