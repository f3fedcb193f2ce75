// JSON <-> ModelDeploymentSpec. The names here are the CRD's; keep them in step with
// crds/aviary.dev_modeldeployments.yaml (tests/api/crd_schema_test.cc fails when they drift).
#include "api/defaults.h"
#include "api/json.h"
#include "api/json_reader.h"
#include "api/validate.h"

namespace aviary::api {
namespace {

using nlohmann::json;

std::int32_t toInt32(std::int64_t value) {
  // Out-of-range values are clamped so validate() reports them with the user's number intact
  // in spirit ("must be 1..1000, got 2147483647") instead of wrapping around.
  if (value > INT32_MAX) return INT32_MAX;
  if (value < INT32_MIN) return INT32_MIN;
  return static_cast<std::int32_t>(value);
}

Provenance readProvenance(JsonReader& in) {
  Provenance provenance;
  if (auto dataset = in.object("dataset")) {
    provenance.dataset = DatasetRef{dataset->string("uri", Presence::kRequired).value_or(""),
                                    dataset->string("sha256")};
  }
  provenance.training_run = in.string("trainingRun");
  provenance.code_commit = in.string("codeCommit");
  provenance.owner = in.string("owner");
  provenance.intended_use = in.string("intendedUse");
  if (const auto* labels = in.raw("labels"); labels && !labels->is_null()) {
    if (!labels->is_object()) {
      in.addError("labels", "must be an object of strings");
    } else {
      for (const auto& [key, value] : labels->items()) {
        if (value.is_string()) {
          provenance.labels[key] = value.get<std::string>();
        } else {
          in.addError("labels", "value of \"" + key + "\" must be a string");
        }
      }
    }
  }
  return provenance;
}

ModelSpec readModel(JsonReader& in) {
  ModelSpec model;
  model.name = in.string("name", Presence::kRequired).value_or("");
  model.version = in.string("version").value_or("");
  model.uri = in.string("uri", Presence::kRequired).value_or("");
  model.runtime = in.string("runtime").value_or(model.runtime);
  model.sha256 = in.string("sha256");
  model.reference = in.string("reference");
  model.group_input = in.string("groupInput");
  if (auto provenance = in.object("provenance")) model.provenance = readProvenance(*provenance);
  return model;
}

TrafficSpec readTraffic(JsonReader& in) {
  TrafficSpec traffic;
  traffic.provider = in.enumeration<TrafficProvider>("provider").value_or(traffic.provider);
  if (auto gateway = in.object("gatewayAPI")) {
    traffic.gateway_api = GatewayApiTraffic{gateway->string("httpRoute").value_or("")};
  }
  if (auto istio = in.object("istio")) {
    IstioTraffic config{istio->string("virtualService").value_or(""), {}};
    for (const auto& [path, item] : istio->array("routes")) {
      if (item->is_string()) {
        config.routes.push_back(item->get<std::string>());
      } else {
        in.addError("istio.routes", path + " must be a string");
      }
    }
    traffic.istio = config;
  }
  if (auto nginx = in.object("nginx")) {
    traffic.nginx = NginxTraffic{nginx->string("ingress").value_or("")};
  }
  return traffic;
}

StrategySpec readStrategy(JsonReader& in, std::vector<FieldError>& errors) {
  StrategySpec strategy;
  for (const auto& [path, item] : in.array("steps")) {
    JsonReader step_in(*item, path, errors);
    Step step;
    if (auto weight = step_in.integer("setWeight")) step.set_weight = toInt32(*weight);
    if (auto pause = step_in.object("pause")) step.pause = PauseStep{pause->duration("duration")};
    strategy.steps.push_back(step);
  }
  if (auto shadow = in.object("shadow")) {
    strategy.shadow =
        ShadowSpec{shadow->duration("duration", Presence::kRequired).value_or(Duration{0})};
  }
  strategy.canary_scale =
      in.enumeration<CanaryScale>("canaryScale").value_or(strategy.canary_scale);
  strategy.scale_down_delay = in.duration("scaleDownDelay").value_or(strategy.scale_down_delay);
  return strategy;
}

MetricSpec readMetric(JsonReader& in) {
  MetricSpec metric;
  metric.name = in.string("name", Presence::kRequired).value_or("");
  metric.builtin = in.enumeration<BuiltinMetric>("builtin");
  if (auto prometheus = in.object("prometheus")) {
    metric.prometheus =
        PrometheusQuery{prometheus->string("query", Presence::kRequired).value_or(""),
                        prometheus->string("address")};
  }
  metric.min = in.number("min");
  metric.max = in.number("max");
  metric.group_by = in.string("groupBy");
  metric.feature = in.string("feature");
  return metric;
}

AnalysisSpec readAnalysis(JsonReader& in, std::vector<FieldError>& errors) {
  AnalysisSpec analysis;
  analysis.interval = in.duration("interval").value_or(analysis.interval);
  if (auto limit = in.integer("failureLimit")) analysis.failure_limit = toInt32(*limit);
  analysis.no_data = in.enumeration<NoDataPolicy>("noData").value_or(analysis.no_data);
  for (const auto& [path, item] : in.array("metrics")) {
    JsonReader metric_in(*item, path, errors);
    analysis.metrics.push_back(readMetric(metric_in));
  }
  return analysis;
}

json optionalField(const std::optional<std::string>& value) {
  return value ? json(*value) : json();
}

void putIfSet(json& out, const char* key, const json& value) {
  if (!value.is_null()) out[key] = value;
}

json provenanceToJson(const Provenance& provenance) {
  json out = json::object();
  if (provenance.dataset) {
    out["dataset"] = {{"uri", provenance.dataset->uri}};
    putIfSet(out["dataset"], "sha256", optionalField(provenance.dataset->sha256));
  }
  putIfSet(out, "trainingRun", optionalField(provenance.training_run));
  putIfSet(out, "codeCommit", optionalField(provenance.code_commit));
  putIfSet(out, "owner", optionalField(provenance.owner));
  putIfSet(out, "intendedUse", optionalField(provenance.intended_use));
  if (!provenance.labels.empty()) out["labels"] = provenance.labels;
  return out;
}

json modelToJson(const ModelSpec& model) {
  json out = {{"name", model.name}, {"uri", model.uri}, {"runtime", model.runtime}};
  if (!model.version.empty()) out["version"] = model.version;
  putIfSet(out, "sha256", optionalField(model.sha256));
  putIfSet(out, "reference", optionalField(model.reference));
  putIfSet(out, "groupInput", optionalField(model.group_input));
  if (model.provenance) out["provenance"] = provenanceToJson(*model.provenance);
  return out;
}

json trafficToJson(const TrafficSpec& traffic) {
  json out = {{"provider", enumName(traffic.provider)}};
  if (traffic.gateway_api) out["gatewayAPI"] = {{"httpRoute", traffic.gateway_api->http_route}};
  if (traffic.istio) {
    out["istio"] = {{"virtualService", traffic.istio->virtual_service}};
    if (!traffic.istio->routes.empty()) out["istio"]["routes"] = traffic.istio->routes;
  }
  if (traffic.nginx) out["nginx"] = {{"ingress", traffic.nginx->ingress}};
  return out;
}

json strategyToJson(const StrategySpec& strategy) {
  json steps = json::array();
  for (const auto& step : strategy.steps) {
    json item = json::object();
    if (step.set_weight) item["setWeight"] = *step.set_weight;
    if (step.pause) {
      item["pause"] = json::object();
      if (step.pause->duration) item["pause"]["duration"] = formatDuration(*step.pause->duration);
    }
    steps.push_back(item);
  }
  json out = {{"steps", steps},
              {"canaryScale", enumName(strategy.canary_scale)},
              {"scaleDownDelay", formatDuration(strategy.scale_down_delay)}};
  if (strategy.shadow) out["shadow"] = {{"duration", formatDuration(strategy.shadow->duration)}};
  return out;
}

json metricToJson(const MetricSpec& metric) {
  json out = {{"name", metric.name}};
  if (metric.builtin) out["builtin"] = enumName(*metric.builtin);
  if (metric.prometheus) {
    out["prometheus"] = {{"query", metric.prometheus->query}};
    putIfSet(out["prometheus"], "address", optionalField(metric.prometheus->address));
  }
  if (metric.min) out["min"] = *metric.min;
  if (metric.max) out["max"] = *metric.max;
  putIfSet(out, "groupBy", optionalField(metric.group_by));
  putIfSet(out, "feature", optionalField(metric.feature));
  return out;
}

json analysisToJson(const AnalysisSpec& analysis) {
  json metrics = json::array();
  for (const auto& metric : analysis.metrics) metrics.push_back(metricToJson(metric));
  return {{"interval", formatDuration(analysis.interval)},
          {"failureLimit", analysis.failure_limit},
          {"noData", enumName(analysis.no_data)},
          {"metrics", metrics}};
}

MonitoringSpec readMonitoring(JsonReader& in) {
  MonitoringSpec monitoring;
  auto drift_in = in.object("drift");
  if (!drift_in) return monitoring;
  DriftMonitor drift;
  drift.metric =
      drift_in->enumeration<BuiltinMetric>("metric", Presence::kRequired).value_or(drift.metric);
  drift.max = drift_in->number("max", Presence::kRequired).value_or(drift.max);
  drift.sustain = drift_in->duration("for").value_or(drift.sustain);
  drift.interval = drift_in->duration("interval").value_or(drift.interval);
  if (auto webhook_in = drift_in->object("webhook")) {
    DriftWebhook webhook{webhook_in->string("url", Presence::kRequired).value_or(""), {}};
    if (auto secret_in = webhook_in->object("secretRef")) {
      webhook.secret_ref = SecretKeyRef{secret_in->string("name", Presence::kRequired).value_or(""),
                                        secret_in->string("key", Presence::kRequired).value_or("")};
    }
    drift.webhook = webhook;
  }
  monitoring.drift = drift;
  return monitoring;
}

json monitoringToJson(const MonitoringSpec& monitoring) {
  json out = json::object();
  if (!monitoring.drift) return out;
  const DriftMonitor& drift = *monitoring.drift;
  out["drift"] = {{"metric", enumName(drift.metric)},
                  {"max", drift.max},
                  {"for", formatDuration(drift.sustain)},
                  {"interval", formatDuration(drift.interval)}};
  if (drift.webhook) {
    json webhook = {{"url", drift.webhook->url}};
    if (drift.webhook->secret_ref) {
      webhook["secretRef"] = {{"name", drift.webhook->secret_ref->name},
                              {"key", drift.webhook->secret_ref->key}};
    }
    out["drift"]["webhook"] = webhook;
  }
  return out;
}

}  // namespace

ParsedSpec parseSpec(const json& spec_json) {
  ParsedSpec parsed;
  auto& errors = parsed.errors;
  auto& spec = parsed.spec;
  JsonReader in(spec_json, "spec", errors);
  if (auto model = in.object("model", Presence::kRequired)) spec.model = readModel(*model);
  if (auto replicas = in.integer("replicas")) spec.replicas = toInt32(*replicas);
  if (const auto* pod_template = in.raw("template"); pod_template && !pod_template->is_null()) {
    if (pod_template->is_object()) {
      spec.pod_template = *pod_template;
    } else {
      in.addError("template", "must be an object (a PodTemplateSpec)");
    }
  }
  if (auto traffic = in.object("traffic")) spec.traffic = readTraffic(*traffic);
  if (auto strategy = in.object("strategy")) spec.strategy = readStrategy(*strategy, errors);
  if (auto analysis = in.object("analysis")) spec.analysis = readAnalysis(*analysis, errors);
  if (auto deadline = in.integer("progressDeadlineSeconds")) {
    spec.progress_deadline_seconds = toInt32(*deadline);
  }
  if (auto monitoring = in.object("monitoring")) spec.monitoring = readMonitoring(*monitoring);
  return parsed;
}

Result<ModelDeploymentSpec> specFromJson(const json& spec_json) {
  auto parsed = parseSpec(spec_json);
  applyDefaults(parsed.spec);
  auto problems = std::move(parsed.errors);
  // A field that did not parse kept its default; validate() would only repeat the complaint.
  const auto already_reported = [&](const FieldError& problem) {
    for (const auto& parse_error : problems) {
      if (parse_error.path == problem.path) return true;
    }
    return false;
  };
  for (auto& problem : validate(parsed.spec)) {
    if (!already_reported(problem)) problems.push_back(std::move(problem));
  }
  if (!problems.empty()) return fail(ErrorCode::kInvalidArgument, joinFieldErrors(problems));
  return parsed.spec;
}

json toJson(const ModelDeploymentSpec& spec) {
  json out = {{"model", modelToJson(spec.model)},
              {"replicas", spec.replicas},
              {"template", spec.pod_template},
              {"traffic", trafficToJson(spec.traffic)},
              {"strategy", strategyToJson(spec.strategy)},
              {"analysis", analysisToJson(spec.analysis)},
              {"progressDeadlineSeconds", spec.progress_deadline_seconds}};
  if (spec.monitoring.drift) out["monitoring"] = monitoringToJson(spec.monitoring);
  return out;
}

}  // namespace aviary::api
