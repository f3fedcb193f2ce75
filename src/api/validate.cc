#include "api/validate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "api/names.h"

namespace aviary::api {
namespace {

class Problems {
 public:
  void add(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }
  std::vector<FieldError> take() { return std::move(errors_); }

 private:
  std::vector<FieldError> errors_;
};

std::string outOfRange(std::int64_t low, std::int64_t high, std::int64_t got) {
  return "must be " + std::to_string(low) + ".." + std::to_string(high) + ", got " +
         std::to_string(got);
}

bool startsWith(const std::string& text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// OIP v2 model names appear in URL paths: letters, digits, '-', '_' and '.', 1..63 characters.
bool isModelName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool isSha256(const std::string& digest) {
  if (digest.size() != 64) return false;
  for (char c : digest) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// scheme "://" rest, the scheme as RFC 3986 spells it (s3://, gs://, hf://, https://, ...).
bool isUri(const std::string& text) {
  const auto colon = text.find("://");
  if (colon == std::string::npos || colon == 0 || colon + 3 >= text.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool isHex(const std::string& text, std::size_t min_size, std::size_t max_size) {
  if (text.size() < min_size || text.size() > max_size) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Label keys: 1..63 letters, digits, '-', '_', '.' or '/', starting with a letter or digit.
bool isLabelKey(const std::string& key) {
  if (key.empty() || key.size() > kMaxLabelKey) return false;
  if (!std::isalnum(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != '/') {
      return false;
    }
  }
  return true;
}

void checkLength(const std::optional<std::string>& value, std::size_t max_size,
                 const std::string& path, Problems& problems) {
  if (!value) return;
  if (value->empty()) {
    problems.add(path, "must not be empty (omit it instead)");
  } else if (value->size() > max_size) {
    problems.add(path, "must be at most " + std::to_string(max_size) + " characters, got " +
                           std::to_string(value->size()));
  }
}

void validateProvenance(const Provenance& provenance, Problems& problems) {
  const std::string path = "spec.model.provenance";
  if (provenance.dataset) {
    const auto& uri = provenance.dataset->uri;
    if (uri.size() > kMaxProvenanceUri) {
      problems.add(path + ".dataset.uri",
                   "must be at most " + std::to_string(kMaxProvenanceUri) + " characters");
    } else if (!isUri(uri)) {
      problems.add(path + ".dataset.uri", "must be a URI (scheme://...), got \"" + uri + "\"");
    }
    if (provenance.dataset->sha256 && !isHex(*provenance.dataset->sha256, 64, 64)) {
      problems.add(path + ".dataset.sha256", "must be 64 hexadecimal digits");
    }
  }
  checkLength(provenance.training_run, kMaxProvenanceUri, path + ".trainingRun", problems);
  if (provenance.code_commit && !isHex(*provenance.code_commit, 7, 64)) {
    problems.add(path + ".codeCommit", "must be 7..64 hexadecimal digits (a commit id)");
  }
  checkLength(provenance.owner, kMaxProvenanceText, path + ".owner", problems);
  checkLength(provenance.intended_use, kMaxIntendedUse, path + ".intendedUse", problems);
  if (provenance.labels.size() > kMaxProvenanceLabels) {
    problems.add(path + ".labels", "must have at most " + std::to_string(kMaxProvenanceLabels) +
                                       " entries, got " + std::to_string(provenance.labels.size()));
  }
  for (const auto& [key, value] : provenance.labels) {
    if (!isLabelKey(key)) {
      problems.add(path + ".labels",
                   "key \"" + key +
                       "\" must be 1..63 letters, digits, '-', '_', '.' or '/', starting with a "
                       "letter or digit");
    }
    if (value.size() > kMaxLabelValue) {
      problems.add(path + ".labels." + key,
                   "must be at most " + std::to_string(kMaxLabelValue) + " characters");
    }
  }
}

void validateModel(const ModelSpec& model, Problems& problems) {
  if (!isModelName(model.name)) {
    problems.add("spec.model.name",
                 "must be 1..63 letters, digits, '-', '_' or '.', got \"" + model.name + "\"");
  }
  if (!startsWith(model.uri, "file://") && !startsWith(model.uri, "http://") &&
      !startsWith(model.uri, "https://")) {
    problems.add("spec.model.uri",
                 "must start with file://, http:// or https://, got \"" + model.uri + "\"");
  }
  if (std::find(kRuntimes.begin(), kRuntimes.end(), model.runtime) == kRuntimes.end()) {
    std::string known;
    for (const std::string_view runtime : kRuntimes) {
      known += (known.empty() ? "" : ", ") + std::string(runtime);
    }
    problems.add("spec.model.runtime",
                 "must be one of " + known + ", got \"" + model.runtime + "\"");
  }
  if (model.sha256 && !isSha256(*model.sha256)) {
    problems.add("spec.model.sha256", "must be 64 hexadecimal digits");
  }
  if (model.provenance) validateProvenance(*model.provenance, problems);
}

void validateTraffic(const TrafficSpec& traffic, Problems& problems) {
  const std::string provider(enumName(traffic.provider));
  const auto require = [&](bool present, bool name_empty, const char* field, const char* name) {
    const std::string path = std::string("spec.traffic.") + field;
    if (!present) {
      problems.add(path, "is required when provider is " + provider);
    } else if (name_empty) {
      problems.add(path + "." + name, "must not be empty");
    }
  };
  switch (traffic.provider) {
    case TrafficProvider::kReplicas:
      break;
    case TrafficProvider::kGatewayApi:
      require(traffic.gateway_api.has_value(),
              traffic.gateway_api && traffic.gateway_api->http_route.empty(), "gatewayAPI",
              "httpRoute");
      break;
    case TrafficProvider::kIstio:
      require(traffic.istio.has_value(), traffic.istio && traffic.istio->virtual_service.empty(),
              "istio", "virtualService");
      break;
    case TrafficProvider::kNginx:
      require(traffic.nginx.has_value(), traffic.nginx && traffic.nginx->ingress.empty(), "nginx",
              "ingress");
      break;
  }
}

void validateStrategy(const StrategySpec& strategy, const TrafficSpec& traffic,
                      Problems& problems) {
  if (strategy.steps.size() > kMaxSteps) {
    problems.add("spec.strategy.steps", "must have at most " + std::to_string(kMaxSteps) +
                                            " steps, got " + std::to_string(strategy.steps.size()));
  }
  for (std::size_t i = 0; i < strategy.steps.size(); ++i) {
    const auto& step = strategy.steps[i];
    const std::string path = "spec.strategy.steps[" + std::to_string(i) + "]";
    if (step.set_weight.has_value() == step.pause.has_value()) {
      problems.add(path, "must set exactly one of setWeight or pause");
    }
    if (step.set_weight && (*step.set_weight < 0 || *step.set_weight > 100)) {
      problems.add(path + ".setWeight", outOfRange(0, 100, *step.set_weight));
    }
    if (step.pause && step.pause->duration && step.pause->duration->count() <= 0) {
      problems.add(path + ".pause.duration", "must be positive (omit it to wait for a promote)");
    }
  }
  if (strategy.shadow && strategy.shadow->duration.count() <= 0) {
    problems.add("spec.strategy.shadow.duration", "must be positive");
  }
  if (strategy.scale_down_delay < Duration{0} || strategy.scale_down_delay > kMaxScaleDownDelay) {
    problems.add("spec.strategy.scaleDownDelay", "must be 0s..1h");
  }
  if (strategy.shadow && traffic.provider == TrafficProvider::kReplicas) {
    problems.add("spec.strategy.shadow",
                 "needs a mesh provider (gatewayAPI, istio or nginx): the replicas provider "
                 "splits traffic by pod count and cannot mirror it");
  }
}

bool isDrift(BuiltinMetric metric) {
  return metric == BuiltinMetric::kFeatureDriftKs || metric == BuiltinMetric::kFeatureDriftPsi;
}

void validateMetric(const MetricSpec& metric, const std::string& path, Problems& problems) {
  if (metric.name.empty()) problems.add(path + ".name", "must not be empty");
  if (metric.builtin.has_value() == metric.prometheus.has_value()) {
    problems.add(path, "must set exactly one of builtin or prometheus");
  }
  if (metric.prometheus && metric.prometheus->query.empty()) {
    problems.add(path + ".prometheus.query", "must not be empty");
  }
  if (!metric.min && !metric.max) problems.add(path, "must set max or min (or both)");
  for (const auto& [field, bound] : {std::pair{"min", metric.min}, std::pair{"max", metric.max}}) {
    if (bound && !std::isfinite(*bound))
      problems.add(path + "." + field, "must be a finite number");
  }
  if (metric.min && metric.max && *metric.min > *metric.max) {
    problems.add(path, "min must not exceed max");
  }
  const bool disparity = metric.builtin == BuiltinMetric::kPositiveRateDisparity;
  if (disparity && !metric.group_by) {
    problems.add(path + ".groupBy", "is required for builtin positiveRateDisparity");
  }
  if (!disparity && metric.group_by) {
    problems.add(path + ".groupBy", "applies only to builtin positiveRateDisparity");
  }
  if (metric.feature && !(metric.builtin && isDrift(*metric.builtin))) {
    problems.add(path + ".feature", "applies only to builtin featureDriftKS or featureDriftPSI");
  }
}

// What a built-in gate needs from the rest of the spec to ever have data: the sidecar computes
// drift only against spec.model.reference, and exports group rates only for its one
// spec.model.groupInput.
void validateMetricAgainstModel(const MetricSpec& metric, const ModelSpec& model,
                                const std::string& path, Problems& problems) {
  if (!metric.builtin) return;
  if (isDrift(*metric.builtin) && !model.reference) {
    problems.add(path + ".builtin",
                 "featureDriftKS and featureDriftPSI need spec.model.reference "
                 "(the training profile the sidecar compares inputs with)");
  }
  if (*metric.builtin == BuiltinMetric::kPositiveRateDisparity && metric.group_by &&
      metric.group_by != model.group_input) {
    problems.add(path + ".groupBy",
                 "must name spec.model.groupInput (" + model.group_input.value_or("unset") +
                     "), the one input the sidecar groups by, got \"" + *metric.group_by + "\"");
  }
  if (*metric.builtin == BuiltinMetric::kShadowAgreement) {
    problems.add(path + ".builtin",
                 "shadowAgreement is not available yet: the sidecar does not compare the "
                 "canary's answers with the stable's; gate the shadow stage on errorRate, "
                 "latencyP99 or drift instead");
  }
}

void validateAnalysis(const AnalysisSpec& analysis, const ModelSpec& model, Problems& problems) {
  if (analysis.interval < std::chrono::seconds(1)) {
    problems.add("spec.analysis.interval", "must be at least 1s");
  }
  if (analysis.failure_limit < 1 || analysis.failure_limit > 100) {
    problems.add("spec.analysis.failureLimit", outOfRange(1, 100, analysis.failure_limit));
  }
  if (analysis.metrics.size() > kMaxMetrics) {
    problems.add("spec.analysis.metrics", "must have at most " + std::to_string(kMaxMetrics) +
                                              " metrics, got " +
                                              std::to_string(analysis.metrics.size()));
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < analysis.metrics.size(); ++i) {
    const auto& metric = analysis.metrics[i];
    const std::string path = "spec.analysis.metrics[" + std::to_string(i) + "]";
    validateMetric(metric, path, problems);
    validateMetricAgainstModel(metric, model, path, problems);
    if (!metric.name.empty() && !names.insert(metric.name).second) {
      problems.add(path + ".name", "duplicates another metric's name \"" + metric.name + "\"");
    }
  }
}

// The retraining trigger reads the stable's drift as the drift gates read the canary's, so it needs
// the same reference profile.
void validateMonitoring(const MonitoringSpec& monitoring, const ModelSpec& model,
                        Problems& problems) {
  if (!monitoring.drift) return;
  const DriftMonitor& drift = *monitoring.drift;
  const std::string path = "spec.monitoring.drift";
  if (!isDrift(drift.metric)) {
    problems.add(path + ".metric", "must be featureDriftKS or featureDriftPSI, got \"" +
                                       std::string(enumName(drift.metric)) + "\"");
  }
  if (!model.reference) {
    problems.add(path + ".metric",
                 "needs spec.model.reference (the training profile the sidecar compares inputs "
                 "with)");
  }
  if (!std::isfinite(drift.max) || drift.max <= 0) {
    problems.add(path + ".max", "must be a number above 0");
  }
  if (drift.sustain < Duration{0} || drift.sustain > kMaxDriftSustain) {
    problems.add(path + ".for", "must be 0s..168h, got " + formatDuration(drift.sustain));
  }
  if (drift.interval < kMinDriftInterval || drift.interval > kMaxDriftInterval) {
    problems.add(path + ".interval", "must be 5s..1h, got " + formatDuration(drift.interval));
  }
  if (!drift.webhook) return;
  const std::string& url = drift.webhook->url;
  if (!(startsWith(url, "http://") || startsWith(url, "https://")) || !isUri(url) ||
      url.size() > kMaxProvenanceUri) {
    problems.add(path + ".webhook.url", "must be an http:// or https:// URL of at most " +
                                            std::to_string(kMaxProvenanceUri) + " characters");
  }
  if (const auto& secret = drift.webhook->secret_ref) {
    if (secret->name.empty() || secret->name.size() > 253) {
      problems.add(path + ".webhook.secretRef.name", "must be a Secret's name (1..253 characters)");
    }
    if (secret->key.empty() || secret->key.size() > 253) {
      problems.add(path + ".webhook.secretRef.key", "must be a data key (1..253 characters)");
    }
  }
}

}  // namespace

std::vector<FieldError> validate(const ModelDeploymentSpec& spec) {
  Problems problems;
  validateModel(spec.model, problems);
  if (spec.replicas < 1 || spec.replicas > kMaxReplicas) {
    problems.add("spec.replicas", outOfRange(1, kMaxReplicas, spec.replicas));
  }
  validateTraffic(spec.traffic, problems);
  validateStrategy(spec.strategy, spec.traffic, problems);
  validateAnalysis(spec.analysis, spec.model, problems);
  validateMonitoring(spec.monitoring, spec.model, problems);
  if (spec.progress_deadline_seconds < 10 || spec.progress_deadline_seconds > 86400) {
    problems.add("spec.progressDeadlineSeconds",
                 outOfRange(10, 86400, spec.progress_deadline_seconds));
  }
  return problems.take();
}

}  // namespace aviary::api
