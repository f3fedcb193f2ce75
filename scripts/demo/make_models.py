#!/usr/bin/env python3
"""Writes the three model versions `make demo` rolls out, derived from the e2e test model.

Standard library only (XGBoost's JSON keeps 1.0 apart from 1, which jq would not). Usage:
make_models.py OUT_DIR. Writes under OUT_DIR/churn/:
  v1/model.json   the version running first: e2e/testdata/models/churn/v1 (binary:logistic, 8 named
                  features, 20 trees), byte for byte
  v2/model.json   a good new version: v1's trees with every leaf scaled by 1.1, so each probability moves
                  a little away from 0.5 and keeps its side; it answers every request v1 answers
  v3/model.json   a bad new version: v1 declared over a ninth feature the clients do not send
                  (num_feature 9), so the sidecar answers every 8-feature request 400
  profile.json    the training data's reference profile, for the drift gate
"""
import copy
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "e2e", "testdata", "models", "churn")


def leaves(model):
    """Yields (tree, node index) of every leaf: a node without children keeps its value in
    split_conditions and base_weights."""
    for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
        for i, left in enumerate(tree["left_children"]):
            if left == -1:
                yield tree, i


def write_json(path, model):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(model, f, separators=(",", ":"))


def main(out):
    churn = os.path.join(out, "churn")
    os.makedirs(os.path.join(churn, "v1"), exist_ok=True)
    shutil.copyfile(os.path.join(SOURCE, "v1", "model.json"), os.path.join(churn, "v1", "model.json"))
    shutil.copyfile(os.path.join(SOURCE, "profile.json"), os.path.join(churn, "profile.json"))
    with open(os.path.join(SOURCE, "v1", "model.json")) as f:
        v1 = json.load(f)

    good = copy.deepcopy(v1)
    for tree, i in leaves(good):
        tree["split_conditions"][i] *= 1.1
        tree["base_weights"][i] *= 1.1
    write_json(os.path.join(churn, "v2", "model.json"), good)

    bad = copy.deepcopy(v1)
    learner = bad["learner"]
    learner["feature_names"].append("days_since_last_login")
    width = str(len(learner["feature_names"]))
    learner["learner_model_param"]["num_feature"] = width
    for tree in learner["gradient_booster"]["model"]["trees"]:
        tree["tree_param"]["num_feature"] = width
    write_json(os.path.join(churn, "v3", "model.json"), bad)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_models.py OUT_DIR")
    main(sys.argv[1])
