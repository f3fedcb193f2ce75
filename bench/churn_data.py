"""The synthetic churn-like data set every benchmark model is trained on: 20,000 rows of 30 normal
features and a binary label from a fixed non-linear logit plus noise, drawn from one seeded
generator. Returns the generator too, so that the benchmark's test rows are drawn after the
training rows, the same rows for every model."""
import numpy as np

ROWS, FEATURES = 20000, 30


def churn_data():
    """(rng, x, y): the generator, the float32 features [ROWS, FEATURES] and the float32 labels."""
    rng = np.random.default_rng(42)
    x = rng.normal(size=(ROWS, FEATURES)).astype(np.float32)
    logit = (1.2 * x[:, 0] - 0.8 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] + 0.7 * (x[:, 4] > 0.5)
             - 0.4 * np.abs(x[:, 5]) + 0.3 * x[:, 6:12].sum(axis=1))
    y = (logit + rng.normal(scale=0.8, size=ROWS) > 0).astype(np.float32)
    return rng, x, y
