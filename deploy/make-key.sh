#!/bin/sh
# The keys of a Docker Compose deployment (deploy/README.md), made once, never overwritten:
#   deploy/secrets/mesdroits.key  seals the case files (the app's Docker secret): readable by
#                                 the app's user only (uid 10001, deploy/Dockerfile);
#   deploy/secrets/backup.key     encrypts the backups (`make backup COMPOSE=1`): readable by
#                                 whoever runs the backups on this machine (you).
# Back both up apart from the database and from the backups: without them nothing opens.
# Run as root (or with sudo) so that the key can be given to uid 10001.
#
#   sh deploy/make-key.sh
set -eu
dir="$(dirname "$0")/secrets"
umask 077
mkdir -p "$dir"
new_key() {
    # Fernet: 32 random bytes in URL-safe base64.
    openssl rand -base64 32 | tr '+/' '-_'
}
if [ ! -e "$dir/mesdroits.key" ]; then
    new_key > "$dir/mesdroits.key.tmp"
    if [ "$(id -u)" -eq 0 ]; then
        chown 10001:10001 "$dir/mesdroits.key.tmp"
    else
        echo "Attention : lancez ce script avec sudo, ou faites « sudo chown 10001 $dir/mesdroits.key » :" \
             "l'application (uid 10001) doit pouvoir lire la clé." >&2
    fi
    chmod 0400 "$dir/mesdroits.key.tmp"
    mv "$dir/mesdroits.key.tmp" "$dir/mesdroits.key"
    echo "Clé des dossiers écrite : $dir/mesdroits.key (sauvegardez-la à part)."
fi
if [ ! -e "$dir/backup.key" ]; then
    new_key > "$dir/backup.key.tmp"
    chmod 0400 "$dir/backup.key.tmp"
    mv "$dir/backup.key.tmp" "$dir/backup.key"
    echo "Clé des sauvegardes écrite : $dir/backup.key (sauvegardez-la à part)."
fi
