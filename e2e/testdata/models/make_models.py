#!/usr/bin/env python3
"""Regenerates the model artifacts and request bodies of e2e/scenarios/40-sidecar.sh.

Standard library only (no numpy, no XGBoost):
    python3 e2e/testdata/models/make_models.py
then make the reference profile with the tool the sidecar's users run:
    build/src/sidecar/tools/aviary-profile --input e2e/testdata/models/churn/train.csv \
        --output e2e/testdata/models/churn/profile.json
(the scenario checks that the committed profile is exactly what aviary-profile makes of train.csv).

Writes, under churn/ next to this script:
  v1/model.json      the "good" revision: tests/sidecar/testdata/binary.json (binary:logistic, 8 named
                     features, 20 trees), byte for byte
  v2/model.json      the "bad" revision: the same trees with every leaf value negated, so its margin is
                     the negation of v1's and its probability is 1 - v1's (base_score 0.5)
  train.csv          300 training rows, each feature ~ N(0, 1) like binary.json's training data
and under ../requests/churn/ the inference request bodies (OIP v2 JSON):
  stable.json        200 rows from the training distribution, plus the group input "region"
  drifted.json       200 rows in which tenure (+2) and monthly_charges (+1.5) have drifted
  bad-shape.json     a tensor of 3 features where the model takes 8: must be answered 400
and churn/wide/model.json, a model that takes 12 features: every request of 8 is answered 400 (the
"answers errors" revision of e2e/scenarios/51-rollback-errors-*).

    python3 e2e/testdata/models/make_models.py --slow DIR [--trees N] [--depth D]
writes only DIR/model.json: the "slow" revision of e2e/scenarios/52-rollback-latency-*, N trees (default
1000) of D levels (default 240) that every row walks to the bottom, so that one request of 200 rows costs
N * D * 200 = 48 M node visits: ~50 ms with the sidecar's native evaluator on an idle machine, where the
20 trees of v1 take well under 1 ms. (With libxgboost, 300 trees of 80 levels took as long; the native
evaluator made them ten times faster, under the scenarios' 10 ms bound.) It is 19 MB, so the scenarios
generate it at test time (deterministic, in a second, into the git-ignored models/generated/) instead of
committing it.
"""
import argparse
import json
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
OUT = os.path.join(HERE, "churn")
REQUESTS = os.path.join(os.path.dirname(HERE), "requests", "churn")
NAMES = ["tenure", "monthly_charges", "total_charges", "support_calls",
         "contract_months", "age", "num_products", "late_payments"]
REGIONS = ["north", "south", "east"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def models():
    src = os.path.join(ROOT, "tests", "sidecar", "testdata", "binary.json")
    os.makedirs(os.path.join(OUT, "v1"), exist_ok=True)
    shutil.copyfile(src, os.path.join(OUT, "v1", "model.json"))
    with open(src) as f:
        model = json.load(f)
    for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
        # A leaf is a node without children; its split_condition holds the leaf value.
        for i, left in enumerate(tree["left_children"]):
            if left == -1:
                tree["split_conditions"][i] = -tree["split_conditions"][i]
                tree["base_weights"][i] = -tree["base_weights"][i]
    write(os.path.join(OUT, "v2", "model.json"), json.dumps(model, separators=(",", ":")))


def tree(nodes, tree_id, num_feature):
    """An XGBoost JSON tree from (feature, threshold, left, right, value) tuples; leaves have left -1."""
    parents = [2147483647] * len(nodes)
    for i, (_, _, left, right, _) in enumerate(nodes):
        if left != -1:
            parents[left] = i
            parents[right] = i
    n = len(nodes)
    return {
        "base_weights": [v for (_, _, _, _, v) in nodes],
        "categories": [], "categories_nodes": [], "categories_segments": [], "categories_sizes": [],
        "default_left": [1 if left != -1 else 0 for (_, _, left, _, _) in nodes],
        "id": tree_id,
        "left_children": [left for (_, _, left, _, _) in nodes],
        "loss_changes": [0.0] * n,
        "parents": parents,
        "right_children": [right for (_, _, _, right, _) in nodes],
        "split_conditions": [t if left != -1 else v for (_, t, left, _, v) in nodes],
        "split_indices": [f for (f, _, _, _, _) in nodes],
        "split_type": [0] * n,
        "sum_hessian": [1.0] * n,
        "tree_param": {"num_deleted": "0", "num_feature": str(num_feature), "num_nodes": str(n),
                       "size_leaf_vector": "0"},
    }


def booster(trees, names):
    """A binary:logistic model over the features NAMES made of TREES."""
    return {
        "learner": {
            "attributes": {},
            "feature_names": names,
            "feature_types": [],
            "gradient_booster": {
                "model": {
                    "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": str(len(trees)),
                                           "size_leaf_vector": "0"},
                    "tree_info": [0] * len(trees),
                    "trees": trees,
                },
                "name": "gbtree",
            },
            "learner_model_param": {"base_score": "5E-1", "boost_from_average": "1", "num_class": "0",
                                    "num_feature": str(len(names)), "num_target": "1"},
            "objective": {"name": "binary:logistic", "reg_loss_param": {"scale_pos_weight": "1"}},
        },
        "version": [1, 7, 4],
    }


