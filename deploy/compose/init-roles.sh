#!/usr/bin/env bash
# PostgreSQL's first start: the owner role (migrates, owns every object) and
# the application role (what collectors and projectors log in as). The
# migrations grant the application role exactly what it needs.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres -d "$POSTGRES_DB" \
  -v owner_password="$NPS_OWNER_PASSWORD" -v app_password="$NPS_APP_PASSWORD" <<'SQL'
CREATE ROLE nps_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE nps_app LOGIN PASSWORD :'app_password';
ALTER DATABASE nps OWNER TO nps_owner;
ALTER SCHEMA public OWNER TO nps_owner;
SQL
