#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "common/result.h"
#include "governance/card.h"
#include "governance/rollout_record.h"
#include "kube/client.h"

namespace aviary::controller {

// The label every card ConfigMap carries beside aviary.dev/modeldeployment: its revision.
inline constexpr const char* kCardRevisionLabel = "aviary.dev/card-revision";

// The model cards of a ModelDeployment's revisions. Remembers, in memory and bounded per key
// (governance::RolloutRecord), the rollout in progress; when a reconcile adds a status.history
// entry it writes that revision's card as the ConfigMap "<name>-<revision>-card" (keys card.md,
// card.json, card.html; owned by the ModelDeployment, so it goes with it) by server-side apply,
// then deletes the cards of revisions no longer in status.history, so there are never more than
// status.history keeps. Thread-safe; a failed write is returned and logged by the caller, and
// never blocks the rollout.
class CardWriter final {
 public:
  using Ptr = std::shared_ptr<CardWriter>;
  explicit CardWriter(kube::KubeClient::Ptr kube);

  // After a reconcile of `md` decided `after` from `before`; `analysis` is the round it ran, if
  // any. Writes a card when `after` has a new history entry.
  Status observe(const kube::Json& md, const api::ModelDeploymentSpec& spec,
                 const api::ModelDeploymentStatus& before, const api::ModelDeploymentStatus& after,
                 const std::vector<api::MetricResult>* analysis, Timestamp now);

  // Drops the record of a ModelDeployment that is gone (its cards go by ownerReferences).
  void forget(const std::string& key);

  // The record of `key` ("namespace/name") as it is now, for tests.
  governance::RolloutRecord record(const std::string& key) const;

 private:
  Status write(const kube::Json& md, const governance::ModelCard& card,
               const api::ModelDeploymentStatus& after);

  kube::KubeClient::Ptr kube_;
  mutable std::mutex mutex_;
  std::map<std::string, governance::RolloutRecord> records_;
};

// The ConfigMap of `card` (pure): name, labels, owner and the three renderings.
kube::Json cardConfigMap(const kube::Json& md, const governance::ModelCard& card);

}  // namespace aviary::controller
