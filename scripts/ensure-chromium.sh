#!/usr/bin/env bash
# Makes sure the chromium package is installed, the browser the browser tests (e2e/browser) drive
# through playwright-core: Debian's at /usr/bin/chromium (Ubuntu's package installs the snap). The
# browser comes from apt, never from a download of playwright's own builds, so that the machine's
# package manager keeps it patched.
#
# Silent when there is nothing to do.
set -euo pipefail

# The same places the test looks (e2e/browser/tryitout_test.go, chromiums).
found() {
	local b
	for b in /usr/bin/chromium /usr/bin/chromium-browser /snap/bin/chromium; do
		[[ -x $b ]] && return 0
	done
	return 1
}

if found; then
	exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install ensure-chromium chromium

if ! found; then
	echo "ensure-chromium: installed the chromium package but found no chromium binary" >&2
	exit 1
fi
