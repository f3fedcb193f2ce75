#include "sidecar/runtime/xgboost/model_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "sidecar/runtime/xgboost/document.h"

namespace aviary::sidecar::xgboost {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

Result<const Value*> member(const Value& object, std::string_view key, std::string_view where) {
  const Value* found = object.find(key);
  if (found == nullptr) return invalid(fmt::format("{} has no \"{}\"", where, key));
  return found;
}

Result<const Value*> objectMember(const Value& object, std::string_view key,
                                  std::string_view where) {
  AVIARY_ASSIGN_OR_RETURN(const Value* found, member(object, key, where));
  if (found->kind != Value::Kind::kObject) {
    return invalid(fmt::format("\"{}\" in {} is not an object", key, where));
  }
  return found;
}

Result<std::string> stringMember(const Value& object, std::string_view key,
                                 std::string_view where) {
  AVIARY_ASSIGN_OR_RETURN(const Value* found, member(object, key, where));
  if (found->kind != Value::Kind::kString) {
    return invalid(fmt::format("\"{}\" in {} is not a string", key, where));
  }
  return found->text;
}

// XGBoost writes its parameters as strings of decimal integers ("num_feature": "8").
Result<std::size_t> countParam(const Value& object, std::string_view key, std::string_view where,
                               std::size_t max) {
  AVIARY_ASSIGN_OR_RETURN(std::string text, stringMember(object, key, where));
  std::size_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size()) {
    return invalid(fmt::format("\"{}\" in {} is not a count: '{}'", key, where, text));
  }
  if (count > max) {
    return invalid(fmt::format("\"{}\" in {} is {}, more than {}", key, where, count, max));
  }
  return count;
}

// The items of a number array, which must hold exactly `expected` of them (any length if
// expected is npos).
Result<std::span<const Number>> numbers(const Value& object, std::string_view key,
                                        std::string_view where,
                                        std::size_t expected = std::string_view::npos) {
  AVIARY_ASSIGN_OR_RETURN(const Value* found, member(object, key, where));
  if (found->kind != Value::Kind::kArray || !found->isNumberArray()) {
    return invalid(fmt::format("\"{}\" in {} is not an array of numbers", key, where));
  }
  if (expected != std::string_view::npos && found->numbers.size() != expected) {
    return invalid(fmt::format("\"{}\" in {} has {} items, not {}", key, where,
                               found->numbers.size(), expected));
  }
  return std::span<const Number>(found->numbers);
}

// Integers in [min, max].
Result<std::vector<std::int64_t>> integers(std::span<const Number> items, std::string_view key,
                                           std::string_view where, std::int64_t min,
                                           std::int64_t max) {
  std::vector<std::int64_t> out;
  out.reserve(items.size());
  for (const Number& item : items) {
    if (!item.integer || !(item.value >= static_cast<double>(min)) ||
        !(item.value <= static_cast<double>(max))) {
      return invalid(fmt::format("\"{}\" in {} holds {}, not an integer in [{}, {}]", key, where,
                                 item.value, min, max));
    }
    out.push_back(static_cast<std::int64_t>(item.value));
  }
  return out;
}

// "5E-1", "[5E-1]" or "[1E0,2E0]": the intercept as xgboost writes it (a vector since 3.1).
Result<std::vector<float>> parseBaseScore(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  std::string_view rest = trim(text);
  if (!rest.empty() && (rest.front() == '[' || rest.front() == '(')) {
    const char close = rest.front() == '[' ? ']' : ')';
    if (rest.back() != close) return invalid(fmt::format("base_score '{}' is malformed", text));
    rest = rest.substr(1, rest.size() - 2);
  }
  std::vector<float> out;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    float value = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || error != std::errc() || end != item.data() + item.size() ||
        !std::isfinite(value)) {
      return invalid(fmt::format("base_score '{}' is not a list of finite numbers", text));
    }
    out.push_back(value);
    if (out.size() > kMaxOutputs) return invalid("base_score has too many items");
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

