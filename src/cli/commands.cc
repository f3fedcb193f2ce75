#include "cli/commands.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "cli/card.h"
#include "cli/deployment.h"
#include "cli/gate_history.h"
#include "cli/render.h"
#include "cli/requests.h"
#include "common/time_format.h"
#include "governance/card.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace aviary::cli {
namespace {

using kube::Json;
using kube::ResourceRef;

// Core v1 Events: the controller writes events.k8s.io/v1, which the core API serves too, with
// field selectors on the object they are about.
const ResourceRef kCoreEvents{"", "v1", "events", "", ""};

// The API's answer, said in terms of the object the user named.
Error explain(const Error& error, const std::string& ns, const std::string& name) {
  if (error.code == ErrorCode::kNotFound) {
    if (error.message.find("could not find the requested resource") != std::string::npos) {
      return {error.code,
              "the API server has no modeldeployments.aviary.dev/v1alpha1: is aviary's CRD "
              "installed?"};
    }
    if (!name.empty()) {
      return {error.code, "modeldeployment \"" + name + "\" not found in namespace \"" + ns + "\""};
    }
  }
  return error;
}

Result<DeploymentView> fetch(kube::KubeClient& client, const std::string& ns,
                             const std::string& name) {
  auto object = client.get(kube::resources::kModelDeployments.in(ns).named(name));
  if (!object.has_value()) return fail(explain(object.error(), ns, name));
  return deploymentView(*object);
}

// The object's Events; none when they cannot be listed (the view does without them).
std::vector<EventLine> fetchEvents(kube::KubeClient& client, const std::string& ns,
                                   const std::string& name) {
  kube::ListOptions options;
  options.field_selector = "involvedObject.kind=ModelDeployment,involvedObject.name=" + name;
  auto list = client.list(kCoreEvents.in(ns), options);
  if (!list.has_value()) return {};
  Json items = Json::array();
  for (auto& item : list->items) items.push_back(std::move(item));
  return eventLines(Json{{"items", std::move(items)}});
}

int report(Session& env, const Error& error) {
  env.err << "error: " << error.message << "\n";
  return kExitError;
}

int runGet(const Invocation& invocation, const std::string& ns, Session& env) {
  const bool all = invocation.cluster.all_namespaces;
  std::vector<DeploymentView> views;
  int code = kExitOk;
  if (invocation.names.empty()) {
    ResourceRef ref = kube::resources::kModelDeployments;
    if (!all) ref = ref.in(ns);
    auto list = kube::listAll(env.client, ref, {});
    if (!list.has_value()) return report(env, explain(list.error(), ns, ""));
    for (const auto& item : list->items) views.push_back(deploymentView(item));
    std::sort(views.begin(), views.end(), [](const DeploymentView& a, const DeploymentView& b) {
      return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
    });
    if (views.empty()) {
      env.err << (all ? std::string("No resources found\n")
                      : "No resources found in " + ns + " namespace.\n");
      return kExitOk;
    }
  } else {
    for (const auto& name : invocation.names) {
      auto view = fetch(env.client, ns, name);
      if (!view.has_value()) {
        code = report(env, view.error());
        continue;
      }
      views.push_back(std::move(*view));
    }
    if (views.empty()) return code;
  }
  env.out << renderTable(views, all, env.clock.now());
  return code;
}

int runHistory(const Invocation& invocation, const std::string& ns, Session& env) {
  auto view = fetch(env.client, ns, invocation.names.front());
  if (!view.has_value()) return report(env, view.error());
  env.out << renderHistory(*view, env.clock.now());
  if (view->status.history.empty()) {
    env.err << "no rollout of " << ns << "/" << view->name << " has ended yet\n";
  }
  return kExitOk;
}

// Writes `text` to the file `path` (created or truncated).
Status writeFile(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "writing " + path + ": " + std::strerror(errno));
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const int write_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    return fail(ErrorCode::kInvalidArgument,
                "writing " + path + ": " + std::strerror(written ? errno : write_errno));
  }
  return {};
}

