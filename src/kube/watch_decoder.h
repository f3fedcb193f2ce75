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
// so the caller relists). A line that is not a watch event is an error too, and so is a line
// longer than max_line_bytes (ResourceExhausted: a broken or hostile stream must not grow memory
// without bound). Not thread-safe.
class WatchDecoder {
 public:
  // The API server's own limit on a request or object is 3 MiB (etcd's 1.5 MiB value, encoded);
  // a watch line carries one object.
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t{16} << 20;

  explicit WatchDecoder(std::size_t max_line_bytes = kDefaultMaxLineBytes)
      : max_line_bytes_(max_line_bytes) {}

  // Appends the complete events found so far to `out`; stops at the first error.
  Status feed(std::string_view chunk, std::vector<WatchEvent>& out);
  // True when bytes of an unfinished line are waiting for the rest.
  bool hasPartialLine() const { return !pending_.empty(); }

 private:
  Status decodeLine(std::string_view line, std::vector<WatchEvent>& out);

  std::size_t max_line_bytes_;
  std::string pending_;
};

}  // namespace aviary::kube