Status readCategories(const Value& json, std::string_view where, std::size_t num_nodes, Tree& tree,
                      std::size_t& total_words) {
  tree.categorical.assign(num_nodes, 0);
  tree.category_begin.assign(num_nodes, 0);
  tree.category_size.assign(num_nodes, 0);
  if (json.find("split_type") == nullptr) return {};  // before categorical support
  AVIARY_ASSIGN_OR_RETURN(auto split_type_items, numbers(json, "split_type", where, num_nodes));
  AVIARY_ASSIGN_OR_RETURN(auto split_type, integers(split_type_items, "split_type", where, 0, 1));
  AVIARY_ASSIGN_OR_RETURN(auto nodes_items, numbers(json, "categories_nodes", where));
  AVIARY_ASSIGN_OR_RETURN(auto nodes, integers(nodes_items, "categories_nodes", where, 0,
                                               static_cast<std::int64_t>(num_nodes) - 1));
  AVIARY_ASSIGN_OR_RETURN(auto segment_items,
                          numbers(json, "categories_segments", where, nodes.size()));
  AVIARY_ASSIGN_OR_RETURN(auto size_items, numbers(json, "categories_sizes", where, nodes.size()));
  AVIARY_ASSIGN_OR_RETURN(auto category_items, numbers(json, "categories", where));
  const auto category_count = static_cast<std::int64_t>(category_items.size());
  AVIARY_ASSIGN_OR_RETURN(auto segments,
                          integers(segment_items, "categories_segments", where, 0, category_count));
  AVIARY_ASSIGN_OR_RETURN(auto sizes,
                          integers(size_items, "categories_sizes", where, 1, category_count));
  AVIARY_ASSIGN_OR_RETURN(auto categories, integers(category_items, "categories", where, 0,
                                                    static_cast<std::int64_t>(kMaxCategory) - 1));
  for (std::size_t i = 0; i < num_nodes; ++i) tree.categorical[i] = split_type[i] == 1;
  std::vector<std::uint8_t> seen(num_nodes, 0);
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const auto node = static_cast<std::size_t>(nodes[k]);
    if (!tree.categorical[node] || seen[node]) {
      return invalid(
          fmt::format("{}: categories_nodes names node {} twice or a numerical one", where, node));
    }
    seen[node] = 1;
    if (segments[k] + sizes[k] > category_count) {
      return invalid(fmt::format("{}: the categories of node {} run past the list", where, node));
    }
    std::int64_t max_category = 0;
    for (std::int64_t j = segments[k]; j < segments[k] + sizes[k]; ++j) {
      max_category = std::max(max_category, categories[j]);
    }
    const auto words = static_cast<std::size_t>(max_category / 32 + 1);
    total_words += words;
    if (total_words > kMaxCategoryWords) {
      return invalid(fmt::format("the category sets take more than {} words", kMaxCategoryWords));
    }
    tree.category_begin[node] = static_cast<std::uint32_t>(tree.category_words.size());
    tree.category_size[node] = static_cast<std::uint32_t>(words);
    tree.category_words.resize(tree.category_words.size() + words, 0);
    std::uint32_t* bits = tree.category_words.data() + tree.category_begin[node];
    for (std::int64_t j = segments[k]; j < segments[k] + sizes[k]; ++j) {
      bits[categories[j] / 32] |= std::uint32_t{1} << (categories[j] % 32);
    }
  }
  // A categorical node without a set sends every row left, as xgboost does; nothing to store.
  return {};
}

