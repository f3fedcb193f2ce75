#!/usr/bin/env python3
"""Writes the LightGBM exactness corpus (run by make_corpus.sh, which picks the venv). For every
model below, into <out>/<lightgbm version>/:

  <name>.txt          the model as Booster.save_model writes it (text format, version=v4)
  <name>.cases.json   rows and lightgbm's own predictions for them:
      {"objective": ..., "features": n, "outputs": k,
       "rows": [[x, ...]], "raw": [...], "value": [...]}
    rows: float32 values, written so that reading them as a double and rounding to float32 gives
    the value back; "nan", "inf", "-inf" as strings. raw and value: the doubles lightgbm's
    Booster.predict returns (raw_score=True / False) on those float32 rows, row-major, written
    exactly ("nan"/"inf"/"-inf" as strings).
  <name>.refused      instead of cases: the model must be refused at load; the file holds a
                      word the error must name.

Predictions come from a Booster read back from the saved text, as a user's would be. Rows:
training-like rows with NaN, zeros and categories; extremes (+-FLT_MAX, +-inf, denormals,
+-1e-35, -0); categorical codes that are unseen, negative, fractional or beyond 2^31; and up
to 40 numerical thresholds of the model (spread over all of them) as float32 with the floats
just above and below each.
"""
import json
import os
import sys

import lightgbm as lgb
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(OUT, lgb.__version__)
os.makedirs(DIR, exist_ok=True)
rng = np.random.default_rng(20261201)

N_TRAIN = 500
N_FEATURES = 8
CATEGORICAL = [3, 4]  # f3: codes 0..39 (bitsets of two words), f4: codes 0..5
F32 = np.float32


def make_features(n):
    x = np.empty((n, N_FEATURES), dtype=F32)
    x[:, 0] = rng.normal(size=n)
    x[:, 1] = rng.uniform(-5, 5, size=n)
    x[:, 2] = np.where(rng.random(n) < 0.5, 0.0, rng.lognormal(size=n))  # many zeros
    x[:, 3] = rng.integers(0, 40, size=n)
    x[:, 4] = rng.integers(0, 6, size=n)
    x[:, 5] = rng.integers(0, 11, size=n)  # ties: few distinct values
    x[:, 6] = rng.normal(scale=1e6, size=n)
    x[:, 7] = -rng.exponential(size=n)
    for j in (0, 1, 3, 6):
        x[rng.random(n) < 0.08, j] = np.nan
    return x


def signal(x):
    z = np.nan_to_num(x, nan=0.0).astype(np.float64)
    s = z[:, 0] + 0.5 * z[:, 1] - 0.8 * (z[:, 2] > 0) + 0.3 * z[:, 5] / 5 + z[:, 6] / 2e6
    s += np.where(np.isin(z[:, 3], [1, 5, 9, 17, 33, 38]), 1.2, 0.0)
    s += np.where(z[:, 4] == 2, -1.0, 0.0) + 0.4 * z[:, 7]
    s += np.where(np.isnan(x[:, 0]), 0.7, 0.0)  # missingness carries information
    return s


X = make_features(N_TRAIN)
S = signal(X)
NOISE = rng.normal(scale=0.3, size=N_TRAIN)


def labels(kind):
    s = S + NOISE
    if kind == "binary":
        return (s > np.median(s)).astype(np.float64)
    if kind == "regression":
        return s * 3 + 10
    if kind == "positive":
        return np.exp(s / 2) + 0.1
    if kind == "count":
        return rng.poisson(np.exp(np.clip(s / 2, -3, 3))).astype(np.float64)
    if kind == "probability":
        return 1 / (1 + np.exp(-s))
    if kind == "multiclass":
        return np.digitize(s, np.quantile(s, [1 / 3, 2 / 3])).astype(np.float64)
    if kind == "rank":
        return np.digitize(s, np.quantile(s, [0.4, 0.7, 0.9])).astype(np.float64)
    if kind == "constant":
        return np.full(N_TRAIN, 2.5)
    raise ValueError(kind)


def l2_objective(preds, dataset):
    return preds - dataset.get_label(), np.ones_like(preds)


