#!/bin/sh
# The database's two roles (issue 19): deploy/compose.yaml mounts this file into postgres's
# /docker-entrypoint-initdb.d, where the image runs it once, on its first start with an empty
# volume, as the superuser POSTGRES_USER on POSTGRES_DB. It changes nothing that is already
# right, so it can be run again by hand: to move an older volume to these roles, or to
# change their passwords (deploy/README.md).
#
#   mesdroits_owner  owns the database, its schema and its tables: the one-shot `migrate`
#                    service connects as it and runs the migrations.
#   mesdroits_app    what the app's processes connect as: SELECT, INSERT, UPDATE, DELETE on
#                    the tables and USAGE on the sequences, nothing else (no CREATE, DROP,
#                    ALTER or TRUNCATE; not superuser). Tables a later migration creates get
#                    the same grants: ALTER DEFAULT PRIVILEGES FOR ROLE mesdroits_owner.
#
# Reads MESDROITS_OWNER_PASSWORD and MESDROITS_APP_PASSWORD (deploy/.env, via compose).
set -eu
: "${MESDROITS_OWNER_PASSWORD:?MESDROITS_OWNER_PASSWORD manque (deploy/.env)}"
: "${MESDROITS_APP_PASSWORD:?MESDROITS_APP_PASSWORD manque (deploy/.env)}"
db="${POSTGRES_DB:-mesdroits}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "${POSTGRES_USER:-postgres}" --dbname "$db" \
     -v db="$db" -v owner_password="$MESDROITS_OWNER_PASSWORD" -v app_password="$MESDROITS_APP_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE mesdroits_owner' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mesdroits_owner') \gexec
SELECT 'CREATE ROLE mesdroits_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mesdroits_app') \gexec
ALTER ROLE mesdroits_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_password';
ALTER ROLE mesdroits_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT PASSWORD :'app_password';

ALTER DATABASE :"db" OWNER TO mesdroits_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO mesdroits_app;
ALTER SCHEMA public OWNER TO mesdroits_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO mesdroits_app;

-- An older volume, whose tables the superuser made: handed to the owner (their sequences
-- and indexes follow).
SELECT format('ALTER TABLE public.%I OWNER TO mesdroits_owner', tablename)
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'mesdroits_owner' \gexec

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mesdroits_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO mesdroits_app;
ALTER DEFAULT PRIVILEGES FOR ROLE mesdroits_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mesdroits_app;
ALTER DEFAULT PRIVILEGES FOR ROLE mesdroits_owner IN SCHEMA public
  GRANT USAGE ON SEQUENCES TO mesdroits_app;
SQL
echo "Rôles mesdroits_owner (migrations) et mesdroits_app (application) prêts dans la base $db."
