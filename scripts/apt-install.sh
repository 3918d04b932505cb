# Sourced by the ensure-*.sh scripts: apt_install NAME PACKAGE... installs Debian packages as root or
# with passwordless sudo, printing what it does on stderr (stdout stays the caller's), or says the
# command to run and returns 1. NAME starts every message.
apt_install() {
	local name=$1
	shift
	local command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*"
	local as_root=()
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "$name: $* missing, and apt-get is not available: install it with your package manager" >&2
		return 1
	elif [[ $(id -u) -ne 0 ]]; then
		if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
			echo "$name: $* missing; install it with:" >&2
			echo "  sudo bash -c '$command'" >&2
			return 1
		fi
		as_root=(sudo -n)
	fi
	echo "$name: installing: $command" >&2
	"${as_root[@]}" apt-get update >&2
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2
}
