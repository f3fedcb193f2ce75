#!/usr/bin/env python3
"""Writes drift_fixtures.json: KS and PSI values computed by scipy/numpy for the C++ drift tests.

The C++ tests (tests/sidecar/drift/fixtures_test.cc) read the committed JSON; Python is needed only to
regenerate it:

    python3 -m venv /tmp/aviary-fixtures && /tmp/aviary-fixtures/bin/pip install numpy scipy
    /tmp/aviary-fixtures/bin/python tests/sidecar/testdata/make_drift_fixtures.py

Every value is a multiple of 1/256 well inside float32's range, so the C++ side can feed the window
as float and the reference as double and both sides hold the very same numbers. Per case it records
the profile numpy would build (quantile bin edges, method "linear", equal edges merged; bin shares),
scipy.stats.ks_2samp's statistic and exact p-value, and PSI computed here with numpy.
"""

import json
import pathlib

import numpy as np
import scipy
from scipy import special, stats

PSI_EPSILON = 1e-4  # zero proportions are replaced by this (src/sidecar/drift/psi.h)
GRID = 256.0


def on_grid(values):
    return np.round(np.asarray(values, dtype=np.float64) * GRID) / GRID


def profile(reference, bins):
    edges = np.unique(np.quantile(reference, np.arange(1, bins) / bins, method="linear"))
    counts = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1)
    return edges, counts / len(reference)


def psi(edges, expected, window):
    counts = np.bincount(np.searchsorted(edges, window, side="right"), minlength=len(edges) + 1)
    actual = counts / len(window)
    e = np.where(expected == 0, PSI_EPSILON, expected)
    a = np.where(actual == 0, PSI_EPSILON, actual)
    return float(np.sum((a - e) * np.log(a / e)))


def case(name, reference, window, bins=10):
    reference = on_grid(reference)
    window = on_grid(window)
    edges, frequencies = profile(reference, bins)
    exact = stats.ks_2samp(reference, window, method="exact")
    auto = stats.ks_2samp(reference, window)
    return {
        "name": name,
        "bins": bins,
        "reference": reference.tolist(),
        "window": window.tolist(),
        "bin_edges": edges.tolist(),
        "bin_frequencies": frequencies.tolist(),
        "ks_statistic": float(exact.statistic),
        "ks_pvalue_exact": float(exact.pvalue),
        "ks_pvalue_scipy_default": float(auto.pvalue),
        "psi": psi(edges, frequencies, window),
    }


def main():
    rng = np.random.default_rng(20261120)
    cases = [
        case("identical normal", rng.normal(0, 1, 600), rng.normal(0, 1, 400)),
        case("shifted mean", rng.normal(0, 1, 600), rng.normal(0.3, 1, 400)),
        case("scaled variance", rng.normal(5, 2, 500), rng.normal(5, 3, 300)),
        case("discrete with ties", rng.poisson(3, 400), rng.poisson(3.6, 250)),
        case("few distinct values", rng.integers(0, 3, 300), rng.integers(0, 4, 200)),
        case("small samples", rng.normal(0, 1, 7), rng.normal(0.5, 1, 5), bins=4),
        case("equal sizes", rng.uniform(0, 1, 200), rng.uniform(0.05, 1.05, 200)),
        case("far apart (tiny p)", rng.normal(0, 1, 150), rng.normal(2.5, 1, 150)),
        case("skewed", rng.lognormal(0, 0.5, 1000), rng.lognormal(0.1, 0.5, 700), bins=20),
        case("window outside reference", rng.normal(0, 1, 300), rng.normal(10, 1, 40)),
        case("one window value", rng.normal(0, 1, 300), [0.25]),
    ]
    points = [0.05, 0.1, 0.3, 0.5, 0.8, 0.99, 1.0, 1.01, 1.2, 1.3581, 1.5, 2.0, 3.0, 5.0, 8.0]
    fixtures = {
        "generator": "tests/sidecar/testdata/make_drift_fixtures.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "psi_epsilon": PSI_EPSILON,
        "cases": cases,
        "kolmogorov_survival": [[x, float(special.kolmogorov(x))] for x in points],
    }
    out = pathlib.Path(__file__).with_name("drift_fixtures.json")
    out.write_text(json.dumps(fixtures, separators=(",", ":")) + "\n")
    for c in cases:
        print(f"{c['name']:28} D={c['ks_statistic']:.6f} p={c['ks_pvalue_exact']:.3e} "
              f"psi={c['psi']:.4f} bins={len(c['bin_frequencies'])}")
    print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
