#!/bin/sh
# Start of the app's container (deploy/Dockerfile): bring the database schema up to date
# (Alembic; also purges closed cases past MESDROITS_RETENTION_DAYS), then run Streamlit.
# With several app processes, deploy/compose.yaml runs the migration once in its own
# `migrate` service before any app starts, so this first step finds nothing to do.
# Any argument replaces the default command, e.g. `mesdroits-start python -m assistant migrate`.
set -eu
cd /app
if [ "$#" -gt 0 ]; then
    exec "$@"
fi
python -m assistant migrate
exec streamlit run assistant/app.py \
    --server.address 0.0.0.0 --server.port 8501 \
    --server.headless true --browser.gatherUsageStats false
