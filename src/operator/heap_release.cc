#include "operator/heap_release.h"

#include <malloc.h>

#include <condition_variable>
#include <mutex>

namespace aviary::operator_app {

void limitHeapArenas() { mallopt(M_ARENA_MAX, 2); }

void releaseFreeHeapUntil(std::stop_token stop, std::chrono::seconds period) {
  std::mutex mutex;
  std::condition_variable_any woken;
  std::unique_lock lock(mutex);
  while (!woken.wait_for(lock, stop, period, [] { return false; })) {
    if (stop.stop_requested()) return;
    malloc_trim(0);
  }
}

}  // namespace aviary::operator_app
