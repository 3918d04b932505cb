#!/usr/bin/env bash
# Makes sure Debian's chromium is installed at /usr/bin/chromium, the browser the Swagger UI test
# (e2e/browser) drives through playwright-core. The browser comes from apt, never from a download
# of playwright's own builds, so that the machine's package manager keeps it patched.
#
# Silent when there is nothing to do.
set -euo pipefail

browser=/usr/bin/chromium
if [[ -x $browser ]]; then
	exit 0
fi

install='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium'
if command -v apt-get >/dev/null 2>&1; then
	if [[ $(id -u) -eq 0 ]]; then
		echo "ensure-chromium: installing chromium: $install" >&2
		apt-get update >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		echo "ensure-chromium: installing chromium with sudo: $install" >&2
		sudo -n apt-get update >&2
		sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
	else
		echo "ensure-chromium: $browser is missing; install it with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
		exit 1
	fi
else
	echo "ensure-chromium: $browser is missing and apt-get is not available; the browser test needs" >&2
	echo "Debian's chromium package at that path." >&2
	exit 1
fi

if [[ ! -x $browser ]]; then
	echo "ensure-chromium: installed the chromium package but $browser is still missing" >&2
	exit 1
fi
