#!/usr/bin/env bash
# Writes the .env that docker compose and the backup unit read on the Lightsail host (first argument,
# /etc/fountainai/.env there), mode 0600. The secrets are made here with openssl rand, so they never
# leave the host; run again (an upgrade, a changed domain) it keeps the secrets the file already
# holds, since PostgreSQL's volume and Grafana's keep the first ones.
#
# The settings come from the environment (cloud-init passes those OpenTofu rendered):
# FOUNTAIN_DOMAIN, ACME_EMAIL, FOUNTAIN_IMAGE_TAG; optional BACKUP_BUCKET, AWS_REGION,
# BACKUP_KEEP_DAYS (14), BACKUP_DIR (/var/backups/fountainai).
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 ENV_FILE" >&2
	exit 2
fi
out=$1
: "${FOUNTAIN_DOMAIN:?FOUNTAIN_DOMAIN is the host name Caddy gets a certificate for}"
: "${ACME_EMAIL:?ACME_EMAIL is the address the certificate authority writes to}"
: "${FOUNTAIN_IMAGE_TAG:?FOUNTAIN_IMAGE_TAG is the release the image is built from}"

# kept KEY prints the value KEY has in the existing file, if any.
kept() {
	if [[ -f $out ]]; then
		sed -n "s/^$1=//p" "$out" | tail -n 1
	fi
}

# secret KEY BYTES prints the kept value of KEY, or a new one of BYTES random bytes in hex (URL-safe,
# as the database URL needs).
secret() {
	local value
	value=$(kept "$1")
	if [[ -z $value ]]; then
		value=$(openssl rand -hex "$2")
	fi
	printf '%s' "$value"
}

postgres_password=$(secret POSTGRES_PASSWORD 24)
ingest_key=$(secret FOUNTAIN_INGEST_KEY 32)
grafana_password=$(secret GRAFANA_ADMIN_PASSWORD 24)
# An operator who moved the database to Lightsail's managed one set these by hand; keep them.
database_url=$(kept FOUNTAIN_DATABASE_URL)
backup_url=$(kept DATABASE_URL)
if [[ -z $backup_url ]]; then
	backup_url="postgres://fountain:${postgres_password}@localhost:5432/fountain?sslmode=disable"
fi

umask 077
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<ENV
# Written by deploy/lightsail/write-env.sh; the secrets were made on this host. Keep this file here.
COMPOSE_FILE=docker-compose.yml:deploy/lightsail/compose.lightsail.yml
FOUNTAIN_IMAGE_TAG=${FOUNTAIN_IMAGE_TAG}
POSTGRES_PASSWORD=${postgres_password}
FOUNTAIN_INGEST_KEY=${ingest_key}
GRAFANA_ADMIN_PASSWORD=${grafana_password}
FOUNTAIN_DOMAIN=${FOUNTAIN_DOMAIN}
ACME_EMAIL=${ACME_EMAIL}
ENV
if [[ -n $database_url ]]; then
	echo "FOUNTAIN_DATABASE_URL=${database_url}" >>"$tmp"
fi
cat >>"$tmp" <<ENV
# Read by backup.sh and restore.sh (fountainai-backup.service): pg_dump runs in the postgres service.
DATABASE_URL=${backup_url}
PG_COMPOSE_SERVICE=postgres
BACKUP_DIR=${BACKUP_DIR:-/var/backups/fountainai}
BACKUP_BUCKET=${BACKUP_BUCKET:-}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
AWS_REGION=${AWS_REGION:-}
ENV
chmod 0600 "$tmp"
mv "$tmp" "$out"
trap - EXIT
