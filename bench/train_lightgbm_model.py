#!/usr/bin/env python3
"""Trains the LightGBM benchmark model: the churn-like binary classifier of train_model.py (30
features, 20,000 synthetic rows) as 100 trees of up to 64 leaves (depth 6's leaf count), saved
as text to OUT_DIR/lightgbm_model.txt; and prints lightgbm's own Booster.predict time per call
at batch 1 and 256 (one thread, from Python; wall clock and CPU time) as one JSON line, for
reference."""
import json
import os
import sys
import time

import lightgbm as lgb
import numpy as np

from churn_data import FEATURES, churn_data

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng, x, y = churn_data()
f = FEATURES
params = {"objective": "binary", "num_leaves": 64, "max_depth": 6, "learning_rate": 0.1,
          "seed": 42, "verbose": -1, "num_threads": 1}
booster = lgb.train(params, lgb.Dataset(x, label=y), num_boost_round=100)
path = os.path.join(out, "lightgbm_model.txt")
booster.save_model(path)

booster = lgb.Booster(model_file=path)
test = rng.normal(size=(256, f)).astype(np.float32)
times = {}
for rows, calls in ((1, 2000), (256, 200)):
    batch = test[:rows]
    booster.predict(batch, num_threads=1)
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(calls):
        booster.predict(batch, num_threads=1)
    times[f"python_batch{rows}_us"] = round((time.perf_counter() - start) / calls * 1e6, 2)
    times[f"python_batch{rows}_cpu_us"] = round((time.process_time() - cpu_start) / calls * 1e6,
                                                2)
print(json.dumps(times))
