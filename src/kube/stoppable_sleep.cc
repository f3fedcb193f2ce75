#include "kube/stoppable_sleep.h"

#include <condition_variable>
#include <mutex>

namespace aviary::kube {

void sleepFor(std::chrono::milliseconds delay, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any never;
  std::unique_lock lock(mutex);
  never.wait_for(lock, stop, delay, [] { return false; });
}

}  // namespace aviary::kube
