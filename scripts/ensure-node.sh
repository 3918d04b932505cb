#!/usr/bin/env bash
# Makes sure Node.js and npm exist for the pinned spec linter and the TypeScript SDK; installs them
# with apt when missing.
set -euo pipefail
command -v npm >/dev/null 2>&1 && exit 0
install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm"
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then bash -c "$install"; exit 0; fi
  if sudo -n true 2>/dev/null; then sudo bash -c "$install"; exit 0; fi
fi
echo "npm is needed to lint the specs and build the TypeScript SDK. Install Node.js and npm, e.g.: sudo bash -c '$install'" >&2
exit 1
