#!/usr/bin/env bash
# The LightGBM runtime in-process against lightgbm's own Python predict, same model, one thread:
# trains the model with lightgbm from PyPI (a venv under ~/.cache/aviary/venvs), then times both.
# Prints two JSON lines; bench/README.md has the numbers.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."
version=4.7.0
venv=${AVIARY_VENVS:-$HOME/.cache/aviary/venvs}/lightgbm-$version
out=$(realpath -m "${BENCH_OUT:-build/bench-lightgbm}")
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c "import lightgbm, numpy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "lightgbm==$version" numpy
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAVIARY_BUILD_BENCH=ON >/dev/null
cmake --build build --target aviary-lightgbm-bench
mkdir -p "$out"
echo "lightgbm $version python: $("$venv/bin/python" bench/train_lightgbm_model.py "$out")"
echo "aviary lightgbm runtime:  $(build/bench/aviary-lightgbm-bench "$out/lightgbm_model.txt")"
