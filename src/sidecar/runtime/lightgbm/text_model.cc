#include "sidecar/runtime/lightgbm/text_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace aviary::sidecar::lightgbm {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

// A piece of the file for an error message: at most 60 bytes, printable ASCII only, quoted.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, 60)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > 60) out += "...";
  return out + "\"";
}

class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {}

  bool done() const { return rest_.empty(); }

  // The next line without its "\n" or "\r\n"; empty at the end.
  std::string_view peek() const {
    std::string_view line = rest_.substr(0, rest_.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  void pop() {
    const std::size_t end = rest_.find('\n');
    rest_ = end == std::string_view::npos ? std::string_view() : rest_.substr(end + 1);
  }

  void skipBlank() {
    while (!done() && peek().empty()) pop();
  }

 private:
  std::string_view rest_;
};

// "key=value" lines of one section; a key may appear once.
using Fields = std::map<std::string_view, std::string_view>;

Status addField(Fields& fields, std::string_view line, std::string_view where) {
  const std::size_t eq = line.find('=');
  const std::string_view key = line.substr(0, eq);
  const std::string_view value = eq == std::string_view::npos ? "" : line.substr(eq + 1);
  if (!fields.emplace(key, value).second) {
    return invalid(fmt::format("{}: key {} appears twice", where, quoted(key)));
  }
  return {};
}

std::optional<std::string_view> field(const Fields& fields, std::string_view key) {
  const auto it = fields.find(key);
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

Status onlyKnownKeys(const Fields& fields, std::initializer_list<std::string_view> known,
                     std::string_view where) {
  for (const auto& [key, value] : fields) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return invalid(fmt::format("{}: unsupported key {}", where, quoted(key)));
    }
  }
  return {};
}

// One number, all of `token`; doubles are correctly rounded (as LightGBM reads thresholds and
// leaf values) and may be "inf", "-inf" or "nan".
template <typename T>
Result<T> parseNumber(std::string_view token, std::string_view what) {
  T value{};
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end || token.empty()) {
    return invalid(fmt::format("{}: {} is not a number of the expected kind", what, quoted(token)));
  }
  return value;
}

Result<int> parseInt(std::string_view token, std::string_view what, int min, int max) {
  AVIARY_ASSIGN_OR_RETURN(const int value, parseNumber<int>(token, what));
  if (value < min || value > max) {
    return invalid(fmt::format("{}: {} is outside [{}, {}]", what, value, min, max));
  }
  return value;
}

template <typename T>
Result<std::vector<T>> parseArray(const Fields& fields, std::string_view key, std::size_t count,
                                  std::string_view where) {
  const auto value = field(fields, key);
  const std::string what = fmt::format("{}: {}", where, key);
  if (!value) return invalid(what + " is missing");
  const auto tokens = splitSpaces(*value);
  if (tokens.size() != count) {
    return invalid(fmt::format("{} has {} values, expected {}", what, tokens.size(), count));
  }
  std::vector<T> out;
  out.reserve(count);
  for (std::string_view token : tokens) {
    AVIARY_ASSIGN_OR_RETURN(T number, parseNumber<T>(token, what));
    out.push_back(number);
  }
  return out;
}

