#!/usr/bin/env bash
# Makes sure Debian's cloud-init is installed: the tests of deploy/lightsail check the instance's
# user-data with `cloud-init schema`, the validator of the same program that reads it at first boot.
#
# This machine is no cloud instance, so the package must never act on it at boot: before installing,
# /etc/cloud/cloud-init.disabled is written, which cloud-init's systemd generator honours. A machine
# that already has cloud-init is left as it is.
#
# Silent when there is nothing to do.
set -euo pipefail

found() {
	command -v cloud-init >/dev/null 2>&1
}

if found; then
	exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root=(sudo -n)
fi
if [[ $(id -u) -eq 0 || ${#as_root[@]} -gt 0 ]]; then
	"${as_root[@]}" mkdir -p /etc/cloud
	"${as_root[@]}" touch /etc/cloud/cloud-init.disabled
fi

. "$(dirname "$0")/apt-install.sh"
apt_install ensure-cloud-init cloud-init

if ! found; then
	echo "ensure-cloud-init: installed the cloud-init package but found no cloud-init command" >&2
	exit 1
fi
