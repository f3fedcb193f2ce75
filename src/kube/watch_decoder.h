#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kube/client.h"

namespace aviary::kube {

// Turns the body of a watch response (one JSON event per line, split into arbitrary chunks by the
// network) into WatchEvents.
//
// Contract: feed() may be called with any split of the byte stream; each complete line yields one
// event in order. An ERROR event carrying a metav1.Status becomes an Error (Gone for 410/Expired,
// so the caller relists). A line that is not a watch event is an error too. Not thread-safe.
class WatchDecoder {
 public:
  // Appends the complete events found so far to `out`; stops at the first error.
  Status feed(std::string_view chunk, std::vector<WatchEvent>& out);
  // True when bytes of an unfinished line are waiting for the rest.
  bool hasPartialLine() const { return !pending_.empty(); }

 private:
  Status decodeLine(std::string_view line, std::vector<WatchEvent>& out);

  std::string pending_;
};

}  // namespace aviary::kube
