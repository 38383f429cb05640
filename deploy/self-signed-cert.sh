#!/bin/sh
# A self-signed certificate, FOR TESTING ONLY (browsers warn; use Let's Encrypt on a real
# network, deploy/README.md). Writes deploy/tls/fullchain.pem and deploy/tls/privkey.pem,
# valid 30 days, for the host name given (default: localhost) and 127.0.0.1.
#
#   sh deploy/self-signed-cert.sh [HOST_NAME]
set -eu
name="${1:-localhost}"
dir="$(dirname "$0")/tls"
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" \
    -subj "/CN=$name" -addext "subjectAltName=DNS:$name,IP:127.0.0.1"
chmod 644 "$dir/fullchain.pem"
echo "Certificat de test écrit dans $dir (valable 30 jours, pour $name)."