def wide():
    """12 features where requests carry 8: the sidecar answers every request 400."""
    names = NAMES + ["extra_%d" % i for i in range(4)]
    nodes = [(0, 0.0, 1, 2, 0.0), (0, 0.0, -1, -1, -0.5), (0, 0.0, -1, -1, 0.5)]
    write(os.path.join(OUT, "wide", "model.json"),
          json.dumps(booster([tree(nodes, 0, len(names))], names), separators=(",", ":")) + "\n")


def slow(directory, trees, depth):
    """TREES chains of DEPTH splits whose threshold no feature reaches: every row walks each to its
    deepest leaf. Leaves are tiny so that the probabilities stay near 0.5."""
    rng = random.Random(11)
    out = []
    for t in range(trees):
        nodes = []
        for k in range(depth):
            # Internal node k at 2k: left goes deeper (2k + 2), right is a leaf at 2k + 1.
            nodes.append((rng.randrange(len(NAMES)), 1e30, 2 * k + 2, 2 * k + 1, 0.0))
            nodes.append((0, 0.0, -1, -1, round(rng.uniform(-1e-3, 1e-3), 6)))
        nodes.append((0, 0.0, -1, -1, round(rng.uniform(-1e-3, 1e-3), 6)))
        out.append(tree(nodes, t, len(NAMES)))
    path = os.path.join(directory, "model.json")
    write(path + ".tmp", json.dumps(booster(out, NAMES), separators=(",", ":")) + "\n")
    os.replace(path + ".tmp", path)


def rows(rng, n, shift):
    return [[round(rng.gauss(shift.get(name, 0.0), 1.0), 3) for name in NAMES] for _ in range(n)]


def request(rng, n, shift):
    data = rows(rng, n, shift)
    return json.dumps({
        "inputs": [
            {"name": "features", "shape": [n, len(NAMES)], "datatype": "FP32", "data": data},
            {"name": "region", "shape": [n], "datatype": "BYTES",
             "data": [REGIONS[i % len(REGIONS)] for i in range(n)]},
        ]}, separators=(",", ":")) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slow", metavar="DIR", help="write only the slow model, to DIR/model.json")
    parser.add_argument("--trees", type=int, default=1000)
    parser.add_argument("--depth", type=int, default=240)
    args = parser.parse_args()
    if args.slow:
        slow(args.slow, args.trees, args.depth)
        return
    models()
    wide()
    rng = random.Random(7)
    train = rows(rng, 300, {})
    write(os.path.join(OUT, "train.csv"),
          ",".join(NAMES) + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in train))
    write(os.path.join(REQUESTS, "stable.json"), request(rng, 200, {}))
    write(os.path.join(REQUESTS, "drifted.json"),
          request(rng, 200, {"tenure": 2.0, "monthly_charges": 1.5}))
    write(os.path.join(REQUESTS, "bad-shape.json"), json.dumps({
        "inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32",
                    "data": [0.1, 0.2, 0.3]}]}) + "\n")


if __name__ == "__main__":
    main()
