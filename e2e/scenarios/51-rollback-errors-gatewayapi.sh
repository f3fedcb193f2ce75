#!/usr/bin/env bash
# (b) A model that answers every request 400 (churn/wide takes 12 features, the requests carry 8), rolled
# out with the gatewayAPI provider, is rolled back on the errorRate gate: Failed with the stable unchanged,
# history RolledBack, the gate named in a condition and an Event, all traffic back on the stable (router and
# Prometheus). Prints the seconds from the first 400 in Prometheus to 100 % on the stable (the goal is one
# analysis interval + 2 s) and appends them to $AVIARY_CLUSTER_DIR/breach-to-stable.txt.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
rollback_errors_scenario gatewayAPI
