#!/usr/bin/env bash
# Fetches, from the npm registry, the official data the tests check our generated files
# against: Etalab's découpage administratif at the version assistant/law/data/communes.json.gz
# records (tests/test_communes.py walks every commune with it). Cached in test-artifacts/.
# Prints the unpacked folder. Without npm or the registry it fails: CI never skips the walk.
set -euo pipefail
cd "$(dirname "$0")/.."
source=$(python3 -c "import gzip, json; print(json.load(gzip.open('assistant/law/data/communes.json.gz'))['source'])")
folder="test-artifacts/official/${source//[@\/]/_}"
if [ ! -f "$folder/package/data/communes.json" ]; then
  mkdir -p "$folder"
  (cd "$folder" && npm pack --silent "$source" >/dev/null && tar xzf ./*.tgz && rm -f ./*.tgz)
fi
echo "$PWD/$folder/package"
