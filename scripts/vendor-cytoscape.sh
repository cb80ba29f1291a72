#!/usr/bin/env bash
# Vendors cytoscape.js (cytoscape from npm) into src/kennisgraaf/web/static/cytoscape/: its prebuilt browser
# bundle (dist/cytoscape.min.js, copied unchanged), its LICENSE, and a VERSION file with the checksum. The
# network pages (/network, the neighbourhood on an organisation's page) use it. Run by hand to update it (needs
# node and npm, and the npm registry); setup and CI do not run it, the vendored files are committed.
#
#   bash scripts/vendor-cytoscape.sh            # the pinned version below
#   CYTOSCAPE_VERSION=3.35.1 bash scripts/vendor-cytoscape.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${CYTOSCAPE_VERSION:-3.35.0}"
TARGET="src/kennisgraaf/web/static/cytoscape"
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vendor-cytoscape.sh needs $tool." >&2; exit 1; }
done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/cytoscape-npm.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
echo '{"private": true}' >"$scratch/package.json"
(cd "$scratch" && npm install --silent --no-audit --no-fund --ignore-scripts --save-exact "cytoscape@$VERSION")
package="$scratch/node_modules/cytoscape"

mkdir -p "$TARGET"
rm -f "$TARGET"/*
cp "$package/dist/cytoscape.min.js" "$package/LICENSE" "$TARGET/"
{
    echo "cytoscape $VERSION, from the npm registry by scripts/vendor-cytoscape.sh; the files are unchanged."
    (cd "$TARGET" && sha256sum cytoscape.min.js LICENSE)
} >"$TARGET/VERSION"
ls -l "$TARGET"
