#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "api/spec.h"
#include "api/status.h"

// The JSON spelling of every enum in the resource, in one table per enum. The CRD's `enum:` lists
// must equal these tables (tests/api/crd_schema_test.cc checks).
namespace aviary::api {

template <typename E>
struct EnumNames;  // specialised below: static constexpr std::array<std::pair<E, std::string_view>,
                   // N> kTable

template <>
struct EnumNames<TrafficProvider> {
  static constexpr std::array kTable = {
      std::pair{TrafficProvider::kReplicas, std::string_view("replicas")},
      std::pair{TrafficProvider::kGatewayApi, std::string_view("gatewayAPI")},
      std::pair{TrafficProvider::kIstio, std::string_view("istio")},
      std::pair{TrafficProvider::kNginx, std::string_view("nginx")},
  };
};

template <>
struct EnumNames<CanaryScale> {
  static constexpr std::array kTable = {
      std::pair{CanaryScale::kFull, std::string_view("full")},
      std::pair{CanaryScale::kMatchTrafficWeight, std::string_view("matchTrafficWeight")},
  };
};

template <>
struct EnumNames<BuiltinMetric> {
  static constexpr std::array kTable = {
      std::pair{BuiltinMetric::kErrorRate, std::string_view("errorRate")},
      std::pair{BuiltinMetric::kLatencyP99, std::string_view("latencyP99")},
      std::pair{BuiltinMetric::kLatencyP50, std::string_view("latencyP50")},
      std::pair{BuiltinMetric::kFeatureDriftKs, std::string_view("featureDriftKS")},
      std::pair{BuiltinMetric::kFeatureDriftPsi, std::string_view("featureDriftPSI")},
      std::pair{BuiltinMetric::kPositiveRateDisparity, std::string_view("positiveRateDisparity")},
      std::pair{BuiltinMetric::kShadowAgreement, std::string_view("shadowAgreement")},
  };
};

template <>
struct EnumNames<NoDataPolicy> {
  static constexpr std::array kTable = {
      std::pair{NoDataPolicy::kHold, std::string_view("hold")},
      std::pair{NoDataPolicy::kFail, std::string_view("fail")},
  };
};

template <>
struct EnumNames<Phase> {
  static constexpr std::array kTable = {
      std::pair{Phase::kInitializing, std::string_view("Initializing")},
      std::pair{Phase::kProgressing, std::string_view("Progressing")},
      std::pair{Phase::kPaused, std::string_view("Paused")},
      std::pair{Phase::kPromoting, std::string_view("Promoting")},
      std::pair{Phase::kSucceeded, std::string_view("Succeeded")},
      std::pair{Phase::kRollingBack, std::string_view("RollingBack")},
      std::pair{Phase::kFailed, std::string_view("Failed")},
  };
};

template <>
struct EnumNames<CheckResult> {
  static constexpr std::array kTable = {
      std::pair{CheckResult::kPass, std::string_view("Pass")},
      std::pair{CheckResult::kFail, std::string_view("Fail")},
      std::pair{CheckResult::kNoData, std::string_view("NoData")},
      std::pair{CheckResult::kError, std::string_view("Error")},
  };
};

template <>
struct EnumNames<Outcome> {
  static constexpr std::array kTable = {
      std::pair{Outcome::kPromoted, std::string_view("Promoted")},
      std::pair{Outcome::kRolledBack, std::string_view("RolledBack")},
      std::pair{Outcome::kAborted, std::string_view("Aborted")},
  };
};

template <>
struct EnumNames<PromoteRequest> {
  // kNone is written as an absent field, never as a string.
  static constexpr std::array kTable = {
      std::pair{PromoteRequest::kStep, std::string_view("step")},
      std::pair{PromoteRequest::kFull, std::string_view("full")},
  };
};

template <typename E>
constexpr std::string_view enumName(E value) {
  for (const auto& [candidate, name] : EnumNames<E>::kTable) {
    if (candidate == value) return name;
  }
  return "";
}

template <typename E>
constexpr std::optional<E> parseEnum(std::string_view name) {
  for (const auto& [candidate, candidate_name] : EnumNames<E>::kTable) {
    if (candidate_name == name) return candidate;
  }
  return std::nullopt;
}

// "replicas, gatewayAPI, istio, nginx" — for error messages.
template <typename E>
std::string enumNameList() {
  std::string out;
  for (const auto& entry : EnumNames<E>::kTable) {
    if (!out.empty()) out += ", ";
    out += entry.second;
  }
  return out;
}

}  // namespace aviary::api