Status checkChildren(const TextTree& tree, std::string_view where) {
  const int internal = tree.num_leaves - 1;
  std::vector<char> node_seen(static_cast<std::size_t>(internal), 0);
  std::vector<char> leaf_seen(static_cast<std::size_t>(tree.num_leaves), 0);
  for (int node = 0; node < internal; ++node) {
    for (int child : {tree.left_child[node], tree.right_child[node]}) {
      if (child >= 0) {
        // LightGBM numbers a node after its parent, so a child > its parent; this also rules
        // out cycles.
        if (child <= node || child >= internal || node_seen[child]++) {
          return invalid(fmt::format("{}: node {} has child {}, which does not make a tree", where,
                                     node, child));
        }
      } else {
        const int leaf = ~child;
        if (leaf >= tree.num_leaves || leaf_seen[leaf]++) {
          return invalid(
              fmt::format("{}: node {} has leaf child {} (leaf {}), which does not "
                          "make a tree",
                          where, node, child, leaf));
        }
      }
    }
  }
  const bool all_nodes = std::count(node_seen.begin(), node_seen.end(), 1) == internal - 1;
  const bool all_leaves = std::count(leaf_seen.begin(), leaf_seen.end(), 1) == tree.num_leaves;
  if (!all_nodes || !all_leaves) {
    return invalid(fmt::format("{}: some nodes or leaves are not reachable from the root", where));
  }
  return {};
}

Status checkSplits(const TextTree& tree, int max_feature_idx, std::string_view where) {
  int categorical = 0;
  for (int node = 0; node + 1 < tree.num_leaves; ++node) {
    const int feature = tree.split_feature[node];
    if (feature < 0 || feature > max_feature_idx) {
      return invalid(fmt::format("{}: node {} splits on feature {}, but the model has {}", where,
                                 node, feature, max_feature_idx + 1));
    }
    const std::int8_t type = tree.decision_type[node];
    if (type < 0 || type > 15 || ((type >> 2) & 3) == 3) {
      return invalid(fmt::format("{}: node {} has unknown decision_type {}", where, node,
                                 static_cast<int>(type)));
    }
    if ((type & kCategoricalBit) == 0) continue;
    ++categorical;
    const double index = tree.threshold[node];
    if (!(index >= 0 && index < tree.num_cat && index == std::floor(index))) {
      return invalid(fmt::format("{}: categorical node {} names bitset {} of {}", where, node,
                                 index, tree.num_cat));
    }
  }
  if (categorical > 0 && tree.num_cat == 0) {
    return invalid(fmt::format("{}: categorical splits but num_cat=0", where));
  }
  return {};
}

Status checkCategories(const TextTree& tree, std::string_view where) {
  const auto& bounds = tree.cat_boundaries;
  if (bounds.front() != 0) return invalid(fmt::format("{}: cat_boundaries must start at 0", where));
  for (std::size_t i = 1; i < bounds.size(); ++i) {
    if (bounds[i] < bounds[i - 1]) {
      return invalid(fmt::format("{}: cat_boundaries must not decrease", where));
    }
  }
  return {};
}

