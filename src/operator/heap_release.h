#pragma once

#include <chrono>
#include <stop_token>

namespace aviary::operator_app {

// The controller's memory policy for glibc's allocator. A burst of work (a thousand rollouts at
// once) leaves freed heap in malloc's arenas, and glibc keeps it: the process would stay at its
// peak for ever although its caches need far less. limitHeapArenas() caps the arenas (a few
// worker threads need no more than two), and releaseFreeHeapUntil(), run on a thread of its own,
// hands free heap back to the system every `period` until `stop`, so RSS at rest is about what the
// caches hold.
void limitHeapArenas();
void releaseFreeHeapUntil(std::stop_token stop, std::chrono::seconds period);

}  // namespace aviary::operator_app
