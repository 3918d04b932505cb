#!/usr/bin/env bash
# Restores a backup made by backup.sh into a database, then checks that every table of the backup is
# there and readable.
#
#   restore.sh FILE | s3://BUCKET/KEY | latest
#
# latest is the newest backup in s3://BACKUP_BUCKET/BACKUP_PREFIX/ when a bucket is set, else in
# BACKUP_DIR. The restore runs in one transaction with pg_restore --clean --if-exists, so it
# replaces what the target holds, or, failing, leaves it as it was. Owners and grants are not
# restored: the target's own role owns everything, as a managed database's master user does.
#
#   DATABASE_URL        the target database; it must exist (createdb, or a fresh service)
#   PG_COMPOSE_SERVICE  run pg_restore and psql in this docker compose service, e.g. postgres
#   BACKUP_DIR, BACKUP_BUCKET, BACKUP_PREFIX, BACKUP_S3_ENDPOINT as for backup.sh
#
# Stop the FountainAI services first (docker compose stop, all but postgres) so that nobody writes
# while the tables are replaced.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 FILE | s3://BUCKET/KEY | latest" >&2
	exit 2
fi
: "${DATABASE_URL:?DATABASE_URL names the database to restore into}"
source=$1
backup_dir=${BACKUP_DIR:-/var/backups/fountainai}
bucket=${BACKUP_BUCKET:-}
prefix=${BACKUP_PREFIX:-fountainai}
name_pattern='^fountainai-[0-9]{8}T[0-9]{6}Z\.dump$'

pg() {
	if [[ -n ${PG_COMPOSE_SERVICE:-} ]]; then
		docker compose exec -T "$PG_COMPOSE_SERVICE" "$@"
	else
		"$@"
	fi
}

aws_s3() {
	if [[ -n ${BACKUP_S3_ENDPOINT:-} ]]; then
		aws --endpoint-url "$BACKUP_S3_ENDPOINT" s3 "$@"
	else
		aws s3 "$@"
	fi
}

if [[ $source == latest ]]; then
	if [[ -n $bucket ]]; then
		newest=$(aws_s3 ls "s3://$bucket/$prefix/" | while read -r _ _ _ name; do
			if [[ $name =~ $name_pattern ]]; then echo "$name"; fi
		done | sort | tail -n 1)
		[[ -n $newest ]] || { echo "restore: no backup in s3://$bucket/$prefix/" >&2; exit 1; }
		source="s3://$bucket/$prefix/$newest"
	else
		newest=$(for f in "$backup_dir"/fountainai-*.dump; do
			if [[ -f $f && $(basename "$f") =~ $name_pattern ]]; then echo "$f"; fi
		done | sort | tail -n 1)
		[[ -n $newest ]] || { echo "restore: no backup in $backup_dir" >&2; exit 1; }
		source=$newest
	fi
fi

file=$source
if [[ $source == s3://* ]]; then
	umask 077
	mkdir -p "$backup_dir"
	file="$backup_dir/restore-$(basename "$source")"
	trap 'rm -f "$file"' EXIT
	aws_s3 cp --only-show-errors "$source" "$file"
fi
if [[ ! -f $file ]]; then
	echo "restore: no backup file $file" >&2
	exit 1
fi
echo "restore: restoring $source" >&2

restore=(pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --no-password)
# The archive goes in on standard input, the only way into a container.
pg "${restore[@]}" --dbname="$DATABASE_URL" <"$file"

# Every table the archive holds (TOC lines "ID; OID OID TABLE schema name owner", not TABLE DATA
# nor a partition's TABLE ATTACH) must be there.
values=$(pg pg_restore --list <"$file" | awk '$4 == "TABLE" && $5 != "DATA" && $5 != "ATTACH" {
	gsub(/\x27/, "\x27\x27"); printf "%s(\x27%s\x27, \x27%s\x27)", (n++ ? ", " : ""), $5, $6 }')
if [[ -z $values ]]; then
	echo "restore: the backup holds no table" >&2
	exit 1
fi
check="SELECT count(*), count(*) FILTER (WHERE to_regclass(format('%I.%I', s, t)) IS NULL)
	FROM (VALUES $values) AS v(s, t)"
result=$(pg psql --no-psqlrc --no-password --tuples-only --no-align --field-separator=' ' \
	--dbname="$DATABASE_URL" --command="$check")
read -r tables missing <<<"$result"
if [[ $missing != 0 ]]; then
	echo "restore: $missing of the $tables tables of the backup are missing after the restore" >&2
	exit 1
fi
echo "restore: restored $tables tables into the target database" >&2