Result<TextTree> readTree(const Fields& fields, const TextModel& model, std::string_view where) {
  AVIARY_RETURN_IF_ERROR(onlyKnownKeys(
      fields,
      {"num_leaves",    "num_cat",        "split_feature",   "split_gain",     "threshold",
       "decision_type", "left_child",     "right_child",     "leaf_value",     "leaf_weight",
       "leaf_count",    "internal_value", "internal_weight", "internal_count", "cat_boundaries",
       "cat_threshold", "is_linear",      "shrinkage",       "leaf_const",     "num_features",
       "leaf_features", "leaf_coeff"},
      where));
  const auto linear = field(fields, "is_linear");
  if ((linear && *linear != "0") || field(fields, "leaf_coeff") || field(fields, "leaf_const")) {
    return fail(
        ErrorCode::kInvalidArgument,
        fmt::format("{}: linear trees (linear_tree=true, is_linear=1) are not supported", where));
  }
  TextTree tree;
  const auto num_leaves = field(fields, "num_leaves");
  if (!num_leaves) return invalid(fmt::format("{}: num_leaves is missing", where));
  AVIARY_ASSIGN_OR_RETURN(
      tree.num_leaves, parseInt(*num_leaves, fmt::format("{}: num_leaves", where), 1, kMaxLeaves));
  const auto num_cat = field(fields, "num_cat");
  if (!num_cat) return invalid(fmt::format("{}: num_cat is missing", where));
  AVIARY_ASSIGN_OR_RETURN(
      tree.num_cat, parseInt(*num_cat, fmt::format("{}: num_cat", where), 0, tree.num_leaves - 1));
  const auto leaves = static_cast<std::size_t>(tree.num_leaves);
  AVIARY_ASSIGN_OR_RETURN(tree.leaf_value, parseArray<double>(fields, "leaf_value", leaves, where));
  if (tree.num_leaves == 1) return tree;  // a constant tree: LightGBM reads nothing else

  const std::size_t nodes = leaves - 1;
  AVIARY_ASSIGN_OR_RETURN(tree.split_feature,
                          parseArray<int>(fields, "split_feature", nodes, where));
  AVIARY_ASSIGN_OR_RETURN(tree.threshold, parseArray<double>(fields, "threshold", nodes, where));
  AVIARY_ASSIGN_OR_RETURN(tree.left_child, parseArray<int>(fields, "left_child", nodes, where));
  AVIARY_ASSIGN_OR_RETURN(tree.right_child, parseArray<int>(fields, "right_child", nodes, where));
  if (field(fields, "decision_type")) {
    AVIARY_ASSIGN_OR_RETURN(const auto types,
                            parseArray<int>(fields, "decision_type", nodes, where));
    for (int type : types) {
      tree.decision_type.push_back(static_cast<std::int8_t>(std::clamp(type, -1, 127)));
    }
  } else {
    tree.decision_type.assign(nodes, 0);
  }
  if (tree.num_cat > 0) {
    AVIARY_ASSIGN_OR_RETURN(tree.cat_boundaries,
                            parseArray<int>(fields, "cat_boundaries",
                                            static_cast<std::size_t>(tree.num_cat) + 1, where));
    AVIARY_RETURN_IF_ERROR(checkCategories(tree, where));
    AVIARY_ASSIGN_OR_RETURN(
        tree.cat_threshold,
        parseArray<std::uint32_t>(fields, "cat_threshold",
                                  static_cast<std::size_t>(tree.cat_boundaries.back()), where));
  }
  AVIARY_RETURN_IF_ERROR(checkSplits(tree, model.max_feature_idx, where));
  AVIARY_RETURN_IF_ERROR(checkChildren(tree, where));
  return tree;
}

Status readHeader(const Fields& header, TextModel& model) {
  AVIARY_RETURN_IF_ERROR(
      onlyKnownKeys(header,
                    {"version", "num_class", "num_tree_per_iteration", "label_index",
                     "max_feature_idx", "objective", "average_output", "feature_names",
                     "monotone_constraints", "feature_infos", "tree_sizes"},
                    "header"));
  const auto version = field(header, "version");
  if (!version) return invalid("header: version is missing");
  if (*version != "v4") {
    return invalid(fmt::format("header: version {} is not supported (only v4, lightgbm 4.x)",
                               quoted(*version)));
  }
  const auto num_class = field(header, "num_class");
  if (!num_class) return invalid("header: num_class is missing");
  AVIARY_ASSIGN_OR_RETURN(model.num_class,
                          parseInt(*num_class, "header: num_class", 1, kMaxTreesPerIteration));
  model.num_tree_per_iteration = model.num_class;
  if (const auto per_iteration = field(header, "num_tree_per_iteration")) {
    AVIARY_ASSIGN_OR_RETURN(
        model.num_tree_per_iteration,
        parseInt(*per_iteration, "header: num_tree_per_iteration", 1, kMaxTreesPerIteration));
  }
  const auto max_feature_idx = field(header, "max_feature_idx");
  if (!max_feature_idx) return invalid("header: max_feature_idx is missing");
  AVIARY_ASSIGN_OR_RETURN(
      model.max_feature_idx,
      parseInt(*max_feature_idx, "header: max_feature_idx", 0, kMaxFeatures - 1));
  if (const auto objective = field(header, "objective")) {
    model.has_objective = true;
    model.objective = std::string(*objective);
  }
  if (const auto average = field(header, "average_output")) {
    if (!average->empty()) return invalid("header: average_output takes no value");
    model.average_output = true;
  }
  const auto names = field(header, "feature_names");
  if (!names) return invalid("header: feature_names is missing");
  for (std::string_view name : splitSpaces(*names)) model.feature_names.emplace_back(name);
  if (model.feature_names.size() != model.numFeatures()) {
    return invalid(fmt::format("header: {} feature_names for max_feature_idx={}",
                               model.feature_names.size(), model.max_feature_idx));
  }
  return {};
}

