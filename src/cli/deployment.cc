#include "cli/deployment.h"

#include <algorithm>

#include "api/defaults.h"
#include "api/json.h"
#include "common/time_format.h"

namespace aviary::cli {
namespace {

using nlohmann::json;

std::string stringAt(const json& object, const json::json_pointer& pointer) {
  if (!object.contains(pointer)) return "";
  const json& value = object.at(pointer);
  return value.is_string() ? value.get<std::string>() : "";
}

std::optional<Timestamp> timeAt(const json& object, const json::json_pointer& pointer) {
  std::string text = stringAt(object, pointer);
  if (text.empty()) return std::nullopt;
  auto parsed = parseRfc3339(text);
  if (!parsed.has_value()) return std::nullopt;
  return *parsed;
}

}  // namespace

bool DeploymentView::rolling() const {
  return !status.canary_revision.empty() &&
         (status.phase == api::Phase::kProgressing || status.phase == api::Phase::kPaused);
}

const api::Condition* DeploymentView::condition(const std::string& type) const {
  for (const auto& condition : status.conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

DeploymentView deploymentView(const json& object) {
  DeploymentView view;
  view.name = stringAt(object, "/metadata/name"_json_pointer);
  view.ns = stringAt(object, "/metadata/namespace"_json_pointer);
  view.resource_version = stringAt(object, "/metadata/resourceVersion"_json_pointer);
  view.created = timeAt(object, "/metadata/creationTimestamp"_json_pointer);
  if (object.contains("metadata") && object["metadata"].is_object()) {
    const json& generation = object["metadata"].value("generation", json());
    if (generation.is_number_integer()) view.generation = generation.get<std::int64_t>();
  }
  if (object.contains("spec") && object["spec"].is_object()) {
    view.spec = api::parseSpec(object["spec"]).spec;
  }
  api::applyDefaults(view.spec);
  if (object.contains("status") && object["status"].is_object()) {
    auto status = api::statusFromJson(object["status"]);
    if (status.has_value()) {
      view.status = std::move(*status);
      view.has_status = true;
    } else {
      view.status_problem = status.error().message;
    }
  }
  return view;
}

std::vector<EventLine> eventLines(const json& list) {
  std::vector<EventLine> lines;
  if (!list.contains("items") || !list["items"].is_array()) return lines;
  for (const json& item : list["items"]) {
    if (!item.is_object()) continue;
    EventLine line;
    // Events written through events.k8s.io carry series and eventTime; the core view maps them
    // onto lastTimestamp when it can.
    for (const auto* pointer : {"/series/lastObservedTime", "/lastTimestamp", "/eventTime",
                                "/firstTimestamp", "/metadata/creationTimestamp"}) {
      if (auto at = timeAt(item, json::json_pointer(pointer))) {
        line.at = *at;
        break;
      }
    }
    line.type = stringAt(item, "/type"_json_pointer);
    line.reason = stringAt(item, "/reason"_json_pointer);
    line.message = stringAt(item, "/message"_json_pointer);
    std::replace(line.message.begin(), line.message.end(), '\n', ' ');
    if (item.contains("series") && item["series"].is_object() &&
        item["series"].value("count", json()).is_number_integer()) {
      line.count = item["series"]["count"].get<int>();
    } else if (item.value("count", json()).is_number_integer()) {
      line.count = item["count"].get<int>();
    }
    lines.push_back(std::move(line));
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const EventLine& a, const EventLine& b) { return a.at < b.at; });
  return lines;
}

}  // namespace aviary::cli
