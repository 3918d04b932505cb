#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries that internal/pgcluster runs (initdb, pg_ctl, postgres)
# are installed, so that `make test` and `fountain serve` work on a fresh Debian or Ubuntu machine.
# Nothing is configured or started here: pgcluster brings up its own private clusters. If the
# Debian package starts its own system cluster on port 5432, that is harmless; we never use it.
#
# Silent when there is nothing to do: a database URL is configured, or the binaries are found by
# the same discovery as the Go code ($FOUNTAIN_PG_BIN, /usr/lib/postgresql/*/bin, PATH).
set -euo pipefail

if [[ -n "${FOUNTAIN_DATABASE_URL:-}" || -n "${FOUNTAIN_TEST_DATABASE_URL:-}" ]]; then
	exit 0
fi

has_binaries() {
	local dir=$1 name
	for name in initdb pg_ctl postgres; do
		[[ -x "$dir/$name" && ! -d "$dir/$name" ]] || return 1
	done
}

found() {
	local dir initdb
	for dir in /usr/lib/postgresql/*/bin; do
		has_binaries "$dir" && return 0
	done
	initdb=$(command -v initdb 2>/dev/null) || return 1
	has_binaries "$(dirname "$initdb")"
}

# Like the Go code, an explicit FOUNTAIN_PG_BIN is final: installing packages would not fix it.
if [[ -n "${FOUNTAIN_PG_BIN:-}" ]]; then
	if has_binaries "$FOUNTAIN_PG_BIN"; then
		exit 0
	fi
	echo "ensure-postgres: FOUNTAIN_PG_BIN=$FOUNTAIN_PG_BIN does not hold initdb, pg_ctl and postgres" >&2
	exit 1
fi

if found; then
	exit 0
fi

. "$(dirname "$0")/apt-install.sh"
if ! apt_install ensure-postgres postgresql; then
	echo "ensure-postgres: or set FOUNTAIN_PG_BIN to the directory holding initdb, pg_ctl and postgres, or" >&2
	echo "FOUNTAIN_DATABASE_URL / FOUNTAIN_TEST_DATABASE_URL to use an existing server." >&2
	exit 1
fi

if ! found; then
	echo "ensure-postgres: installed the postgresql package but still cannot find initdb" >&2
	exit 1
fi
