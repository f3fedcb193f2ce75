#include "kube/selector.h"

#include <algorithm>

namespace aviary::kube {
namespace {

std::string trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

// Splits on commas outside parentheses.
std::vector<std::string> splitTerms(std::string_view text) {
  std::vector<std::string> terms;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      std::string term = trim(text.substr(start, i - start));
      if (!term.empty()) terms.push_back(term);
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return terms;
}

}  // namespace

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  for (const std::string& term : splitTerms(text)) {
    Requirement requirement;
    std::size_t paren = term.find('(');
    if (paren != std::string::npos) {
      std::string head = trim(std::string_view(term).substr(0, paren));
      std::size_t space = head.rfind(' ');
      if (space == std::string::npos || term.back() != ')') {
        return fail(ErrorCode::kInvalidArgument, "cannot read \"" + term + "\"");
      }
      requirement.key = trim(std::string_view(head).substr(0, space));
      std::string op = trim(std::string_view(head).substr(space + 1));
      if (op == "in") {
        requirement.op = Op::kIn;
      } else if (op == "notin") {
        requirement.op = Op::kNotIn;
      } else {
        return fail(ErrorCode::kInvalidArgument,
                    "unknown operator \"" + op + "\" in \"" + term + "\"");
      }
      std::string inner = term.substr(paren + 1, term.size() - paren - 2);
      for (auto& value : splitTerms(inner)) requirement.values.push_back(value);
    } else if (auto at = term.find("!="); at != std::string::npos) {
      requirement = {trim(term.substr(0, at)), Op::kNotEquals, {trim(term.substr(at + 2))}};
    } else if (auto at2 = term.find("=="); at2 != std::string::npos) {
      requirement = {trim(term.substr(0, at2)), Op::kEquals, {trim(term.substr(at2 + 2))}};
    } else if (auto at1 = term.find('='); at1 != std::string::npos) {
      requirement = {trim(term.substr(0, at1)), Op::kEquals, {trim(term.substr(at1 + 1))}};
    } else if (term.front() == '!') {
      requirement = {trim(term.substr(1)), Op::kNotExists, {}};
    } else {
      requirement = {term, Op::kExists, {}};
    }
    if (requirement.key.empty())
      return fail(ErrorCode::kInvalidArgument, "empty key in \"" + term + "\"");
    selector.requirements_.push_back(std::move(requirement));
  }
  return selector;
}

bool LabelSelector::matches(const Json& labels) const {
  for (const auto& requirement : requirements_) {
    bool has = labels.is_object() && labels.contains(requirement.key);
    std::string value = has && labels[requirement.key].is_string()
                            ? labels[requirement.key].get<std::string>()
                            : "";
    auto listed = [&] {
      return std::find(requirement.values.begin(), requirement.values.end(), value) !=
             requirement.values.end();
    };
    switch (requirement.op) {
      case Op::kEquals:
        if (!has || value != requirement.values[0]) return false;
        break;
      case Op::kNotEquals:
        if (has && value == requirement.values[0]) return false;
        break;
      case Op::kExists:
        if (!has) return false;
        break;
      case Op::kNotExists:
        if (has) return false;
        break;
      case Op::kIn:
        if (!has || !listed()) return false;
        break;
      case Op::kNotIn:
        if (has && listed()) return false;
        break;
    }
  }
  return true;
}

namespace {

// The fields the API server also selects Events on (core/v1; events.k8s.io/v1 maps regarding.*
// onto them).
bool isEventField(const std::string& field) {
  return field == "involvedObject.kind" || field == "involvedObject.name" ||
         field == "involvedObject.namespace" || field == "involvedObject.uid" ||
         field == "reason" || field == "type";
}

// The string at a dotted path ("involvedObject.name"); "" when absent or not a string.
std::string stringAtPath(const Json& object, const std::string& path) {
  const Json* at = &object;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('.', start);
    if (end == std::string::npos) end = path.size();
    const std::string key = path.substr(start, end - start);
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
    start = end + 1;
  }
  return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

Result<bool> matchesFieldSelector(std::string_view selector, const Json& object) {
  const Json& metadata = object.contains("metadata") ? object["metadata"] : Json::object();
  for (const std::string& term : splitTerms(selector)) {
    bool negate = term.find("!=") != std::string::npos;
    std::size_t at = term.find(negate ? "!=" : "=");
    if (at == std::string::npos)
      return fail(ErrorCode::kInvalidArgument, "cannot read \"" + term + "\"");
    std::string field = trim(term.substr(0, at));
    std::size_t value_at = at + (negate ? 2 : (term.compare(at, 2, "==") == 0 ? 2 : 1));
    std::string want = trim(term.substr(value_at));
    std::string have;
    if (field == "metadata.name") {
      have = metadata.value("name", "");
    } else if (field == "metadata.namespace") {
      have = metadata.value("namespace", "");
    } else if (isEventField(field)) {
      have = stringAtPath(object, field);
    } else {
      return fail(ErrorCode::kInvalidArgument,
                  "field selector on \"" + field + "\" is not supported");
    }
    if ((have == want) == negate) return false;
  }
  return true;
}

}  // namespace aviary::kube
