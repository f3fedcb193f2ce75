#include "controller/card_writer.h"

#include <set>

#include "controller/names.h"
#include "governance/render.h"
#include "kube/owner.h"
#include "kube/resource.h"

namespace aviary::controller {

using kube::Json;

CardWriter::CardWriter(kube::KubeClient::Ptr kube) : kube_(std::move(kube)) {}

Json cardConfigMap(const Json& md, const governance::ModelCard& card) {
  const Json& meta = md.at("metadata");
  const std::string name = meta.value("name", "");
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", governance::cardConfigMapName(name, card.revision)},
            {"namespace", meta.value("namespace", "")},
            {"labels",
             {{kModelDeploymentLabel, name},
              {kManagedByLabel, kManagedByValue},
              {kCardRevisionLabel, card.revision}}},
            {"ownerReferences", Json::array({kube::ownerReference(md)})}}},
          {"data",
           {{std::string(governance::kCardMarkdownKey), governance::renderMarkdown(card)},
            {std::string(governance::kCardJsonKey), governance::renderJson(card).dump(2) + "\n"},
            {std::string(governance::kCardHtmlKey), governance::renderHtml(card)}}}};
}

Status CardWriter::observe(const Json& md, const api::ModelDeploymentSpec& spec,
                           const api::ModelDeploymentStatus& before,
                           const api::ModelDeploymentStatus& after,
                           const std::vector<api::MetricResult>* analysis, Timestamp now) {
  const Json& meta = md.at("metadata");
  const std::string name = meta.value("name", "");
  const std::string ns = meta.value("namespace", "");
  governance::ModelCard card;
  {
    std::lock_guard lock(mutex_);
    auto& record = records_[ns + "/" + name];
    governance::recordReconcile(record, spec.analysis, before, after, analysis, now);
    const auto outcome = governance::newOutcome(before, after);
    if (!outcome) return {};
    card = governance::cardOf(record, name, ns, spec, after, *outcome);
  }
  return write(md, card, after);
}

Status CardWriter::write(const Json& md, const governance::ModelCard& card,
                         const api::ModelDeploymentStatus& after) {
  const Json config_map = cardConfigMap(md, card);
  const auto ref = kube::refOf(kube::resources::kConfigMaps, config_map);
  if (auto applied =
          kube_->patch(ref, kube::PatchType::kApply, config_map, kube::PatchOptions{.force = true});
      !applied) {
    return fail(applied.error().withContext("writing model card " + ref.name));
  }
  std::set<std::string> kept;
  for (const auto& entry : after.history) kept.insert(entry.revision);
  const Json& meta = md.at("metadata");
  kube::ListOptions options;
  options.label_selector =
      std::string(kModelDeploymentLabel) + "=" + meta.value("name", "") + "," + kCardRevisionLabel;
  auto cards = kube_->list(kube::resources::kConfigMaps.in(meta.value("namespace", "")), options);
  if (!cards) return fail(cards.error().withContext("listing model cards"));
  for (const Json& existing : cards->items) {
    const std::string revision =
        existing.at("metadata").value("labels", Json::object()).value(kCardRevisionLabel, "");
    if (kept.contains(revision) || !kube::isOwnedBy(existing, meta.value("uid", ""))) continue;
    if (auto removed = kube_->remove(kube::refOf(kube::resources::kConfigMaps, existing));
        !removed && removed.error().code != ErrorCode::kNotFound) {
      return fail(removed.error().withContext("deleting an old model card"));
    }
  }
  return {};
}

void CardWriter::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  records_.erase(key);
}

governance::RolloutRecord CardWriter::record(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto found = records_.find(key);
  return found == records_.end() ? governance::RolloutRecord{} : found->second;
}

}  // namespace aviary::controller