BASE = {"verbose": -1, "seed": 7, "deterministic": True, "num_threads": 1, "min_data_in_leaf": 5,
        "num_leaves": 15, "cat_smooth": 1, "min_data_per_group": 5, "max_cat_to_onehot": 8}

# name: (label kind, parameters, rounds)
MODELS = {
    "binary": ("binary", {"objective": "binary"}, 12),
    "binary_sigmoid": ("binary", {"objective": "binary", "sigmoid": 0.7, "max_depth": 3}, 8),
    "binary_sigmoid_fraction": ("binary", {"objective": "binary", "sigmoid": 1.14}, 6),
    "binary_zero_as_missing": ("binary", {"objective": "binary", "zero_as_missing": True}, 10),
    "binary_no_missing": ("binary", {"objective": "binary", "use_missing": False}, 10),
    "binary_dart": ("binary", {"objective": "binary", "boosting": "dart", "drop_rate": 0.3}, 10),
    "binary_rf": ("binary", {"objective": "binary", "boosting": "rf", "bagging_fraction": 0.7,
                             "bagging_freq": 1, "feature_fraction": 0.8}, 8),
    "cross_entropy": ("probability", {"objective": "cross_entropy"}, 8),
    "cross_entropy_lambda": ("probability", {"objective": "cross_entropy_lambda"}, 8),
    "regression": ("regression", {"objective": "regression", "num_leaves": 31}, 8),
    "regression_deep": ("regression", {"objective": "regression", "num_leaves": 63,
                                       "min_data_in_leaf": 2, "learning_rate": 0.2}, 10),
    "regression_sqrt": ("regression", {"objective": "regression", "reg_sqrt": True}, 8),
    "regression_goss": ("regression", {"objective": "regression",
                                       "data_sample_strategy": "goss"}, 10),
    "regression_l1": ("regression", {"objective": "regression_l1"}, 8),
    "huber": ("regression", {"objective": "huber", "alpha": 2.0}, 8),
    "fair": ("regression", {"objective": "fair"}, 8),
    "quantile": ("regression", {"objective": "quantile", "alpha": 0.8}, 8),
    "mape": ("positive", {"objective": "mape"}, 8),
    "poisson": ("count", {"objective": "poisson"}, 10),
    "gamma": ("positive", {"objective": "gamma"}, 10),
    "tweedie": ("positive", {"objective": "tweedie", "tweedie_variance_power": 1.3}, 10),
    "constant_trees": ("constant", {"objective": "regression", "min_data_in_leaf": 1000}, 3),
    "multiclass": ("multiclass", {"objective": "multiclass", "num_class": 3,
                                  "num_leaves": 7}, 6),
    "multiclassova": ("multiclass", {"objective": "multiclassova", "num_class": 3,
                                     "sigmoid": 1.118, "num_leaves": 7}, 6),
    "multiclass_rf": ("multiclass", {"objective": "multiclass", "num_class": 3, "boosting": "rf",
                                     "bagging_fraction": 0.6, "bagging_freq": 1,
                                     "num_leaves": 7}, 5),
    "lambdarank": ("rank", {"objective": "lambdarank", "num_leaves": 7}, 8),
    "rank_xendcg": ("rank", {"objective": "rank_xendcg", "num_leaves": 7}, 8),
    "custom_objective": ("regression", {"objective": l2_objective, "num_leaves": 7}, 6),
}
REFUSED = {
    "linear_tree": ("regression", {"objective": "regression", "linear_tree": True}, 4, "linear"),
}


