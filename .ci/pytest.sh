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
.venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "Aucun test n'a été exécuté." >&2
  exit 1
fi
exit "$status"