Result<Tree> readTree(const Value& json, std::size_t index, std::size_t num_features,
                      std::size_t& total_nodes, std::size_t& total_words) {
  const std::string where = fmt::format("tree {}", index);
  if (json.kind != Value::Kind::kObject) return invalid(where + " is not an object");
  AVIARY_ASSIGN_OR_RETURN(const Value* param, objectMember(json, "tree_param", where));
  if (param->find("size_leaf_vector") != nullptr) {
    AVIARY_ASSIGN_OR_RETURN(std::size_t leaf_vector,
                            countParam(*param, "size_leaf_vector", where, kMaxOutputs));
    if (leaf_vector > 1) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} has vector leaves (multi_strategy \"multi_output_tree\"), which "
                              "this runtime does not evaluate",
                              where));
    }
  }
  AVIARY_ASSIGN_OR_RETURN(std::size_t num_nodes,
                          countParam(*param, "num_nodes", where, kMaxTreeNodes));
  if (num_nodes == 0) return invalid(where + " has no nodes");
  total_nodes += num_nodes;
  if (total_nodes > kMaxTreeNodes) {
    return invalid(fmt::format("the trees have more than {} nodes", kMaxTreeNodes));
  }
  const auto last = static_cast<std::int64_t>(num_nodes) - 1;
  AVIARY_ASSIGN_OR_RETURN(auto left_items, numbers(json, "left_children", where, num_nodes));
  AVIARY_ASSIGN_OR_RETURN(auto left, integers(left_items, "left_children", where, -1, last));
  AVIARY_ASSIGN_OR_RETURN(auto right_items, numbers(json, "right_children", where, num_nodes));
  AVIARY_ASSIGN_OR_RETURN(auto right, integers(right_items, "right_children", where, -1, last));
  AVIARY_ASSIGN_OR_RETURN(auto feature_items, numbers(json, "split_indices", where, num_nodes));
  AVIARY_ASSIGN_OR_RETURN(auto features, integers(feature_items, "split_indices", where, 0,
                                                  std::numeric_limits<std::int32_t>::max()));
  AVIARY_ASSIGN_OR_RETURN(auto conditions, numbers(json, "split_conditions", where, num_nodes));
  AVIARY_ASSIGN_OR_RETURN(auto default_items, numbers(json, "default_left", where, num_nodes));
  AVIARY_ASSIGN_OR_RETURN(auto default_left, integers(default_items, "default_left", where, 0, 1));

  Tree tree;
  tree.left.resize(num_nodes);
  tree.right.resize(num_nodes);
  tree.feature.resize(num_nodes);
  tree.value.resize(num_nodes);
  tree.default_left.resize(num_nodes);
  for (std::size_t i = 0; i < num_nodes; ++i) {
    tree.left[i] = static_cast<std::int32_t>(left[i]);
    tree.right[i] = static_cast<std::int32_t>(right[i]);
    tree.feature[i] = static_cast<std::uint32_t>(features[i]);
    tree.value[i] = conditions[i].f32;
    tree.default_left[i] = static_cast<std::uint8_t>(default_left[i]);
    const bool leaf = left[i] == -1;
    if (leaf != (right[i] == -1)) {
      return invalid(fmt::format("{}: node {} has one child", where, i));
    }
    if (!leaf && tree.feature[i] >= num_features) {
      return invalid(fmt::format("{}: node {} splits on feature {} of {}", where, i,
                                 tree.feature[i], num_features));
    }
  }
  AVIARY_RETURN_IF_ERROR(readCategories(json, where, num_nodes, tree, total_words));
  return tree;
}

Result<std::array<int, 3>> readVersion(const Value& root) {
  const Value* version = root.find("version");
  if (version == nullptr) return std::array<int, 3>{1, 0, 0};
  if (!version->isNumberArray() || version->numbers.size() != 3) {
    return invalid("\"version\" is not [major, minor, patch]");
  }
  std::array<int, 3> out{};
  for (std::size_t i = 0; i < 3; ++i) {
    const Number& part = version->numbers[i];
    if (!part.integer || part.value < 0 || part.value > 1000) {
      return invalid("\"version\" is not [major, minor, patch]");
    }
    out[i] = static_cast<int>(part.value);
  }
  return out;
}

}  // namespace

