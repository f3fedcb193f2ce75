#!/usr/bin/env python3
"""Trains the benchmark model and writes request bodies.

A churn-like binary classifier: 30 features, 100 trees of depth 6, trained on 20,000 synthetic rows.
Writes into OUT_DIR: model.json, body_1.json and body_256.json (OIP v2 requests with one
[rows, 30] FP32 tensor), body_1_group.json / body_256_group.json (the same with a "region" group
input), body_256.bin (the same rows in Triton's binary tensor extension; body_256.bin.length holds
its Inference-Header-Content-Length), and profile.json (a drift reference profile of the training
data).

The JSON numbers are written as Python clients send float32 data (KServe's and Triton's
`set_data_from_numpy(..., binary_data=False)` turn each element into a Python float): the
shortest text of the double, usually 16-17 significant digits.
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

from churn_data import FEATURES, ROWS, churn_data

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng, x, y = churn_data()
n, f = ROWS, FEATURES
names = [f"f{i}" for i in range(f)]
booster = xgb.train({"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "seed": 42},
                    xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=100)
booster.save_model(os.path.join(out, "model.json"))

test = rng.normal(size=(256, f)).astype(np.float32)
regions = ["eu", "us", "apac"]
for rows in (1, 256):
    tensor = {"name": "input-0", "shape": [rows, f], "datatype": "FP32",
              "data": [float(v) for v in test[:rows].ravel()]}
    with open(os.path.join(out, f"body_{rows}.json"), "w") as fh:
        json.dump({"inputs": [tensor]}, fh)
    group = {"name": "region", "shape": [rows], "datatype": "BYTES",
             "data": [regions[i % 3] for i in range(rows)]}
    with open(os.path.join(out, f"body_{rows}_group.json"), "w") as fh:
        json.dump({"inputs": [tensor, group]}, fh)

binary_tensor = {"name": "input-0", "shape": [256, f], "datatype": "FP32",
                 "parameters": {"binary_data_size": 256 * f * 4}}
# As Triton's client sends it: binary outputs asked for too.
header = json.dumps({"inputs": [binary_tensor],
                     "parameters": {"binary_data_output": True}}).encode()
with open(os.path.join(out, "body_256.bin"), "wb") as fh:
    fh.write(header + test.astype("<f4").tobytes())
with open(os.path.join(out, "body_256.bin.length"), "w") as fh:
    fh.write(str(len(header)))

# Reference profile in the format of src/sidecar/drift/README.md (10 quantile bins, 1000 samples).
features = []
for i, name in enumerate(names):
    col = np.sort(x[:, i].astype(np.float64))
    edges = np.unique(np.quantile(col, [j / 10 for j in range(1, 10)]))
    counts = np.bincount(np.searchsorted(edges, col, side="right"), minlength=len(edges) + 1)
    sample = np.sort(rng.choice(col, size=1000, replace=False))
    features.append({"name": name, "count": int(n), "bin_edges": edges.tolist(),
                     "bin_frequencies": (counts / n).tolist(), "sample": sample.tolist()})
with open(os.path.join(out, "profile.json"), "w") as fh:
    json.dump({"version": 1, "features": features}, fh)
