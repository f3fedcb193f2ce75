#!/usr/bin/env bash
# (c) A slow model (300 chains of 80 splits, 25 ms a request on an idle machine, up to 1 s under load; made by make_models.py --slow) rolled
# out with the gatewayAPI provider is rolled back on latencyP99 (max 10 ms): Failed, stable unchanged, the
# gate named in a condition and an Event, traffic back on the stable; Prometheus's own p99 of the canary is
# above 10 ms.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
rollback_latency_scenario gatewayAPI
