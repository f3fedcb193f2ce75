#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "cli/args.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/result.h"
#include "kube/client.h"

// The commands of kubectl-aviary over a KubeClient: read, render, write requests. The edge where
// the pure parts (args, render, requests, gate_history) meet the API server and the terminal.
namespace aviary::cli {

// What is known of stdout, asked again before every frame of a watch (the window can change).
struct Terminal {
  bool is_tty = false;  // redraw in place; otherwise one line per change
  bool color = false;   // ANSI colours (a terminal, and $NO_COLOR unset)
  int width = 0;        // columns; 0: unknown (lines are not cut)
  int height = 0;       // rows; 0: unknown (the frame is not cut)
};

struct Session {
  kube::KubeClient& client;
  const Clock& clock;                   // wall time, for ages and "next round in"
  const MonotonicClock& monotonic;      // for --timeout
  std::function<void(Duration)> sleep;  // between polls of a watch
  std::function<Terminal()> terminal;   // stdout as it is now
  std::ostream& out;
  std::ostream& err;
  Duration poll_interval = std::chrono::seconds{1};  // status --watch
};

// Runs `invocation` (a command, not help) in namespace `ns` (the flag's or the context's). Returns
// the exit code (args.h); errors are printed to env.err as "error: ..." first.
int run(const Invocation& invocation, const std::string& ns, Session& env);

}  // namespace aviary::cli