// LightGBM writes "[linear_tree: 1]" among the parameters of a model with linear trees.
Status checkParameters(Lines& lines) {
  bool in_parameters = false;
  for (; !lines.done(); lines.pop()) {
    const std::string_view line = lines.peek();
    if (line == "parameters:") {
      in_parameters = true;
    } else if (line == "end of parameters") {
      in_parameters = false;
    } else if (in_parameters && line.starts_with("[linear_tree: ") && line != "[linear_tree: 0]") {
      return invalid("parameters: linear trees (linear_tree=true) are not supported");
    }
  }
  return {};
}

}  // namespace

std::vector<std::string_view> splitSpaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) tokens.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

Result<TextModel> readTextModel(std::string_view text) {
  Lines lines(text);
  if (lines.peek() != "tree") {
    return invalid("not a LightGBM text model: the first line is not \"tree\"");
  }
  lines.pop();

  Fields header;
  for (lines.skipBlank(); !lines.done(); lines.skipBlank()) {
    const std::string_view line = lines.peek();
    if (line.starts_with("Tree=") || line == "end of trees") break;
    AVIARY_RETURN_IF_ERROR(addField(header, line, "header"));
    lines.pop();
  }
  TextModel model;
  AVIARY_RETURN_IF_ERROR(readHeader(header, model));

  while (lines.peek().starts_with("Tree=")) {
    const std::string where = fmt::format("tree {}", model.trees.size());
    const auto index = parseNumber<std::size_t>(lines.peek().substr(5), where);
    if (!index || *index != model.trees.size()) {
      return invalid(fmt::format("{}: its line is {}", where, quoted(lines.peek())));
    }
    lines.pop();
    Fields fields;
    for (; !lines.done() && !lines.peek().empty(); lines.pop()) {
      if (lines.peek().find('=') == std::string_view::npos) {
        return invalid(fmt::format("{}: line {} is not key=value", where, quoted(lines.peek())));
      }
      AVIARY_RETURN_IF_ERROR(addField(fields, lines.peek(), where));
    }
    AVIARY_ASSIGN_OR_RETURN(TextTree tree, readTree(fields, model, where));
    model.trees.push_back(std::move(tree));
    lines.skipBlank();
  }
  if (lines.done()) return invalid("truncated: there is no \"end of trees\" line");
  if (lines.peek() != "end of trees") {
    return invalid(
        fmt::format("expected a tree or \"end of trees\", found {}", quoted(lines.peek())));
  }
  lines.pop();
  AVIARY_RETURN_IF_ERROR(checkParameters(lines));

  if (model.trees.empty()) return invalid("the model has no trees");
  const auto per_iteration = static_cast<std::size_t>(model.num_tree_per_iteration);
  if (model.trees.size() % per_iteration != 0) {
    return invalid(fmt::format("{} trees are not a whole number of iterations of {}",
                               model.trees.size(), per_iteration));
  }
  if (const auto sizes = field(header, "tree_sizes")) {
    if (const std::size_t listed = splitSpaces(*sizes).size(); listed != model.trees.size()) {
      return invalid(fmt::format("header: tree_sizes lists {} trees, the file has {}", listed,
                                 model.trees.size()));
    }
  }
  return model;
}

}  // namespace aviary::sidecar::lightgbm
