#!/usr/bin/env bash
# (a) A good new model (churn v2, answering every request 200 and fast) rolled out with the gatewayAPI provider
# under errorRate and latencyP99 gates goes through every step (30 %, pause 2s, 60 %) and becomes the stable:
# Succeeded, history Promoted, Prometheus sees the new revision answer requests and the old one none, the old
# pods are gone and the canary Deployment is scaled to 0. lib/rollouts.sh has the steps.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
promote_scenario gatewayAPI