int runCard(const Invocation& invocation, const std::string& ns, Session& env) {
  const std::string& name = invocation.names.front();
  auto view = fetch(env.client, ns, name);
  if (!view.has_value()) return report(env, view.error());
  auto revision = cardRevision(*view, invocation.revision);
  if (!revision.has_value()) return report(env, revision.error());
  const std::string config_map_name = governance::cardConfigMapName(name, *revision);
  auto config_map = env.client.get(kube::resources::kConfigMaps.in(ns).named(config_map_name));
  if (!config_map.has_value()) {
    if (config_map.error().code == ErrorCode::kNotFound) {
      return report(
          env, {ErrorCode::kNotFound,
                "the card of " + ns + "/" + name + " revision " + *revision +
                    " is missing: configmap \"" + config_map_name + "\" not found in namespace \"" +
                    ns + "\" (not written yet, or the revision left status.history)"});
    }
    return report(env, config_map.error().withContext("reading configmap \"" + config_map_name +
                                                      "\" in namespace \"" + ns + "\""));
  }
  const std::string_view key = invocation.html   ? governance::kCardHtmlKey
                               : invocation.json ? governance::kCardJsonKey
                                                 : governance::kCardMarkdownKey;
  auto text = cardData(*config_map, key);
  if (!text.has_value()) return report(env, text.error());
  if (invocation.html && *invocation.html != "-") {
    if (auto written = writeFile(*invocation.html, *text); !written.has_value()) {
      return report(env, written.error());
    }
    env.err << "wrote " << *invocation.html << " (" << text->size() << " bytes)\n";
    return kExitOk;
  }
  env.out << *text << std::flush;
  return kExitOk;
}

int runRequest(Request request, const Invocation& invocation, const std::string& ns, Session& env) {
  const std::string& name = invocation.names.front();
  auto view = fetch(env.client, ns, name);
  if (!view.has_value()) return report(env, view.error());
  auto patch = requestPatch(request, *view);
  if (!patch.has_value()) return report(env, patch.error());
  auto written = env.client.patchStatus(kube::resources::kModelDeployments.in(ns).named(name),
                                        kube::PatchType::kMerge, *patch);
  if (!written.has_value()) return report(env, explain(written.error(), ns, name));
  env.out << requestedText(request, *view) << "\n";
  return kExitOk;
}

// How a watched rollout stands: still going, or ended (and how).
std::optional<int> ended(const DeploymentView& view) {
  if (!view.observed()) return std::nullopt;
  if (view.status.phase == api::Phase::kSucceeded) return kExitOk;
  const api::Condition* stalled = view.condition("Stalled");
  if (view.status.phase == api::Phase::kFailed || (stalled && stalled->status == "True")) {
    return kExitDegraded;
  }
  return std::nullopt;
}

std::string eventKey(const EventLine& event) {
  return formatRfc3339(event.at) + "|" + event.reason + "|" + event.message + "|" +
         std::to_string(event.count);
}

// Draws frames in place: back to the first line of the previous frame, every line rewritten and
// cleared to its end, the rest of the screen cleared. A frame never exceeds the window's height,
// so moving up always reaches its first line.
class InPlaceScreen {
 public:
  explicit InPlaceScreen(std::ostream& out) : out_(out) {}

  void draw(const std::string& frame, const Terminal& terminal) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < frame.size()) {
      std::size_t end = frame.find('\n', start);
      if (end == std::string::npos) end = frame.size();
      lines.push_back(frame.substr(start, end - start));
      start = end + 1;
    }
    if (terminal.height > 1 && lines.size() > static_cast<std::size_t>(terminal.height - 1)) {
      lines.resize(static_cast<std::size_t>(terminal.height - 1));
    }
    std::string text;
    if (drawn_ > 0) text += "\x1b[" + std::to_string(drawn_) + "F";
    for (const auto& line : lines) text += fitToWidth(line, terminal.width) + "\x1b[K\n";
    text += "\x1b[J";
    out_ << text << std::flush;
    drawn_ = lines.size();
  }

 private:
  std::ostream& out_;
  std::size_t drawn_ = 0;
};

