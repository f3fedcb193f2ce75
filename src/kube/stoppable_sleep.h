#pragma once

#include <chrono>
#include <stop_token>

namespace aviary::kube {

// Sleeps for `delay` or until `stop` is requested, whichever comes first. The informer's relist
// backoff and the leader elector's retry loop use it so that shutdown never waits out a delay.
void sleepFor(std::chrono::milliseconds delay, std::stop_token stop);

}  // namespace aviary::kube
