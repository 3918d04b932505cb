#!/usr/bin/env bash
# Makes sure poppler-utils is installed: the tests of the printable script
# (internal/fountain/pdf) read the PDFs they render back with its pdftotext and pdfinfo, to check
# where each element lands on the page.
#
# Silent when there is nothing to do.
set -euo pipefail

found() {
	command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1
}

if found; then
	exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install ensure-poppler poppler-utils

if ! found; then
	echo "ensure-poppler: installed the poppler-utils package but found no pdftotext or pdfinfo" >&2
	exit 1
fi