def train(kind, params, rounds):
    data = lgb.Dataset(X, label=labels(kind), categorical_feature=CATEGORICAL, free_raw_data=False)
    if kind == "rank":
        data.set_group([50] * (N_TRAIN // 50))
    return lgb.train({**BASE, **params}, data, num_boost_round=rounds)


def numerical_thresholds(text):
    """(feature, threshold) of every numerical split, read from the saved text."""
    found = []
    tree = {}
    for line in text.splitlines() + [""]:
        if "=" in line:
            key, value = line.split("=", 1)
            tree[key] = value
        elif tree.get("num_leaves", "1") != "1" and "threshold" in tree:
            features = [int(v) for v in tree["split_feature"].split()]
            thresholds = [float(v) for v in tree["threshold"].split()]
            types = [int(v) for v in tree["decision_type"].split()]
            found += [(f, t) for f, t, d in zip(features, thresholds, types) if not d & 1]
            tree = {}
        else:
            tree = {}
    return sorted(set(found))


def special_rows(base):
    rows = [np.full(N_FEATURES, np.nan, dtype=F32), np.zeros(N_FEATURES, dtype=F32),
            np.full(N_FEATURES, -0.0, dtype=F32)]
    extremes = [np.finfo(F32).max, -np.finfo(F32).max, np.inf, -np.inf, 1e-40, -1e-40, 1e-35,
                -1e-35, 1.5e-35, -1.5e-35, 1e30, -1e30, np.finfo(F32).tiny]
    for i, v in enumerate(extremes):
        row = base[i % len(base)].copy()
        row[[0, 1, 2, 5, 6, 7]] = v
        rows.append(row)
    codes = [-0.5, -1.0, -1.5, 0.0, 2.7, 5.99, 6.0, 31.0, 32.0, 33.0, 39.0, 40.0, 63.0, 64.0,
             1000.0, 2147483520.0, 3e9, 1e10, np.inf, -np.inf, np.nan, 1e-40, -1e-40]
    for i, v in enumerate(codes):
        row = base[(i + 7) % len(base)].copy()
        row[CATEGORICAL] = v
        rows.append(row)
    return rows


def threshold_rows(base, thresholds, limit):
    rows = []
    step = max(1, len(thresholds) // limit)
    for i, (feature, t) in enumerate(thresholds[::step][:limit]):
        at = F32(t)
        for v in (at, np.nextafter(at, F32(np.inf)), np.nextafter(at, F32(-np.inf))):
            row = base[i % len(base)].copy()
            row[feature] = v
            rows.append(row)
    return rows


def encode_float32(v):
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    short = repr(float(np.float32(v).item()))
    for candidate in (np.format_float_positional(np.float32(v), unique=True, trim="-"),
                      np.format_float_scientific(np.float32(v), unique=True, trim="-")):
        if np.float32(float(candidate)) == v and len(candidate) < len(short):
            short = candidate
    assert np.float32(float(short)) == v or (v == 0 and float(short) == 0)
    return float(short) if "." in short or "e" in short else int(short)


def encode_double(v):
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def write_cases(name, booster, text, rows):
    x = np.asarray(rows, dtype=F32)
    raw = np.asarray(booster.predict(x, raw_score=True), dtype=np.float64)
    value = np.asarray(booster.predict(x), dtype=np.float64)
    outputs = 1 if raw.ndim == 1 else raw.shape[1]
    objective = next((line[10:] for line in text.splitlines() if line.startswith("objective=")),
                     "none")
    cases = {
        "objective": objective,
        "features": N_FEATURES,
        "outputs": outputs,
        "rows": [[encode_float32(v) if not (v == 0 and np.signbit(v)) else -0.0 for v in row]
                 for row in x],
        "raw": [encode_double(v) for v in raw.ravel()],
        "value": [encode_double(v) for v in value.ravel()],
    }
    with open(os.path.join(DIR, name + ".cases.json"), "w") as f:
        json.dump(cases, f, separators=(",", ":"))
        f.write("\n")


def save(name, booster):
    path = os.path.join(DIR, name + ".txt")
    booster.save_model(path)
    with open(path) as f:
        return f.read()


def main():
    test_x = make_features(60)
    for name, (kind, params, rounds) in MODELS.items():
        text = save(name, train(kind, params, rounds))
        booster = lgb.Booster(model_str=text)
        rows = list(test_x[:40]) + special_rows(test_x)
        rows += threshold_rows(test_x, numerical_thresholds(text), 40)
        write_cases(name, booster, text, rows)
    for name, (kind, params, rounds, word) in REFUSED.items():
        save(name, train(kind, params, rounds))
        with open(os.path.join(DIR, name + ".refused"), "w") as f:
            f.write(word + "\n")


if __name__ == "__main__":
    main()
