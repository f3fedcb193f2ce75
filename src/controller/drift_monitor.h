#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "common/result.h"
#include "controller/analysis_round.h"
#include "governance/drift_episode.h"
#include "kube/client.h"

// The retraining trigger at the edge (spec.monitoring.drift): reads the stable revision's drift
// from Prometheus, lets governance::foldStableDrift decide, and calls the webhook.
namespace aviary::controller {

// "sha256=" + the lowercase hex HMAC-SHA256 of `body` under `key`: the X-Aviary-Signature header.
std::string webhookSignature(std::string_view key, std::string_view body);

// Delivers one drift episode to its webhook.
class DriftNotifier {
 public:
  using Ptr = std::shared_ptr<DriftNotifier>;
  virtual ~DriftNotifier() = default;

  // POSTs `body` (JSON) to `url`, with X-Aviary-Signature (webhookSignature) when `hmac_key` is
  // set. OK on a 2xx answer; any other answer or a transport error is Unavailable naming it.
  virtual Status post(const std::string& url, const std::string& body,
                      const std::optional<std::string>& hmac_key) = 0;
};

// A DriftNotifier over HTTP(S) with a 5 s limit per call.
DriftNotifier::Ptr makeHttpDriftNotifier();

struct DriftCheck {
  std::vector<governance::DriftEvent> events;  // to emit, in order
  std::optional<double> value;                 // the reading, if one was taken and had data
  std::optional<Duration> next_reading;        // reconcile again by then; nullopt: no monitor
};

// Thread-safe; remembers, in memory, when it last read each ModelDeployment's drift. A restarted
// controller reads at once; the episode itself lives in status.drift, so a restart neither
// forgets a sustained period nor calls the webhook twice for one episode.
class DriftMonitor {
 public:
  using Ptr = std::shared_ptr<DriftMonitor>;
  DriftMonitor(ProviderLookup providers, kube::KubeClient::Ptr kube, DriftNotifier::Ptr notifier);

  // When a reading is due (spec.monitoring.drift.interval since the last), queries the stable
  // revision's drift and folds it into `status` (status.drift and the DriftDetected condition).
  // When the episode asks for it, reads the webhook's key from its Secret and calls the webhook;
  // on success marks the episode notified, otherwise it is called again at the next reading. A
  // failed query is a missing reading (governance::stepDrift): it neither starts nor ends an
  // episode. Without spec.monitoring.drift, drops any drift state (no query).
  DriftCheck check(const std::string& key, const kube::Json& md,
                   const api::ModelDeploymentSpec& spec, api::ModelDeploymentStatus& status,
                   Timestamp now);

  // Drops what it remembers about a ModelDeployment that is gone.
  void forget(const std::string& key);

 private:
  std::optional<double> read(const std::string& key, const kube::Json& md,
                             const api::DriftMonitor& monitor, const std::string& stable);
  Status notify(const kube::Json& md, const api::ModelDeploymentSpec& spec,
                const api::DriftStatus& drift, std::optional<double> value);

  ProviderLookup providers_;
  kube::KubeClient::Ptr kube_;
  DriftNotifier::Ptr notifier_;
  std::mutex mutex_;
  std::map<std::string, Timestamp> last_reading_;
};

}  // namespace aviary::controller
