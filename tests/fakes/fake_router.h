#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "router/router.h"

namespace aviary::testing {

// A router that keeps each route's weight and mirror in memory (implements router::Router), as a
// mesh would: observe() reports what the last setWeight/setMirror set. Thread-safe.
class FakeRouter final : public router::Router {
 public:
  struct Route {
    std::int32_t weight = 0;
    bool mirror = false;
    bool finalized = false;
    int writes = 0;  // setWeight/setMirror calls that changed something, and finalize
  };

  Result<router::RouteState> observe(const router::RouteTarget& target) override {
    std::lock_guard lock(mutex_);
    if (auto error = take("observe")) return fail(*error);
    const Route& route = routes_[key(target)];
    return router::RouteState{route.weight, route.mirror};
  }
  Status setWeight(const router::RouteTarget& target, std::int32_t canary_percent) override {
    std::lock_guard lock(mutex_);
    if (auto error = take("setWeight")) return fail(*error);
    Route& route = routes_[key(target)];
    if (route.weight != canary_percent) ++route.writes;
    route.weight = canary_percent;
    return {};
  }
  Status setMirror(const router::RouteTarget& target, bool enabled) override {
    std::lock_guard lock(mutex_);
    if (auto error = take("setMirror")) return fail(*error);
    Route& route = routes_[key(target)];
    if (route.mirror != enabled) ++route.writes;
    route.mirror = enabled;
    return {};
  }
  Status finalize(const router::RouteTarget& target) override {
    std::lock_guard lock(mutex_);
    if (auto error = take("finalize")) return fail(*error);
    Route& route = routes_[key(target)];
    route = Route{.weight = 0, .mirror = false, .finalized = true, .writes = route.writes + 1};
    return {};
  }

  // The route of ModelDeployment `ns`/`name` (a default Route when never touched).
  Route route(const std::string& ns, const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = routes_.find(ns + "/" + name);
    return it == routes_.end() ? Route{} : it->second;
  }
  // The next call of `verb` ("observe", "setWeight", "setMirror", "finalize") fails with `error`.
  void failNext(const std::string& verb, Error error) {
    std::lock_guard lock(mutex_);
    failures_[verb].push_back(std::move(error));
  }

 private:
  static std::string key(const router::RouteTarget& target) {
    return target.ns + "/" + target.name;
  }
  std::optional<Error> take(const std::string& verb) {
    auto it = failures_.find(verb);
    if (it == failures_.end() || it->second.empty()) return std::nullopt;
    Error error = it->second.front();
    it->second.erase(it->second.begin());
    return error;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Route> routes_;
  std::map<std::string, std::vector<Error>> failures_;
};

}  // namespace aviary::testing
