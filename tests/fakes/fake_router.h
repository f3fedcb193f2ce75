#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "router/router.h"

namespace aviary::testing {

// A Router in memory, for controller tests: remembers the weight and mirror each target's route
// says (keyed "ns/name"), and fails the next call of a verb when told to. A target never written
// observes as {weight: 0, mirror: false}, a fresh route sending everything to stable.
class FakeRouter final : public router::Router {
 public:
  Result<router::RouteState> observe(const router::RouteTarget& target) override {
    std::lock_guard lock(mutex_);
    if (auto failure = takeFailure("observe")) return fail(*failure);
    return stateLocked(key(target));
  }
  Status setWeight(const router::RouteTarget& target, std::int32_t canary_percent) override {
    std::lock_guard lock(mutex_);
    if (auto failure = takeFailure("setWeight")) return fail(*failure);
    ++write_calls_;
    entry(key(target)).weight = canary_percent;
    return {};
  }
  Status setMirror(const router::RouteTarget& target, bool enabled) override {
    std::lock_guard lock(mutex_);
    if (auto failure = takeFailure("setMirror")) return fail(*failure);
    ++write_calls_;
    entry(key(target)).mirror = enabled;
    return {};
  }
  Status finalize(const router::RouteTarget& target) override {
    std::lock_guard lock(mutex_);
    if (auto failure = takeFailure("finalize")) return fail(*failure);
    ++write_calls_;
    routes_[key(target)] = {.weight = 0, .mirror = false};
    finalized_.push_back(key(target));
    return {};
  }

  // The next call of `verb` ("observe", "setWeight", "setMirror", "finalize") fails with `error`,
  // once per call to failNext.
  void failNext(const std::string& verb, Error error) {
    std::lock_guard lock(mutex_);
    failures_[verb].push_back(std::move(error));
  }
  // What the route of "ns/name" says now.
  router::RouteState state(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return stateLocked(key);
  }
  // Successful setWeight, setMirror and finalize calls so far, for every target.
  int writeCalls() const {
    std::lock_guard lock(mutex_);
    return write_calls_;
  }
  // The targets finalize() succeeded for, in order.
  std::vector<std::string> finalized() const {
    std::lock_guard lock(mutex_);
    return finalized_;
  }

 private:
  static std::string key(const router::RouteTarget& target) {
    return target.ns + "/" + target.name;
  }
  router::RouteState& entry(const std::string& key) {
    return routes_.try_emplace(key, router::RouteState{.weight = 0, .mirror = false}).first->second;
  }
  router::RouteState stateLocked(const std::string& key) const {
    auto it = routes_.find(key);
    return it == routes_.end() ? router::RouteState{.weight = 0, .mirror = false} : it->second;
  }
  std::optional<Error> takeFailure(const std::string& verb) {
    auto it = failures_.find(verb);
    if (it == failures_.end() || it->second.empty()) return std::nullopt;
    Error error = std::move(it->second.front());
    it->second.erase(it->second.begin());
    return error;
  }

  mutable std::mutex mutex_;
  std::map<std::string, router::RouteState> routes_;
  std::map<std::string, std::vector<Error>> failures_;
  std::vector<std::string> finalized_;
  int write_calls_ = 0;
};

}  // namespace aviary::testing
