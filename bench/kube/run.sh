#!/usr/bin/env bash
# Builds and runs the watch/cache benchmark; prints the numbers and the command that produced them.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."
build="${BUILD_DIR:-build}"
cmake -S . -B "${build}" -DAVIARY_BUILD_BENCH=ON >/dev/null
cmake --build "${build}" --target kube_watch_bench >/dev/null
echo "\$ ${build}/bench/kube/kube_watch_bench ${1:-20000}   # $(nproc) cores, $(uname -r), $(date -u +%F)"
"${build}/bench/kube/kube_watch_bench" "${1:-20000}"
