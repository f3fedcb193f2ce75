#!/usr/bin/env python3
"""Regenerates the XGBoost fixtures the sidecar tests compare against.

Run with Debian's XGBoost, the same library version the sidecar links (1.7.4):
    apt-get install python3-xgboost python3-numpy
    /usr/bin/python3 tests/sidecar/testdata/make_fixtures.py

Writes, next to this script:
  binary.json / binary.ubj / binary.bin   binary:logistic, 8 named features, 20 trees of depth 4,
                                          in the JSON, UBJSON and legacy binary formats
  multiclass.json                         multi:softprob, 3 classes, 4 unnamed features
  *_cases.json                            input rows (null = missing) and XGBoost-Python's own
                                          predictions for them: "value" and "margin"
The tests read only these files; nothing at test time needs Python.
"""
import json
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))


def rows_to_json(x):
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def preds_to_json(p):
    return np.asarray(p, dtype=np.float32).astype(np.float64).tolist()


def write_cases(name, booster, x, names):
    d = xgb.DMatrix(x, missing=np.nan, feature_names=names)
    cases = {
        "feature_names": names or [],
        "rows": rows_to_json(x),
        "value": preds_to_json(booster.predict(d)),
        "margin": preds_to_json(booster.predict(d, output_margin=True)),
    }
    with open(os.path.join(HERE, name + "_cases.json"), "w") as f:
        json.dump(cases, f)


def binary():
    rng = np.random.default_rng(7)
    names = ["tenure", "monthly_charges", "total_charges", "support_calls",
             "contract_months", "age", "num_products", "late_payments"]
    n = 2000
    x = rng.normal(size=(n, len(names))).astype(np.float32)
    logit = 1.5 * x[:, 0] - x[:, 1] + 0.5 * x[:, 3] * x[:, 4] + 0.8 * (x[:, 7] > 0.5)
    y = (logit + rng.normal(scale=0.5, size=n) > 0).astype(np.float32)
    x[rng.random(size=x.shape) < 0.03] = np.nan
    train = xgb.DMatrix(x, label=y, missing=np.nan, feature_names=names)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3,
                         "seed": 7}, train, num_boost_round=20)
    booster.save_model(os.path.join(HERE, "binary.json"))
    booster.save_model(os.path.join(HERE, "binary.ubj"))
    booster.save_model(os.path.join(HERE, "binary.bin"))
    test = rng.normal(size=(50, len(names))).astype(np.float32)
    test[rng.random(size=test.shape) < 0.1] = np.nan
    write_cases("binary", booster, test, names)


def multiclass():
    rng = np.random.default_rng(11)
    n = 600
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (np.digitize(x[:, 0] + 0.5 * x[:, 2], [-0.5, 0.5])).astype(np.float32)
    train = xgb.DMatrix(x, label=y)
    booster = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 3,
                         "seed": 11}, train, num_boost_round=5)
    booster.save_model(os.path.join(HERE, "multiclass.json"))
    test = rng.normal(size=(20, 4)).astype(np.float32)
    write_cases("multiclass", booster, test, None)


if __name__ == "__main__":
    binary()
    multiclass()
