#!/usr/bin/env bash
# Installs the system components the tests drive for real: Debian chromium (browser
# tests), LibreOffice Writer headless (PDF), PostgreSQL (store), poppler (PDF checks),
# nginx (the compressed deployment of deploy/nginx.conf, tests/browser/test_letters_page.py),
# docker-compose (checks deploy/compose.yaml, tests/test_deploy.py), docker.io and
# debootstrap (the compose stack run for real, tests/test_deploy_stack.py),
# npm (fetches Etalab's commune data for tests/test_communes.py, .ci/official-data.sh).
# Only what is missing is installed. Without root, a missing component is reported
# and the tests that need it fail (never a silent skip).
#
# `--ocr` (make run): only Tesseract and its French model, which the app needs to read a
# photographed letter. Without root they are not installed: the app still starts, and says
# that reading a photo is unavailable.
set -euo pipefail
need=()
if [ "${1:-}" = "--ocr" ]; then
  command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
  ls /usr/share/tesseract-ocr/*/tessdata/fra.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-fra)
  [ ${#need[@]} -eq 0 ] && exit 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Tesseract manque : la lecture des courriers photographiés ne marchera pas. Installez-le en root (« sudo apt-get install ${need[*]} »), ou relancez « make run » en root." >&2
    exit 0
  fi
  echo "Installation de Tesseract pour lire les courriers photographiés : ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v npm >/dev/null 2>&1 || need+=(npm)
# Reading a photographed letter (assistant/reading/): Tesseract and its French model; strace
# proves the reading writes nothing (tests/test_reading_privacy.py).
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/fra.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/fra.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-fra)
command -v strace >/dev/null 2>&1 || need+=(strace)
# The deployment test (tests/test_deploy_stack.py): Debian's Docker daemon (dockerd; a docker
# client elsewhere on the PATH is not enough) and debootstrap for the images' Debian base.
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
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
# No service is started by the packages (docker.io would start a dockerd with its default
# network set-up): .ci/docker-start.sh starts the one the tests need.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
