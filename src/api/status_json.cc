// JSON <-> ModelDeploymentStatus, with the CRD's names.
#include "api/json.h"
#include "api/json_reader.h"
#include "common/time_format.h"

namespace aviary::api {
namespace {

using nlohmann::json;

std::int32_t narrow(std::optional<std::int64_t> value) {
  return static_cast<std::int32_t>(value.value_or(0));
}

MetricResult readMetricResult(JsonReader& in) {
  MetricResult result;
  result.name = in.string("name").value_or("");
  result.value = in.number("value");
  result.result = in.enumeration<CheckResult>("result").value_or(CheckResult::kNoData);
  result.message = in.string("message").value_or("");
  result.at = in.time("at").value_or(Timestamp{});
  return result;
}

Condition readCondition(JsonReader& in) {
  Condition condition;
  condition.type = in.string("type", Presence::kRequired).value_or("");
  condition.status = in.string("status", Presence::kRequired).value_or("Unknown");
  condition.reason = in.string("reason").value_or("");
  condition.message = in.string("message").value_or("");
  condition.last_transition_time = in.time("lastTransitionTime").value_or(Timestamp{});
  condition.observed_generation = in.integer("observedGeneration").value_or(0);
  return condition;
}

HistoryEntry readHistory(JsonReader& in) {
  HistoryEntry entry;
  entry.revision = in.string("revision").value_or("");
  entry.outcome = in.enumeration<Outcome>("outcome").value_or(Outcome::kPromoted);
  entry.reason = in.string("reason").value_or("");
  entry.at = in.time("at").value_or(Timestamp{});
  return entry;
}

ManualRequests readRequests(JsonReader& in) {
  ManualRequests requests;
  requests.promote = in.enumeration<PromoteRequest>("promote").value_or(PromoteRequest::kNone);
  requests.abort = in.boolean("abort").value_or(false);
  requests.retry = in.boolean("retry").value_or(false);
  requests.paused = in.boolean("paused");
  return requests;
}

template <typename T, typename ReadItem>
std::vector<T> readList(JsonReader& in, std::string_view key, std::vector<FieldError>& errors,
                        ReadItem read_item) {
  std::vector<T> items;
  for (const auto& [path, item] : in.array(key)) {
    JsonReader item_in(*item, path, errors);
    items.push_back(read_item(item_in));
  }
  return items;
}

void putTime(json& out, const char* key, const std::optional<Timestamp>& time) {
  if (time) out[key] = formatRfc3339(*time);
}

}  // namespace

Result<ModelDeploymentStatus> statusFromJson(const json& status_json) {
  std::vector<FieldError> errors;
  ModelDeploymentStatus status;
  if (status_json.is_null()) return status;  // a new object has no status yet
  JsonReader in(status_json, "status", errors);
  status.phase = in.enumeration<Phase>("phase").value_or(Phase::kInitializing);
  status.message = in.string("message").value_or("");
  status.observed_generation = in.integer("observedGeneration").value_or(0);
  status.stable_revision = in.string("stableRevision").value_or("");
  status.canary_revision = in.string("canaryRevision").value_or("");
  status.current_step = narrow(in.integer("currentStep"));
  status.canary_weight = narrow(in.integer("canaryWeight"));
  status.failed_checks = narrow(in.integer("failedChecks"));
  status.paused_by_user = in.boolean("pausedByUser").value_or(false);
  status.shadowing = in.boolean("shadowing").value_or(false);
  status.rollout_started_at = in.time("rolloutStartedAt");
  status.step_started_at = in.time("stepStartedAt");
  status.last_analysis_at = in.time("lastAnalysisAt");
  status.canary_unready_since = in.time("canaryUnreadySince");
  status.holding_since = in.time("holdingSince");
  status.traffic_left_canary_at = in.time("trafficLeftCanaryAt");
  status.analysis = readList<MetricResult>(in, "analysis", errors, readMetricResult);
  status.conditions = readList<Condition>(in, "conditions", errors, readCondition);
  status.history = readList<HistoryEntry>(in, "history", errors, readHistory);
  if (auto requests = in.object("requests")) status.requests = readRequests(*requests);
  if (auto drift = in.object("drift")) {
    status.drift = DriftStatus{.revision = drift->string("revision").value_or(""),
                               .above_since = drift->time("aboveSince"),
                               .detected_at = drift->time("detectedAt"),
                               .notified = drift->boolean("notified").value_or(false)};
  }
  if (!errors.empty()) return fail(ErrorCode::kInvalidArgument, joinFieldErrors(errors));
  return status;
}

json toJson(const ModelDeploymentStatus& status) {
  json out = {
      {"phase", enumName(status.phase)},      {"observedGeneration", status.observed_generation},
      {"currentStep", status.current_step},   {"canaryWeight", status.canary_weight},
      {"failedChecks", status.failed_checks},
  };
  if (!status.message.empty()) out["message"] = status.message;
  if (!status.stable_revision.empty()) out["stableRevision"] = status.stable_revision;
  if (!status.canary_revision.empty()) out["canaryRevision"] = status.canary_revision;
  if (status.paused_by_user) out["pausedByUser"] = true;
  if (status.shadowing) out["shadowing"] = true;
  putTime(out, "rolloutStartedAt", status.rollout_started_at);
  putTime(out, "stepStartedAt", status.step_started_at);
  putTime(out, "lastAnalysisAt", status.last_analysis_at);
  putTime(out, "canaryUnreadySince", status.canary_unready_since);
  putTime(out, "holdingSince", status.holding_since);
  putTime(out, "trafficLeftCanaryAt", status.traffic_left_canary_at);

  json analysis = json::array();
  for (const auto& result : status.analysis) {
    json item = {{"name", result.name},
                 {"result", enumName(result.result)},
                 {"at", formatRfc3339(result.at)}};
    if (result.value) item["value"] = *result.value;
    if (!result.message.empty()) item["message"] = result.message;
    analysis.push_back(item);
  }
  out["analysis"] = analysis;

  json conditions = json::array();
  for (const auto& condition : status.conditions) {
    conditions.push_back({{"type", condition.type},
                          {"status", condition.status},
                          {"reason", condition.reason},
                          {"message", condition.message},
                          {"lastTransitionTime", formatRfc3339(condition.last_transition_time)},
                          {"observedGeneration", condition.observed_generation}});
  }
  out["conditions"] = conditions;

  json history = json::array();
  for (const auto& entry : status.history) {
    history.push_back({{"revision", entry.revision},
                       {"outcome", enumName(entry.outcome)},
                       {"reason", entry.reason},
                       {"at", formatRfc3339(entry.at)}});
  }
  out["history"] = history;

  json requests = json::object();
  if (status.requests.promote != PromoteRequest::kNone) {
    requests["promote"] = enumName(status.requests.promote);
  }
  if (status.requests.abort) requests["abort"] = true;
  if (status.requests.retry) requests["retry"] = true;
  if (status.requests.paused) requests["paused"] = *status.requests.paused;
  if (!requests.empty()) out["requests"] = requests;

  if (status.drift) {
    json drift = {{"revision", status.drift->revision}};
    putTime(drift, "aboveSince", status.drift->above_since);
    putTime(drift, "detectedAt", status.drift->detected_at);
    if (status.drift->notified) drift["notified"] = true;
    out["drift"] = drift;
  }
  return out;
}

}  // namespace aviary::api
