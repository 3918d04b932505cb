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

. "$(dirname "$0")/apt-install.sh"
apt_install ensure-chromium chromium

if [[ ! -x $browser ]]; then
	echo "ensure-chromium: installed the chromium package but $browser is still missing" >&2
	exit 1
fi
