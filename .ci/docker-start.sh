#!/usr/bin/env bash
# Starts Debian's dockerd for the deployment test (tests/test_deploy_stack.py), unless a
# daemon already answers: then it is reused and nothing is restarted. The options fit a
# machine without a host network to share: no iptables rules, no NAT, no default bridge
# (compose makes its own network; published ports go through docker-proxy). overlay2, or
# vfs where overlay cannot mount. Log: /var/log/mesdroits-dockerd.log.
set -euo pipefail
if docker info >/dev/null 2>&1; then
  exit 0
fi
dockerd=$(command -v dockerd || true)
if [ -z "$dockerd" ]; then
  echo "dockerd manque : installez le paquet Debian docker.io (.ci/system-deps.sh le fait)." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "dockerd ne tourne pas, et il faut être root pour le démarrer." >&2
  exit 1
fi
log=/var/log/mesdroits-dockerd.log
start() {
  # setsid: the daemon outlives this script and the test run's process group.
  setsid "$dockerd" --iptables=false --ip-masq=false --bridge=none "$@" >>"$log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 $! 2>/dev/null; then
      return 1
    fi
    sleep 0.5
  done
  kill $! 2>/dev/null || true
  return 1
}
if start || { echo "dockerd n'a pas démarré avec overlay2 ; essai avec vfs." >&2; start --storage-driver vfs; }; then
  echo "dockerd démarré ($(docker info --format '{{.Driver}}'))." >&2
  exit 0
fi
echo "dockerd n'a pas démarré : voir $log" >&2
tail -n 20 "$log" >&2
exit 1
