#include "sidecar/server/sidecar_metrics.h"

#include <prometheus/text_serializer.h>

namespace aviary::sidecar {
namespace {

// From 50 µs (a batch-1 answer on loopback) to 10 s.
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,    0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0};

const prometheus::Histogram::BucketBoundaries kBatchBuckets = {1,   2,   4,   8,    16,   32,  64,
                                                               128, 256, 512, 1024, 2048, 4096};

}  // namespace

SidecarMetrics::SidecarMetrics(const ModelIdentity& identity)
    : identity_(identity),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("aviary_inference_requests_total")
                    .Help("Inference requests answered, by HTTP status code")
                    .Register(*registry_)),
      duration_(prometheus::BuildHistogram()
                    .Name("aviary_inference_request_duration_seconds")
                    .Help("Time from a parsed HTTP request to its built response")
                    .Register(*registry_)) {
  const prometheus::Labels model = {{"model", identity.name}, {"revision", identity.revision}};
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("aviary_inference_batch_size")
                     .Help("Rows per successful inference request")
                     .Register(*registry_)
                     .Add(model, kBatchBuckets);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("aviary_inference_requests_in_flight")
                    .Help("Inference requests being handled")
                    .Register(*registry_)
                    .Add(model);
  ready_ = &prometheus::BuildGauge()
                .Name("aviary_model_ready")
                .Help("1 when the model is loaded, warmed up and served")
                .Register(*registry_)
                .Add(model);
  prometheus::BuildGauge()
      .Name("aviary_model_info")
      .Help("The served model; always 1")
      .Register(*registry_)
      .Add({{"model", identity.name},
            {"revision", identity.revision},
            {"runtime", identity.runtime}})
      .Set(1);
  for (std::size_t i = 0; i < kCommonCodes.size(); ++i) {
    prometheus::Labels labels = model;
    labels["code"] = std::to_string(kCommonCodes[i]);
    common_[i].requests = &requests_.Add(labels);
    common_[i].duration = &duration_.Add(labels, kDurationBuckets);
  }
}

SidecarMetrics::PerCode& SidecarMetrics::perCode(int code) {
  for (std::size_t i = 0; i < kCommonCodes.size(); ++i) {
    if (kCommonCodes[i] == code) return common_[i];
  }
  // Rare codes: Family::Add is thread-safe and returns the existing child for known labels.
  thread_local PerCode rare;
  const prometheus::Labels labels = {
      {"model", identity_.name}, {"revision", identity_.revision}, {"code", std::to_string(code)}};
  rare.requests = &requests_.Add(labels);
  rare.duration = &duration_.Add(labels, kDurationBuckets);
  return rare;
}

void SidecarMetrics::observeRequest(int code, double seconds, std::size_t rows) {
  PerCode& metrics = perCode(code);
  metrics.requests->Increment();
  metrics.duration->Observe(seconds);
  if (code == 200) batch_size_->Observe(static_cast<double>(rows));
}

std::string SidecarMetrics::scrape() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace aviary::sidecar
