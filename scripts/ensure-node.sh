#!/usr/bin/env bash
# Makes sure Node.js and npm exist for the pinned spec linter, the browser test and the TypeScript
# SDK; installs Debian's packages when they are missing.
set -euo pipefail
command -v npm >/dev/null 2>&1 && exit 0
. "$(dirname "$0")/apt-install.sh"
apt_install ensure-node nodejs npm
