#include "controller/reconciler.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "api/defaults.h"
#include "api/json.h"
#include "api/names.h"
#include "api/revision.h"
#include "api/validate.h"
#include "controller/names.h"
#include "controller/observe.h"
#include "controller/status_writer.h"
#include "kube/owner.h"
#include "rollout/decide.h"

namespace aviary::controller {
namespace {

using kube::Json;

constexpr int kConflictAttempts = 3;

kube::ResourceRef refOf(const Json& md) {
  return kube::refOf(kube::resources::kModelDeployments, md);
}

// The spec as decide() takes it, and every reason it cannot be acted on ("path: message").
struct ReadSpec {
  api::ModelDeploymentSpec spec;
  std::vector<std::string> problems;
};
ReadSpec readSpec(const Json& md) {
  api::ParsedSpec parsed = api::parseSpec(md.value("spec", Json::object()));
  api::applyDefaults(parsed.spec);
  ReadSpec out{std::move(parsed.spec), {}};
  for (const auto& error : parsed.errors) out.problems.push_back(error.toString());
  if (parsed.errors.empty()) {
    for (const auto& error : api::validate(out.spec)) out.problems.push_back(error.toString());
  }
  return out;
}

// The status as written last. A malformed `requests` (a user's field) is reported as a problem
// and dropped, rather than stopping the rollout.
api::ModelDeploymentStatus readStatus(const Json& md, std::vector<std::string>& problems) {
  Json status = md.value("status", Json::object());
  if (auto parsed = api::statusFromJson(status)) return *parsed;
  problems.push_back("status: " + api::statusFromJson(status).error().message);
  status.erase("requests");
  return api::statusFromJson(status).value_or(api::ModelDeploymentStatus{});
}

// The field manager of the last status write that set status.requests, from managedFields where
// the API server recorded it and the object still carries it; "" otherwise.
std::string requestManager(const Json& md) {
  const Json& meta = md.at("metadata");
  if (!meta.contains("managedFields") || !meta.at("managedFields").is_array()) return "";
  std::string manager;
  for (const Json& entry : meta.at("managedFields")) {
    if (entry.value("subresource", "") != "status" ||
        entry.value("manager", "") == kube::kFieldManager) {
      continue;
    }
    const Json fields = entry.value("fieldsV1", Json::object()).value("f:status", Json::object());
    if (fields.contains("f:requests")) manager = entry.value("manager", "");
  }
  return manager;
}

// One audit record per Event the decision emitted: what was decided, about which revision, on
// which values, and `user` (who asked, when the decision consumed a manual request).
std::vector<governance::AuditRecord> auditRecords(const std::string& key, const std::string& user,
                                                  const api::ModelDeploymentStatus& before,
                                                  const rollout::Decision& decision,
                                                  const rollout::Observations& observations,
                                                  Timestamp now) {
  const auto& after = decision.status;
  std::string revision = after.canary_revision;
  if (!after.history.empty() &&
      (before.history.empty() || before.history.back() != after.history.back())) {
    revision = after.history.back().revision;
  }
  if (revision.empty()) revision = after.stable_revision;
  std::vector<governance::AuditRecord> records;
  for (const rollout::Action& action : decision.actions) {
    const auto* event = std::get_if<rollout::EmitEvent>(&action);
    if (event == nullptr) continue;
    records.push_back({.key = key,
                       .revision = revision,
                       .decision = event->reason,
                       .reason = event->message,
                       .values = observations.analysis.value_or(std::vector<api::MetricResult>{}),
                       .user = user,
                       .at = now});
  }
  return records;
}

// The audit record of a drift Event: about the stable revision, with the reading behind it.
governance::AuditRecord driftRecord(const std::string& key, const api::ModelDeploymentSpec& spec,
                                    const std::string& stable, const DriftCheck& check,
                                    const governance::DriftEvent& event, Timestamp now) {
  std::vector<api::MetricResult> values;
  if (check.value && spec.monitoring.drift) {
    const bool above = *check.value > spec.monitoring.drift->max;
    values.push_back({.name = std::string(api::enumName(spec.monitoring.drift->metric)),
                      .value = check.value,
                      .result = above ? api::CheckResult::kFail : api::CheckResult::kPass,
                      .message = "",
                      .at = now});
  }
  return {.key = key,
          .revision = stable,
          .decision = event.reason,
          .reason = event.message,
          .values = std::move(values),
          .user = "",
          .at = now};
}

}  // namespace

Reconciler::Reconciler(ReconcilerDeps deps) : deps_(std::move(deps)) {}

Result<kube::ReconcileResult> Reconciler::reconcile(const std::string& key) {
  const kube::ObjectPtr cached = deps_.model_deployments(key);
  if (!cached) {  // deleted: its objects go by ownerReferences
    if (deps_.cards) deps_.cards->forget(key);
    if (deps_.drift) deps_.drift->forget(key);
    return kube::ReconcileResult{};
  }
  Json md = *cached;
  for (int attempt = 1;; ++attempt) {
    auto result = reconcileOnce(key, md);
    if (result || result.error().code != ErrorCode::kConflict || attempt == kConflictAttempts) {
      return result;
    }
    spdlog::debug("{}: {}; reading it again", key, result.error().message);
    auto fresh = deps_.kube->get(refOf(md));
    if (!fresh && fresh.error().code == ErrorCode::kNotFound) return kube::ReconcileResult{};
    if (!fresh) return fail(fresh.error());
    md = std::move(*fresh);
  }
}

Result<kube::ReconcileResult> Reconciler::reconcileOnce(const std::string& key, Json md) {
  const Timestamp now = deps_.clock->now();
  ReadSpec read = readSpec(md);
  const api::ModelDeploymentSpec& spec = read.spec;
  const Json& meta = md.at("metadata");
  const std::string name = meta.value("name", "");
  const router::RouteTarget target{meta.value("namespace", ""), name,
                                   roleObjectName(name, rollout::Role::kStable),
                                   roleObjectName(name, rollout::Role::kCanary), spec.traffic};
  router::Router* router = nullptr;
  if (auto found = deps_.routers(spec.traffic.provider)) {
    router = *found;
  } else if (found.error().code == ErrorCode::kUnimplemented) {
    read.problems.push_back("spec.traffic.provider: " + found.error().message);
  } else {
    return fail(found.error());
  }

  // Deletion: give the traffic back to stable, then let the object go.
  if (kube::isBeingDeleted(md)) {
    if (!kube::hasFinalizer(md, kFinalizer)) return kube::ReconcileResult{};
    if (router != nullptr) {
      if (auto done = router->finalize(target); !done) {
        return fail(done.error().withContext("finalizing the route"));
      }
    }
    kube::removeFinalizer(md, kFinalizer);
    AVIARY_RETURN_IF_ERROR(deps_.kube->update(refOf(md), md));
    spdlog::info("{}: traffic back to stable; finalizer removed", key);
    return kube::ReconcileResult{};
  }
  if (kube::addFinalizer(md, kFinalizer)) {
    AVIARY_ASSIGN_OR_RETURN(md, deps_.kube->update(refOf(md), md));
  }

  const api::ModelDeploymentStatus status = readStatus(md, read.problems);
  ObservedWorld world;
  world.md = &md;
  world.desired_revision = api::revisionHash(spec, sidecarIdentity(deps_.sidecar));
  world.spec_problems = read.problems;
  const kube::ObjectPtr stable = deps_.deployments(key + "-stable");
  const kube::ObjectPtr canary = deps_.deployments(key + "-canary");
  const ActContext context{
      *deps_.kube,   md,          spec,          world.desired_revision, router,
      target,        world.route, *deps_.events, deps_.sidecar,          deps_.deployments,
      deps_.services};
  if (read.problems.empty()) {
    // Spec problems touch nothing: what runs keeps serving until the spec is fixed.
    AVIARY_RETURN_IF_ERROR(ensureServices(context));
    world.stable = stable.get();
    world.canary = canary.get();
    if (auto route = router->observe(target)) {
      world.route = *route;
    } else {
      spdlog::warn("{}: reading the route: {}", key, route.error().message);
    }
  }
  rollout::Observations observations = observe(world);
  if (read.problems.empty() && rollout::analysisDue(spec, status, now)) {
    const metrics::QueryContext context{name, target.ns, status.canary_revision,
                                        status.stable_revision,
                                        metrics::promqlDuration(spec.analysis.interval)};
    observations.analysis = runAnalysisRound(spec.analysis, context, deps_.providers, now);
    if (deps_.hooks.on_analysis) {
      for (const auto& result : *observations.analysis) deps_.hooks.on_analysis(result);
    }
  }

  rollout::Decision decision = rollout::decide(spec, status, observations, now);
  // The retraining trigger watches the stable between (and during) rollouts; it only adds
  // status.drift, the DriftDetected condition and its Events to what decide() wrote.
  DriftCheck drift;
  if (deps_.drift && read.problems.empty()) {
    drift = deps_.drift->check(key, md, spec, decision.status, now);
  }
  for (const rollout::Action& action : decision.actions) {
    if (auto applied = apply(action, context); !applied) {
      spdlog::warn("{}: {}", key, applied.error().message);
      return fail(applied.error());
    }
  }
  for (const governance::DriftEvent& event : drift.events) {
    const rollout::EmitEvent emit{
        event.warning ? rollout::EventType::kWarning : rollout::EventType::kNormal, event.reason,
        event.message};
    if (auto applied = apply(emit, context); !applied) return fail(applied.error());
  }
  // Who made a manual request this decision consumes: read before the status write, which moves
  // the ownership of status.requests to aviary. The informers' cache drops managedFields, so a
  // fresh read is needed; manual requests are rare enough for one GET each.
  std::string request_user;
  if (deps_.hooks.on_decision && status.requests != api::ManualRequests{} &&
      decision.status.requests != status.requests) {
    if (md.at("metadata").contains("managedFields")) {
      request_user = requestManager(md);
    } else if (auto fresh = deps_.kube->get(refOf(md))) {
      request_user = requestManager(*fresh);
    }
  }
  AVIARY_ASSIGN_OR_RETURN(const StatusWrite written, writeStatus(*deps_.kube, md, decision.status));
  if (written == StatusWrite::kWritten) {
    spdlog::info("{}: phase {}: {}", key, api::toJson(decision.status).value("phase", ""),
                 decision.status.message);
    if (deps_.hooks.on_decision) {
      for (const auto& record :
           auditRecords(key, request_user, status, decision, observations, now)) {
        deps_.hooks.on_decision(record);
      }
      for (const governance::DriftEvent& event : drift.events) {
        deps_.hooks.on_decision(
            driftRecord(key, spec, decision.status.stable_revision, drift, event, now));
      }
    }
    const auto& history = decision.status.history;
    if (deps_.hooks.on_outcome && !history.empty() &&
        (status.history.empty() || history.back() != status.history.back())) {
      deps_.hooks.on_outcome(history.back());
    }
  }
  if (deps_.cards && read.problems.empty()) {
    const auto* round = observations.analysis ? &*observations.analysis : nullptr;
    const api::ModelDeploymentStatus& after =
        written == StatusWrite::kWritten ? decision.status : status;
    if (auto recorded = deps_.cards->observe(md, spec, status, after, round, now); !recorded) {
      // A missing card must not hold a rollout back; the record stays for the next outcome.
      spdlog::warn("{}: {}", key, recorded.error().message);
    }
  }
  std::optional<Duration> requeue = decision.requeue_after;
  if (drift.next_reading && (!requeue || *drift.next_reading < *requeue)) {
    requeue = drift.next_reading;
  }
  return kube::ReconcileResult{
      std::chrono::duration_cast<std::chrono::milliseconds>(requeue.value_or(Duration{0}))};
}

}  // namespace aviary::controller