int runStatus(const Invocation& invocation, const std::string& ns, Session& env) {
  const std::string& name = invocation.names.front();
  GateHistory history;
  if (!invocation.watch) {
    auto view = fetch(env.client, ns, name);
    if (!view.has_value()) return report(env, view.error());
    history.observe(view->status);
    const Terminal terminal = env.terminal();
    env.out << renderStatus(*view, history, fetchEvents(env.client, ns, name), env.clock.now(),
                            {.color = terminal.color});
    return kExitOk;
  }

  const auto started = env.monotonic.now();
  InPlaceScreen screen(env.out);
  std::string last_key;
  std::string last_version;
  std::vector<EventLine> events;
  std::set<std::string> events_seen;
  bool first = true;
  std::string trouble;     // the last transient failure, shown until a poll succeeds
  std::string last_frame;  // shown again with the trouble under it
  while (true) {
    const Terminal terminal = env.terminal();
    auto view = fetch(env.client, ns, name);
    if (!view.has_value()) {
      if (!kube::isRetryable(view.error())) {
        if (view.error().code == ErrorCode::kNotFound && !first) {
          return report(
              env, {view.error().code,
                    "modeldeployment \"" + name + "\" was deleted from namespace \"" + ns + "\""});
        }
        return report(env, view.error());
      }
      trouble = view.error().message;
    } else {
      trouble.clear();
      history.observe(view->status);
      if (view->resource_version != last_version) {
        events = fetchEvents(env.client, ns, name);
        last_version = view->resource_version;
      }
      const Timestamp now = env.clock.now();
      if (terminal.is_tty) {
        std::string frame = renderStatus(*view, history, events, now, {.color = terminal.color});
        frame += "  watching, every " + formatDuration(env.poll_interval) + "; Ctrl-C stops\n";
        screen.draw(frame, terminal);
        last_frame = std::move(frame);
      } else {
        const StatusLine line = statusLine(*view);
        const std::string stamp = formatRfc3339(now);
        if (line.key != last_key) {
          env.out << stamp << " " << line.text << "\n";
          last_key = line.key;
        }
        for (const auto& event : events) {
          if (!events_seen.insert(eventKey(event)).second || first) continue;
          env.out << stamp << "   event " << event.type << " " << event.reason << ": "
                  << event.message << "\n";
        }
        env.out << std::flush;
      }
      first = false;
      if (auto code = ended(*view)) return *code;
    }
    if (!trouble.empty()) {
      if (terminal.is_tty) {
        screen.draw(last_frame + "  " + trouble + "; retrying\n", terminal);
      } else {
        env.err << "error: " << trouble << "; retrying\n";
      }
    }
    if (invocation.timeout && env.monotonic.now() - started >= *invocation.timeout) {
      env.err << "error: " << ns << "/" << name << " did not finish its rollout within "
              << formatDuration(*invocation.timeout) << "\n";
      return kExitTimeout;
    }
    env.sleep(env.poll_interval);
  }
}

}  // namespace

int run(const Invocation& invocation, const std::string& ns, Session& env) {
  if (!invocation.command) return kExitUsage;
  switch (*invocation.command) {
    case Command::kGet:
      return runGet(invocation, ns, env);
    case Command::kStatus:
      return runStatus(invocation, ns, env);
    case Command::kHistory:
      return runHistory(invocation, ns, env);
    case Command::kCard:
      return runCard(invocation, ns, env);
    case Command::kPromote:
      return runRequest(invocation.full ? Request::kPromoteFull : Request::kPromoteStep, invocation,
                        ns, env);
    case Command::kAbort:
      return runRequest(Request::kAbort, invocation, ns, env);
    case Command::kRetry:
      return runRequest(Request::kRetry, invocation, ns, env);
    case Command::kPause:
      return runRequest(Request::kPause, invocation, ns, env);
    case Command::kResume:
      return runRequest(Request::kResume, invocation, ns, env);
  }
  return kExitUsage;
}

}  // namespace aviary::cli
