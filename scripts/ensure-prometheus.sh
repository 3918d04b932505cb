#!/usr/bin/env bash
# Makes sure Debian's prometheus package is installed: its promtool checks deploy/prometheus/ (config,
# alert rules and their unit tests) and its prometheus binary scrapes a running `fountain serve` in the
# integration test (internal/metrics). The tests start their own prometheus on a free port with a
# temporary storage directory; the package's system service is never used, so it is kept from starting
# (policy-rc.d while installing) and stopped and disabled if an init system started it anyway, leaving
# port 9090 free.
#
# Silent when there is nothing to do.
set -euo pipefail

found() {
	command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1
}

if found; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-prometheus: prometheus and promtool are missing and apt-get is not available; install" >&2
	echo "Prometheus 2.x with your package manager so that both are on PATH." >&2
	exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
	as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root=(sudo -n)
else
	echo "ensure-prometheus: prometheus and promtool are missing; install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus" >&2
	exit 1
fi

echo "ensure-prometheus: installing Debian's prometheus package (prometheus, promtool)" >&2

# A policy-rc.d that answers 101 tells the package's maintainer scripts not to start the service.
# One already in place (container images ship one) is left alone.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [[ ! -e $policy ]]; then
	"${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
	own_policy=true
fi
cleanup() {
	if $own_policy; then
		"${as_root[@]}" rm -f "$policy"
	fi
}
trap cleanup EXIT

"${as_root[@]}" apt-get update >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2

# Under systemd the unit may still be enabled (and started by a later boot); it would hold :9090.
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
	"${as_root[@]}" systemctl disable --now prometheus.service >&2 || true
fi

if ! found; then
	echo "ensure-prometheus: installed the prometheus package but still cannot find prometheus and promtool" >&2
	exit 1
fi
