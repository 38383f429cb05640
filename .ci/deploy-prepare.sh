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
# At the lowest CPU priority while the suite runs: the suite waits more than it computes
# (pages, servers starting) and the image builds fill the gaps instead of slowing its browser
# tests. Docker builds in the daemon's children, so the daemon (and containerd) are lowered
# too, and put back at the end; a daemon started here starts low and is put back the same way.
daemons_to() {
  local pid task
  for pid in $(pgrep -x dockerd) $(pgrep -x containerd); do
    for task in /proc/"$pid"/task/*; do
      renice -n "$1" -p "${task##*/}" >/dev/null 2>&1 || true
    done
  done
}
say running
trap 'daemons_to 0; say "failed interrupted"; exit 1' INT TERM
started=$(date +%s)
daemons_to 19
nice -n 19 bash .ci/docker-start.sh && nice -n 19 .venv/bin/python -m tests.deploy_stack.stack prepare
status=$?
daemons_to 0
if [ "$status" -eq 0 ]; then
  say "ok $(( $(date +%s) - started ))"
else
  say "failed $status"
fi
exit "$status"
