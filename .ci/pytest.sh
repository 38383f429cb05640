#!/usr/bin/env bash
# Runs the whole suite on both cores. pytest's exit 5 (no test collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
# The official commune data the commune walk checks against (npm registry, cached).
if official=$(bash .ci/official-data.sh); then
  export DECOUPAGE_DIR="$official"
else
  echo "Données officielles des communes indisponibles (npm) : le test des communes échouera." >&2
fi
# The deployment test's images (tests/test_deploy_stack.py) are made meanwhile, in their own
# process group: on a new machine that is minutes of downloads the suite does not wait for.
mkdir -p test-artifacts/deploy
export MESDROITS_DEPLOY_PREPARE="$PWD/test-artifacts/deploy/prepare.state"
rm -f "$MESDROITS_DEPLOY_PREPARE"
setsid bash .ci/deploy-prepare.sh "$MESDROITS_DEPLOY_PREPARE" > test-artifacts/deploy/prepare.log 2>&1 < /dev/null &
prepare=$!
# Two workers, one per core (MESDROITS_TEST_WORKERS to change it): a cold clean-clone run
# with three took 17 min 21 s instead of 15 min 50 s, its browser pages twice as slow.
.venv/bin/python -m pytest -n "${MESDROITS_TEST_WORKERS:-2}" --dist loadgroup --durations=40 "$@"
status=$?
# Still running (the deployment test was not selected): stopped, dockerd left as it is.
kill -TERM -- "-$prepare" 2>/dev/null || true
if [ "$status" -eq 5 ]; then
  echo "Aucun test n'a été exécuté." >&2
  exit 1
fi
exit "$status"
