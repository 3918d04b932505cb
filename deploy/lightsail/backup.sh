#!/usr/bin/env bash
# Backs up the FountainAI database: pg_dump --format=custom into BACKUP_DIR as
# fountainai-YYYYMMDDTHHMMSSZ.dump, uploaded to s3://BACKUP_BUCKET/BACKUP_PREFIX/ when a bucket is
# set (a Lightsail bucket, or any S3-compatible store with BACKUP_S3_ENDPOINT), then removes the
# backups older than BACKUP_KEEP_DAYS, locally and in the bucket. Prints the local file's path.
#
#   DATABASE_URL        the database to dump (postgres://user:password@host:port/db)
#   PG_COMPOSE_SERVICE  run pg_dump in this docker compose service (run from the compose project),
#                       e.g. postgres; unset: the pg_dump on PATH
#   BACKUP_DIR          where the dumps are kept on this machine (/var/backups/fountainai)
#   BACKUP_BUCKET       bucket to upload to with the aws CLI; unset or empty: local only
#   BACKUP_PREFIX       key prefix in the bucket (fountainai)
#   BACKUP_S3_ENDPOINT  endpoint of an S3-compatible store other than AWS's
#   BACKUP_KEEP_DAYS    days a backup is kept (14)
#
# Inside the compose postgres container, which has pg_dump but no aws CLI:
#   docker compose exec -T -e DATABASE_URL=... -e BACKUP_DIR=/tmp postgres bash -s < backup.sh
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL names the database to back up}"
backup_dir=${BACKUP_DIR:-/var/backups/fountainai}
bucket=${BACKUP_BUCKET:-}
prefix=${BACKUP_PREFIX:-fountainai}
keep_days=${BACKUP_KEEP_DAYS:-14}
if ! [[ $keep_days =~ ^[0-9]+$ ]]; then
	echo "backup: BACKUP_KEEP_DAYS must be a number of days, not '$keep_days'" >&2
	exit 2
fi

# pg runs a PostgreSQL client in the compose service when one is named, else from PATH.
pg() {
	if [[ -n ${PG_COMPOSE_SERVICE:-} ]]; then
		docker compose exec -T "$PG_COMPOSE_SERVICE" "$@"
	else
		"$@"
	fi
}

# aws_s3 runs `aws s3 ...` against the configured endpoint.
aws_s3() {
	if [[ -n ${BACKUP_S3_ENDPOINT:-} ]]; then
		aws --endpoint-url "$BACKUP_S3_ENDPOINT" s3 "$@"
	else
		aws s3 "$@"
	fi
}

# Names sort as times do, so "older than the cutoff" is a comparison of names.
name_pattern='^fountainai-[0-9]{8}T[0-9]{6}Z\.dump$'
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cutoff="fountainai-$(date -u -d "@$(($(date -u +%s) - keep_days * 86400))" +%Y%m%dT%H%M%SZ).dump"

umask 077
mkdir -p "$backup_dir"
file="$backup_dir/fountainai-$stamp.dump"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
pg pg_dump --format=custom --no-password --dbname="$DATABASE_URL" >"$partial"
# A dump that pg_restore cannot list is no backup.
pg_list=(pg_restore --list)
if [[ -n ${PG_COMPOSE_SERVICE:-} ]]; then
	pg "${pg_list[@]}" <"$partial" >/dev/null
else
	"${pg_list[@]}" "$partial" >/dev/null
fi
mv "$partial" "$file"
trap - EXIT
echo "backup: wrote $file ($(wc -c <"$file") bytes)" >&2

if [[ -n $bucket ]]; then
	aws_s3 cp --only-show-errors "$file" "s3://$bucket/$prefix/$(basename "$file")"
	echo "backup: uploaded to s3://$bucket/$prefix/$(basename "$file")" >&2
fi

for old in "$backup_dir"/fountainai-*.dump; do
	name=$(basename "$old")
	if [[ -f $old && $name =~ $name_pattern && $name < $cutoff ]]; then
		rm -f "$old"
		echo "backup: removed $old, older than $keep_days days" >&2
	fi
done
if [[ -n $bucket ]]; then
	# `aws s3 ls` prints date, time, size and name; names never hold spaces.
	aws_s3 ls "s3://$bucket/$prefix/" | while read -r _ _ _ name; do
		if [[ $name =~ $name_pattern && $name < $cutoff ]]; then
			aws_s3 rm --only-show-errors "s3://$bucket/$prefix/$name"
			echo "backup: removed s3://$bucket/$prefix/$name, older than $keep_days days" >&2
		fi
	done
fi

echo "$file"
