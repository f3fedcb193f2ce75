#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "metrics/provider.h"

namespace aviary::testing {

// A metrics provider answering from a table (implements metrics::Provider): a query's value is
// the one set for the first registered substring it contains, else the default (nullopt: no
// data). Records every query. Thread-safe.
class FakeProvider final : public metrics::Provider {
 public:
  Result<std::optional<double>> query(const std::string& query) override {
    std::lock_guard lock(mutex_);
    queries_.push_back(query);
    if (error_) return fail(*error_);
    for (const auto& [needle, value] : values_) {
      if (query.find(needle) != std::string::npos) return value;
    }
    return default_;
  }

  // Queries containing `needle` answer `value`.
  void set(const std::string& needle, std::optional<double> value) {
    std::lock_guard lock(mutex_);
    values_[needle] = value;
  }
  void setDefault(std::optional<double> value) {
    std::lock_guard lock(mutex_);
    default_ = value;
  }
  // Every query fails with `error` until cleared with nullopt.
  void setError(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
  }
  std::vector<std::string> queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::optional<double>> values_;
  std::optional<double> default_;
  std::optional<Error> error_;
  std::vector<std::string> queries_;
};

}  // namespace aviary::testing
