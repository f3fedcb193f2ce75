#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kube/client.h"

namespace aviary::kube {

// A parsed label selector, as kubectl writes them: "a=b", "a==b", "a!=b", "a", "!a", "a in (x,y)",
// "a notin (x,y)", comma-separated and all required. The empty selector matches everything.
class LabelSelector {
 public:
  static Result<LabelSelector> parse(std::string_view text);
  bool matches(const Json& labels) const;  // `labels` is metadata.labels (may be null)

 private:
  enum class Op { kEquals, kNotEquals, kExists, kNotExists, kIn, kNotIn };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

// Field selectors the API server supports on every resource, metadata.name and metadata.namespace,
// and those it supports on Events (involvedObject.kind/name/namespace/uid, reason, type), with
// = / == / !=. Any other field is InvalidArgument, as the API server refuses it.
Result<bool> matchesFieldSelector(std::string_view selector, const Json& object);

}  // namespace aviary::kube
