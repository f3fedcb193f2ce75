#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "tests/fakes/fake_kube.h"

namespace aviary::testing {

// A gtest fixture for code that works against the API server from threads of its own (informers,
// leader election): a fresh FakeKube per test, and eventually() to wait for what those threads do.
// Each suite derives its own fixture, named after the suite, with the patience its timings need.
class FakeKubeFixture : public ::testing::Test {
 protected:
  explicit FakeKubeFixture(std::chrono::milliseconds patience) : patience_(patience) {}

  // Polls `condition` every 5 ms until it holds or the patience runs out, and returns its last
  // value: a condition that never holds fails the test only after the whole patience.
  template <typename F>
  bool eventually(F condition) const {
    const auto deadline = std::chrono::steady_clock::now() + patience_;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return condition();
  }

  const std::shared_ptr<FakeKube> kube_ = std::make_shared<FakeKube>();

 private:
  const std::chrono::milliseconds patience_;
};

}  // namespace aviary::testing
