#include "cli/card.h"

#include <algorithm>
#include <vector>

namespace aviary::cli {
namespace {

// The history's revisions, newest first, each once (a retried revision ends more than once).
std::vector<std::string> revisionsNewestFirst(const DeploymentView& view) {
  std::vector<std::string> revisions;
  const auto& history = view.status.history;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (std::find(revisions.begin(), revisions.end(), it->revision) == revisions.end()) {
      revisions.push_back(it->revision);
    }
  }
  return revisions;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Result<std::string> cardRevision(const DeploymentView& view, std::string_view wanted) {
  const std::string key = view.ns + "/" + view.name;
  const std::vector<std::string> revisions = revisionsNewestFirst(view);
  if (revisions.empty()) {
    return fail(ErrorCode::kNotFound, key + " has no finished rollout yet, so no card");
  }
  if (wanted.empty()) return revisions.front();
  std::vector<std::string> matches;
  for (const auto& revision : revisions) {
    if (revision == wanted) return revision;
    if (revision.starts_with(wanted)) matches.push_back(revision);
  }
  if (matches.size() == 1) return matches.front();
  const std::string quoted = "\"" + std::string(wanted) + "\"";
  const std::string cards = "; the revisions with cards: " + joined(revisions);
  if (matches.empty()) {
    return fail(ErrorCode::kNotFound,
                "no revision " + quoted + " in the history of " + key + cards);
  }
  return fail(ErrorCode::kNotFound, "revision " + quoted + " is ambiguous in the history of " +
                                        key + " (" + joined(matches) + ")" + cards);
}

Result<std::string> cardData(const nlohmann::json& config_map, std::string_view key) {
  const auto name_pointer = "/metadata/name"_json_pointer;
  const std::string name = config_map.contains(name_pointer) && config_map[name_pointer].is_string()
                               ? config_map[name_pointer].get<std::string>()
                               : "";
  const auto value_pointer = nlohmann::json::json_pointer("/data") / std::string(key);
  if (!config_map.contains(value_pointer) || !config_map[value_pointer].is_string()) {
    return fail(ErrorCode::kNotFound,
                "configmap \"" + name + "\" has no key \"" + std::string(key) + "\"");
  }
  return config_map[value_pointer].get<std::string>();
}

}  // namespace aviary::cli
