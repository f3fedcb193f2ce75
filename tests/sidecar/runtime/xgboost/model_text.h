#pragma once

#include <fmt/format.h>

#include <string>

// Small hand-written XGBoost JSON models for the tests of src/sidecar/runtime/xgboost.
namespace aviary::sidecar::xgboost::testing {

struct TreeText {
  std::string left = "[1,-1,-1]";
  std::string right = "[2,-1,-1]";
  std::string features = "[0,0,0]";
  std::string conditions = "[0.5,-1.0,1.0]";
  std::string default_left = "[1,0,0]";
  std::string nodes = "3";
  std::string extra;  // more members, e.g. categorical ones, with a leading comma
};

inline std::string treeJson(const TreeText& tree) {
  return fmt::format(
      R"({{"tree_param":{{"num_nodes":"{}","size_leaf_vector":"1","num_feature":"2"}},)"
      R"("left_children":{},"right_children":{},"split_indices":{},"split_conditions":{},)"
      R"("default_left":{}{}}})",
      tree.nodes, tree.left, tree.right, tree.features, tree.conditions, tree.default_left,
      tree.extra);
}

struct ModelText {
  std::string objective = "reg:squarederror";
  std::string base_score = "5E-1";
  std::string num_class = "0";
  std::string booster = "gbtree";
  std::string trees = treeJson({});
  std::string tree_info = "[0]";
  std::string num_trees = "1";
};

inline std::string modelJson(const ModelText& model) {
  const std::string gbtree =
      fmt::format(R"({{"name":"gbtree","model":{{"gbtree_model_param":{{"num_trees":"{}",)"
                  R"("num_parallel_tree":"1"}},"tree_info":{},"trees":[{}]}}}})",
                  model.num_trees, model.tree_info, model.trees);
  const std::string booster =
      model.booster == "dart"
          ? fmt::format(R"({{"name":"dart","gbtree":{},"weight_drop":[0.5]}})", gbtree)
      : model.booster == "gbtree" ? gbtree
                                  : fmt::format(R"({{"name":"{}","model":{{}}}})", model.booster);
  return fmt::format(
      R"({{"learner":{{"feature_names":["a","b"],"feature_types":[],)"
      R"("learner_model_param":{{"base_score":"{}","num_class":"{}","num_feature":"2",)"
      R"("num_target":"1","boost_from_average":"1"}},"objective":{{"name":"{}"}},)"
      R"("gradient_booster":{}}},"version":[3,2,0]}})",
      model.base_score, model.num_class, model.objective, booster);
}

}  // namespace aviary::sidecar::xgboost::testing
