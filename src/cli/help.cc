#include "cli/help.h"

namespace aviary::cli {
namespace {

constexpr const char* kClusterFlags = R"(
Cluster flags (as kubectl reads them):
      --kubeconfig PATH   kubeconfig file; default: the files in $KUBECONFIG (a colon list, merged
                          as kubectl merges it), else ~/.kube/config, else the pod's service account
      --context NAME      kubeconfig context; default: current-context
  -n, --namespace NS      namespace; default: the context's namespace, else "default"
  -h, --help              this help
)";

constexpr const char* kExitCodes = R"(
Exit codes:
  0  done
  1  error: the object or its namespace does not exist, the API server refused or could not be
     reached, a request does not apply to the rollout's phase, no kubeconfig, no card to show
  2  usage: unknown command or flag, a missing or extra NAME
  3  status --watch: the rollout ended Failed, or is Stalled (cannot go on by itself)
  4  status --watch: --timeout passed before the rollout ended
)";

constexpr const char* kOverview =
    R"(kubectl aviary: watch and steer aviary's ModelDeployment rollouts.

Usage:
  kubectl aviary COMMAND [NAME] [flags]

Commands:
  get [NAME...]       list ModelDeployments: phase, step, canary weight, revisions, age
  status NAME         phase, step, weight, every gate against its bound, conditions, events
  promote NAME        finish the current step (also an indefinite pause); --full: promote now
  abort NAME          roll the canary back now
  retry NAME          restart a failed rollout from its first step
  pause NAME          hold the rollout where it is
  resume NAME         let a paused rollout go on
  history NAME        the rollouts that ended: revision, outcome, reason, time
  card NAME [REV]     the model card of a rollout that ended: Markdown, --json, or --html FILE

promote, abort, retry, pause and resume ask the controller through status.requests (the status
subresource, a JSON merge patch), so a GitOps tool that owns the spec never sees a change; the
controller clears each request once it has acted on it.

"kubectl aviary COMMAND --help" says more about a command.
)";

std::string body(Command command) {
  switch (command) {
    case Command::kGet:
      return R"(Lists ModelDeployments as a table: NAME PHASE STEP WEIGHT STABLE CANARY AGE. STEP is
"current/steps" while a canary runs, "shadow" in its shadow stage, "-" otherwise; WEIGHT is the
canary's share of traffic.

Usage:
  kubectl aviary get [NAME...] [-A] [flags]

Flags:
  -A, --all-namespaces    every namespace (adds a NAMESPACE column)
)";
    case Command::kStatus:
      return R"(Shows one ModelDeployment: phase and message, the stable and canary revisions, the steps
(done, current, to come), the canary's weight as a bar, every gate's last value against its
bound with its result and a sparkline of its recent values, the conditions, the last Events
and the last rollouts that ended.

Usage:
  kubectl aviary status NAME [-w] [--timeout DURATION] [flags]

Flags:
  -w, --watch             follow the rollout until it ends: redrawn in place once a second on a
                          terminal, a line per change of state (and per new Event) otherwise
      --timeout DURATION  with --watch: give up after this long (e.g. 10m), exit code 4

With --watch it exits 0 once the controller has seen the current spec and the rollout is
Succeeded, and 3 once it is Failed or Stalled.

The sparklines: the status holds only each gate's latest round, so the values come from the
rounds seen while watching (one point per analysis round, "·" for a round without a value); they
start afresh when the canary revision changes. Without --watch a sparkline has one point.
)";
    case Command::kPromote:
      return R"(Finishes the current step now: a setWeight step moves on without waiting for its gate, a
pause (timed or indefinite) ends, the shadow stage ends and step 0 starts. Promoting a rollout
paused by request resumes it. With --full the shadow stage, every remaining step and the gates
are skipped and the canary is promoted now.

Writes status.requests.promote = "step" or "full".

Usage:
  kubectl aviary promote NAME [--full] [flags]

Flags:
      --full              skip every remaining step: promote now
)";
    case Command::kAbort:
      return R"(Rolls the running canary back: all traffic to the stable revision, then the canary scales
down. The rollout ends Failed (history: Aborted) until the spec changes or it is retried.

Writes status.requests.abort = true.

Usage:
  kubectl aviary abort NAME [flags]
)";
    case Command::kRetry:
      return R"(Restarts a Failed rollout (rolled back or aborted) from its first step, with the same
revision.

Writes status.requests.retry = true.

Usage:
  kubectl aviary retry NAME [flags]
)";
    case Command::kPause:
      return R"(Holds a running rollout at its step and weight (phase Paused, pausedByUser) until resume
or promote. Analysis keeps running: failed checks can still roll it back.

Writes status.requests.paused = true.

Usage:
  kubectl aviary pause NAME [flags]
)";
    case Command::kResume:
      return R"(Lets a rollout paused by request go on; the current step's pause timer restarts. An
indefinite pause step is ended by promote, not resume.

Writes status.requests.paused = false.

Usage:
  kubectl aviary resume NAME [flags]
)";
    case Command::kHistory:
      return R"(Lists the rollouts that ended (status.history, the last 10): revision, outcome
(Promoted, RolledBack, Aborted), when, and why.

Usage:
  kubectl aviary history NAME [flags]
)";
    case Command::kCard:
      return R"(Prints the model card of a rollout that ended (promoted, rolled back or aborted): the
model, its provenance, the rollout's timeline and each gate's values against its threshold. The
controller keeps one card per revision in status.history, in the ConfigMap
"NAME-REVISION-card" (keys card.md, card.json, card.html); reading it needs "get configmaps".

Without REVISION: the card of the newest history entry (the last rollout that ended). REVISION
is a revision of the history, whole or its first 4 or more characters if no other revision
starts with them.

Usage:
  kubectl aviary card NAME [REVISION] [--json | --html FILE] [flags]

Flags:
      --json              the card as JSON (card.json) instead of Markdown (card.md)
      --html FILE         write the self-contained HTML page (card.html) to FILE ("-": stdout)
)";
  }
  return "";
}

}  // namespace

std::string helpText(std::optional<Command> command) {
  if (!command) return std::string(kOverview) + kClusterFlags + kExitCodes;
  return body(*command) + kClusterFlags + kExitCodes;
}

}  // namespace aviary::cli
