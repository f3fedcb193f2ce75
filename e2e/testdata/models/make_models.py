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
"""
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
    models()
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
