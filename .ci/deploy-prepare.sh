#!/usr/bin/env bash
# Prepares the deployment test (tests/test_deploy_stack.py): dockerd (reused when one runs,
# .ci/docker-start.sh), the debootstrap base and the stand-ins of the official images, then
# the app's image (tests/deploy_stack/stack.py). On a new machine this is minutes of
# downloads (debootstrap, apt, pip); afterwards Docker's cache makes it seconds.
# .ci/pytest.sh runs it in the background while the suite runs; the test waits for the state
# it writes in the file given (default test-artifacts/deploy/prepare.state): `running`, then
# `ok <seconds>` or `failed <exit code>`.
set -uo pipefail
cd "$(dirname "$0")/.."
state="${1:-test-artifacts/deploy/prepare.state}"
mkdir -p "$(dirname "$state")"
say() { echo "$1" > "$state.partial" && mv "$state.partial" "$state"; }
say running
trap 'say "failed interrupted"; exit 1' INT TERM
started=$(date +%s)
bash .ci/docker-start.sh && .venv/bin/python -m tests.deploy_stack.stack prepare
status=$?
if [ "$status" -eq 0 ]; then
  say "ok $(( $(date +%s) - started ))"
else
  say "failed $status"
fi
exit "$status"
