#!/bin/sh
# Start of the app's container (deploy/Dockerfile): Streamlit, and nothing else. The
# migrations run once, in deploy/compose.yaml's `migrate` service, as the owner of the
# tables: the app's database role cannot change the schema. Asked for, they run here
# instead: `mesdroits-start python -m assistant migrate` (any argument replaces the default
# command). Without Compose (one container, the embedded SQLite database), the store brings
# its schema up to date when it opens.
#
# --browser.serverAddress: with --server.address 0.0.0.0 and no server address, Streamlit
# spends ~20 s at each start trying to learn its external IP from an outside service
# (measured, issue 19); the name is only what its start message prints.
set -eu
cd /app
if [ "$#" -gt 0 ]; then
    exec "$@"
fi
exec streamlit run assistant/app.py \
    --server.address 0.0.0.0 --server.port 8501 --browser.serverAddress localhost \
    --server.headless true --browser.gatherUsageStats false