Result<Model> readModel(std::span<const std::byte> bytes) {
  AVIARY_ASSIGN_OR_RETURN(Value root, readDocument(bytes));
  Model model;
  AVIARY_ASSIGN_OR_RETURN(model.version, readVersion(root));
  AVIARY_ASSIGN_OR_RETURN(const Value* learner, objectMember(root, "learner", "the model"));
  AVIARY_ASSIGN_OR_RETURN(const Value* params,
                          objectMember(*learner, "learner_model_param", "learner"));
  AVIARY_ASSIGN_OR_RETURN(model.num_features,
                          countParam(*params, "num_feature", "learner_model_param", kMaxFeatures));
  if (model.num_features == 0) return invalid("the model has no features");
  AVIARY_ASSIGN_OR_RETURN(std::size_t num_class,
                          countParam(*params, "num_class", "learner_model_param", kMaxOutputs));
  std::size_t num_target = 1;
  if (params->find("num_target") != nullptr) {
    AVIARY_ASSIGN_OR_RETURN(num_target,
                            countParam(*params, "num_target", "learner_model_param", kMaxOutputs));
  }
  model.num_outputs = std::max({num_class, num_target, std::size_t{1}});
  AVIARY_ASSIGN_OR_RETURN(std::string base_text,
                          stringMember(*params, "base_score", "learner_model_param"));
  AVIARY_ASSIGN_OR_RETURN(model.base_score, parseBaseScore(base_text));
  if (model.base_score.size() == 1) {
    model.base_score.resize(model.num_outputs, model.base_score[0]);
  } else if (model.base_score.size() != model.num_outputs) {
    return invalid(fmt::format("base_score has {} items for {} outputs", model.base_score.size(),
                               model.num_outputs));
  }

  AVIARY_ASSIGN_OR_RETURN(const Value* objective, objectMember(*learner, "objective", "learner"));
  AVIARY_ASSIGN_OR_RETURN(model.objective, stringMember(*objective, "name", "objective"));

  if (const Value* names = learner->find("feature_names"); names != nullptr) {
    if (names->kind != Value::Kind::kArray) return invalid("feature_names is not an array");
    for (const Value& name : names->items) {
      if (name.kind != Value::Kind::kString) return invalid("feature_names holds a non-string");
      model.feature_names.push_back(name.text);
    }
    if (!names->numbers.empty()) return invalid("feature_names holds a non-string");
    if (!model.feature_names.empty() && model.feature_names.size() != model.num_features) {
      return invalid(fmt::format("the model names {} features but has {}",
                                 model.feature_names.size(), model.num_features));
    }
  }

  AVIARY_ASSIGN_OR_RETURN(const Value* booster,
                          objectMember(*learner, "gradient_booster", "learner"));
  AVIARY_ASSIGN_OR_RETURN(std::string booster_name,
                          stringMember(*booster, "name", "gradient_booster"));
  const Value* gbtree = booster;
  if (booster_name == "dart") {
    AVIARY_ASSIGN_OR_RETURN(gbtree, objectMember(*booster, "gbtree", "the dart booster"));
  } else if (booster_name != "gbtree") {
    return fail(
        ErrorCode::kInvalidArgument,
        fmt::format("booster \"{}\" is not supported (only gbtree and dart)", booster_name));
  }
  AVIARY_ASSIGN_OR_RETURN(const Value* trees_model,
                          objectMember(*gbtree, "model", "the gbtree booster"));
  AVIARY_ASSIGN_OR_RETURN(const Value* tree_params,
                          objectMember(*trees_model, "gbtree_model_param", "the gbtree model"));
  AVIARY_ASSIGN_OR_RETURN(std::size_t num_trees, countParam(*tree_params, "num_trees",
                                                            "gbtree_model_param", kMaxTreeNodes));
  AVIARY_ASSIGN_OR_RETURN(const Value* trees, member(*trees_model, "trees", "the gbtree model"));
  if (trees->kind != Value::Kind::kArray || !trees->numbers.empty() ||
      trees->items.size() != num_trees) {
    return invalid(fmt::format("the gbtree model does not hold {} trees", num_trees));
  }
  AVIARY_ASSIGN_OR_RETURN(auto info_items,
                          numbers(*trees_model, "tree_info", "the gbtree model", num_trees));
  AVIARY_ASSIGN_OR_RETURN(auto info, integers(info_items, "tree_info", "the gbtree model", 0,
                                              static_cast<std::int64_t>(model.num_outputs) - 1));
  for (const std::int64_t output : info) {
    model.tree_output.push_back(static_cast<std::uint32_t>(output));
  }
  std::size_t total_nodes = 0;
  std::size_t total_words = 0;
  model.trees.reserve(num_trees);
  for (std::size_t i = 0; i < num_trees; ++i) {
    AVIARY_ASSIGN_OR_RETURN(
        Tree tree, readTree(trees->items[i], i, model.num_features, total_nodes, total_words));
    model.trees.push_back(std::move(tree));
  }
  if (booster_name == "dart") {
    AVIARY_ASSIGN_OR_RETURN(auto weights,
                            numbers(*booster, "weight_drop", "the dart booster", num_trees));
    for (const Number& weight : weights) {
      if (!std::isfinite(weight.f32)) return invalid("a dart tree weight is not finite");
      model.tree_weight.push_back(weight.f32);
    }
  }
  return model;
}

}  // namespace aviary::sidecar::xgboost
