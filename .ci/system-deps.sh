#!/usr/bin/env bash
# Installs the system components the tests drive for real: Debian chromium (browser
# tests), LibreOffice Writer headless (PDF), PostgreSQL (store), poppler (PDF checks),
# nginx (the compressed deployment of deploy/nginx.conf, tests/browser/test_letters_page.py),
# docker-compose (checks deploy/compose.yaml, tests/test_deploy.py; no daemon needed),
# npm (fetches Etalab's commune data for tests/test_communes.py, .ci/official-data.sh).
# Only what is missing is installed. Without root, a missing component is reported
# and the tests that need it fail (never a silent skip).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installation des composants système manquants : ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Pas root : installez-les avec « sudo apt-get install ${need[*]} »." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
