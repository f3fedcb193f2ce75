#!/usr/bin/env python3
"""Writes one xgboost version's part of the exactness corpus (run by make_corpus.sh, which picks
the venv). For every model below, next to this script:

  <version>/<name>.json, <version>/<name>.ubj   the model in xgboost's JSON and UBJSON formats
  <version>/<name>.cases.json                   rows and xgboost's own predictions for them;
      every float32 is written as its 8 hex digits (bit pattern), so NaN, infinities and -0
      survive and nothing is rounded twice: {"rows": ["<hex> <hex> ..." per row],
      "value": "<hex> ...", "margin": "<hex> ...", "value_outputs": k, "margin_outputs": k,
      "inplace_value_differs": n, "inplace_margin_differs": n, "objective": ..., "xgboost": ...}
  <version>/<name>.refused                      instead of cases: the model must be refused at
                                                load; the file holds a word the error must name

Predictions come from Booster.predict on a DMatrix (NaN = missing), flattened row-major as float32.
inplace_*_differs counts the outputs where xgboost's in-place prediction disagrees with that
(the tests read it to know whether xgboost's own paths agree bit for bit).
Rows: random values, NaN, +-1e30, every split threshold of the model exactly and one float below
it, and for categorical features valid, unseen and out-of-range category codes.
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
VERSION = xgb.__version__
MAJOR = int(VERSION.split(".")[0])
DIR = os.path.join(OUT, VERSION)
os.makedirs(DIR, exist_ok=True)
rng = np.random.default_rng(20261201)

N_TRAIN = 400
NUMERIC = 5


def features(n, categorical):
    x = rng.normal(size=(n, NUMERIC)).astype(np.float32)
    x[rng.random(size=x.shape) < 0.05] = np.nan
    if categorical:
        cat = rng.integers(0, 7, size=(n, 1)).astype(np.float32)
        cat[rng.random(size=cat.shape) < 0.05] = np.nan
        x = np.hstack([x, cat])
    return x


def signal(x):
    s = 1.2 * np.nan_to_num(x[:, 0]) - np.nan_to_num(x[:, 1]) + 0.5 * np.nan_to_num(x[:, 2]) ** 2
    if x.shape[1] > NUMERIC:
        s = s + np.isin(np.nan_to_num(x[:, NUMERIC], nan=-1), [1, 4, 5]) * 1.5
    return s


def labels(kind, x):
    s = signal(x) + rng.normal(scale=0.3, size=len(x))
    if kind == "binary":
        return (s > 0.3).astype(np.float32)
    if kind == "prob":
        return (1 / (1 + np.exp(-s))).astype(np.float32)
    if kind == "real":
        return s.astype(np.float32)
    if kind == "count":
        return rng.poisson(np.exp(s / 3)).astype(np.float32)
    if kind == "positive":
        return np.exp(s / 3).astype(np.float32) + 0.01
    if kind == "tweedie":
        y = rng.poisson(np.exp(s / 3)).astype(np.float32) * rng.gamma(2.0, size=len(x))
        return y.astype(np.float32)
    if kind == "class3":
        return np.digitize(s, [-0.5, 0.8]).astype(np.float32)
    if kind == "relevance":
        return np.digitize(s, [-0.5, 0.5, 1.5]).astype(np.float32)
    if kind == "cox":
        t = np.exp(-s / 3).astype(np.float32) + 0.05
        censored = rng.random(size=len(x)) < 0.3
        return np.where(censored, -t, t).astype(np.float32)
    if kind == "two_targets":
        return np.stack([s, np.nan_to_num(x[:, 3]) * 2], axis=1).astype(np.float32)
    raise ValueError(kind)


def thresholds(model_json):
    """(feature, threshold) of every numerical split in the saved model."""
    learner = model_json["learner"]
    booster = learner["gradient_booster"]
    model = booster["gbtree"]["model"] if booster["name"] == "dart" else booster.get("model")
    found = []
    for tree in (model or {}).get("trees", []):
        types = tree.get("split_type", [0] * len(tree["left_children"]))
        for i, left in enumerate(tree["left_children"]):
            if left != -1 and types[i] == 0:
                found.append((tree["split_indices"][i], tree["split_conditions"][i]))
    return found


def test_rows(x_train, model_json, categorical):
    n_features = x_train.shape[1]
    rows = [features(1, categorical)[0] for _ in range(12)]
    for f in range(NUMERIC):
        for extreme in (1e30, -3.0e38, -0.0):
            r = features(1, categorical)[0]
            r[f] = extreme
            rows.append(r)
    rows.append(np.full(n_features, np.nan, dtype=np.float32))
    for f, t in thresholds(model_json)[:16]:
        for v in (np.float32(t), np.nextafter(np.float32(t), np.float32(-np.inf))):
            r = features(1, categorical)[0]
            r[f] = v
            rows.append(r)
    if categorical:
        for code in (0, 1, 2, 4, 5, 6, 7, 32, 1000, 16777215):
            r = features(1, categorical)[0]
            r[NUMERIC] = code
            rows.append(r)
    return np.asarray(rows, dtype=np.float32)


def dmatrix(x, y=None, categorical=False, qid=None):
    types = ["q"] * NUMERIC + (["c"] if categorical else [])
    names = [f"f{i}" for i in range(x.shape[1])]
    kwargs = dict(missing=np.nan, feature_names=names)
    if categorical:
        kwargs.update(feature_types=types, enable_categorical=True)
    d = xgb.DMatrix(x, label=y, **kwargs)
    if qid is not None:
        d.set_group(np.bincount(qid))
    return d


def flat(p):
    return np.asarray(p, dtype=np.float32).reshape(-1)


def hex_words(a):
    return " ".join(f"{b:08x}" for b in flat(a).view(np.uint32))


def save(name, booster, x_test, categorical, objective, refused=None):
    path = os.path.join(DIR, name)
    booster.save_model(path + ".json")
    booster.save_model(path + ".ubj")
    if refused is not None:
        with open(path + ".refused", "w") as f:
            f.write(refused)
        return
    d = dmatrix(x_test, categorical=categorical)
    value = flat(booster.predict(d))
    margin = flat(booster.predict(d, output_margin=True))
    differs = {}
    for kind, ref in (("value", value), ("margin", margin)):
        try:
            inplace = flat(booster.inplace_predict(x_test, predict_type=kind, missing=np.nan))
            differs[kind] = int(np.sum(inplace.view(np.uint32) != ref.view(np.uint32)))
        except Exception as error:  # inplace prediction does not take every model
            print(f"{VERSION} {name}: no in-place {kind}: {error}", file=sys.stderr)
            differs[kind] = -1
    cases = {
        "xgboost": VERSION,
        "objective": objective,
        "rows": [hex_words(r) for r in x_test],
        "value": hex_words(value),
        "margin": hex_words(margin),
        "value_outputs": len(value) // len(x_test),
        "margin_outputs": len(margin) // len(x_test),
        "inplace_value_differs": differs["value"],
        "inplace_margin_differs": differs["margin"],
    }
    with open(path + ".cases.json", "w") as f:
        json.dump(cases, f, separators=(",", ":"))


def train(name, params, rounds, label_kind, categorical=False, ranking=False, refused=None):
    x = features(N_TRAIN, categorical)
    y = labels(label_kind, x)
    qid = None
    if ranking:
        qid = np.repeat(np.arange(N_TRAIN // 20), 20)
    params = dict(params)
    params.setdefault("seed", 7)
    params.setdefault("max_depth", 3)
    params.setdefault("eta", 0.3)
    if categorical:
        params.setdefault("tree_method", "hist")
    booster = xgb.train(params, dmatrix(x, y, categorical, qid), num_boost_round=rounds)
    model_json = json.loads(booster.save_raw("json"))
    x_test = test_rows(x, model_json, categorical)
    save(name, booster, x_test, categorical, params.get("objective", "reg:squarederror"), refused)


OBJECTIVES = [
    ("binary_logistic", {"objective": "binary:logistic"}, "binary"),
    ("binary_logitraw", {"objective": "binary:logitraw"}, "binary"),
    ("binary_hinge", {"objective": "binary:hinge"}, "binary"),
    ("reg_squarederror", {"objective": "reg:squarederror"}, "real"),
    ("reg_logistic", {"objective": "reg:logistic"}, "prob"),
    ("reg_absoluteerror", {"objective": "reg:absoluteerror"}, "real"),
    ("reg_pseudohubererror", {"objective": "reg:pseudohubererror"}, "real"),
    ("count_poisson", {"objective": "count:poisson"}, "count"),
    ("reg_gamma", {"objective": "reg:gamma"}, "positive"),
    ("reg_tweedie", {"objective": "reg:tweedie", "tweedie_variance_power": 1.3}, "tweedie"),
    ("multi_softprob", {"objective": "multi:softprob", "num_class": 3}, "class3"),
    ("multi_softmax", {"objective": "multi:softmax", "num_class": 3}, "class3"),
    ("survival_cox", {"objective": "survival:cox"}, "cox"),
]

for name, params, kind in OBJECTIVES:
    train(name, params, 4, kind)
for name, objective in (("rank_pairwise", "rank:pairwise"), ("rank_ndcg", "rank:ndcg"),
                        ("rank_map", "rank:map")):
    train(name, {"objective": objective}, 5, "relevance" if objective != "rank:map" else "binary",
          ranking=True)
if MAJOR >= 2:
    train("reg_quantileerror", {"objective": "reg:quantileerror", "quantile_alpha": 0.3,
                                "tree_method": "hist"}, 5, "real")
    train("reg_quantileerror_3", {"objective": "reg:quantileerror",
                                  "quantile_alpha": [0.1, 0.5, 0.9], "tree_method": "hist"}, 4,
          "real")
    train("multi_target", {"objective": "reg:squarederror", "tree_method": "hist"}, 4,
          "two_targets")
    train("multi_output_tree", {"objective": "reg:squarederror", "tree_method": "hist",
                                "multi_strategy": "multi_output_tree"}, 2, "two_targets",
          refused="multi_output_tree")
# Explicit intercepts, in output space.
train("binary_logistic_base03", {"objective": "binary:logistic", "base_score": 0.3}, 4, "binary")
train("reg_gamma_base2", {"objective": "reg:gamma", "base_score": 2.0}, 4, "positive")
# Deeper, more trees, exact and histogram split finding.
train("deep_squarederror", {"objective": "reg:squarederror", "max_depth": 6, "eta": 0.1}, 4,
      "real")
train("deep_logistic_hist", {"objective": "binary:logistic", "max_depth": 5,
                             "tree_method": "hist"}, 6, "binary")
# Forests and dart.
train("forest_squarederror", {"objective": "reg:squarederror", "num_parallel_tree": 3,
                              "subsample": 0.7, "colsample_bynode": 0.7}, 3, "real")
train("forest_softprob", {"objective": "multi:softprob", "num_class": 3, "num_parallel_tree": 2,
                          "subsample": 0.7}, 2, "class3")
train("dart_logistic", {"objective": "binary:logistic", "booster": "dart", "rate_drop": 0.3,
                        "skip_drop": 0.0}, 8, "binary")
train("dart_softprob", {"objective": "multi:softprob", "num_class": 3, "booster": "dart",
                        "rate_drop": 0.3, "skip_drop": 0.0, "normalize_type": "forest"}, 4,
      "class3")
# Categorical splits: partitions and one-hot.
train("cat_logistic", {"objective": "binary:logistic"}, 6, "binary", categorical=True)
train("cat_squarederror_onehot", {"objective": "reg:squarederror", "max_cat_to_onehot": 16}, 6,
      "real", categorical=True)
train("cat_softprob", {"objective": "multi:softprob", "num_class": 3}, 4, "class3",
      categorical=True)
# Not trees: refused.
train("gblinear", {"objective": "reg:squarederror", "booster": "gblinear"}, 3, "real",
      refused="gblinear")
print(f"xgboost {VERSION}: wrote {DIR}")
