#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include "sidecar/server/model_host.h"

namespace aviary::sidecar {

// The sidecar's Prometheus metrics (names are API, see DESIGN.md). Thread-safe; recording a
// request is lock-free for the common status codes.
class SidecarMetrics {
 public:
  explicit SidecarMetrics(const ModelIdentity& identity);

  // One answered inference request: its status code, its duration, and (for 200s) its rows.
  void observeRequest(int code, double seconds, std::size_t rows);
  void requestStarted() { in_flight_->Increment(); }
  void requestFinished() { in_flight_->Decrement(); }
  void setReady(bool ready) { ready_->Set(ready ? 1 : 0); }

  // Text exposition format 0.0.4 of every metric in the registry.
  std::string scrape() const;

  // Where accounting (drift, fairness) registers its own families.
  prometheus::Registry& registry() { return *registry_; }
  const ModelIdentity& identity() const { return identity_; }

 private:
  struct PerCode {
    prometheus::Counter* requests = nullptr;
    prometheus::Histogram* duration = nullptr;
  };
  PerCode& perCode(int code);

  static constexpr std::array<int, 7> kCommonCodes = {200, 400, 404, 413, 422, 500, 503};

  ModelIdentity identity_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Histogram* batch_size_;
  prometheus::Gauge* in_flight_;
  prometheus::Gauge* ready_;
  std::array<PerCode, kCommonCodes.size()> common_;
};

}  // namespace aviary::sidecar
