#!/usr/bin/env bash
# Vendors YASGUI (@zazuko/yasgui from npm) into src/kennisgraaf/web/static/yasgui/: its prebuilt browser bundle
# (yasgui.min.js, yasgui.min.css, copied unchanged), its licence and those of the packages bundled into it,
# and a VERSION file with the checksums. Run by hand to update YASGUI (needs node and npm, and the npm
# registry); setup and CI do not run it, the vendored files are committed.
#
#   bash scripts/vendor-yasgui.sh            # the pinned version below
#   YASGUI_VERSION=4.6.3 bash scripts/vendor-yasgui.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${YASGUI_VERSION:-4.6.2}"
TARGET="src/kennisgraaf/web/static/yasgui"
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vendor-yasgui.sh needs $tool." >&2; exit 1; }
done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/yasgui-npm.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
echo '{"private": true}' >"$scratch/package.json"
(cd "$scratch" && npm install --silent --no-audit --no-fund --ignore-scripts --save-exact "@zazuko/yasgui@$VERSION")
build="$scratch/node_modules/@zazuko/yasgui/build"

mkdir -p "$TARGET"
rm -f "$TARGET"/*
cp "$build/yasgui.min.js" "$build/yasgui.min.css" "$TARGET/"

# The npm package has no licence file; this is the LICENSE of https://github.com/rdfjs/Yasgui (MIT).
{
    cat <<'EOF'
YASGUI (@zazuko/yasgui, with @zazuko/yasqe, @zazuko/yasr and @zazuko/yasgui-utils)
https://github.com/rdfjs/Yasgui — by Triply and Zazuko GmbH

The MIT License (MIT)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.


The bundle yasgui.min.js and yasgui.min.css also contains the packages below, under their own licences
(the texts are those of the versions npm installed when this was vendored).
EOF
    # The packages bundled into the JavaScript, read from its source map, and the table's stylesheet.
    (cd "$scratch" && node -e '
        const fs = require("fs"), path = require("path");
        const map = JSON.parse(fs.readFileSync("node_modules/@zazuko/yasgui/build/yasgui.min.js.map", "utf8"));
        const names = new Set(["datatables.net-dt"]);
        for (const source of map.sources) {
            const found = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
            if (found && !found[1].startsWith("@zazuko/")) names.add(found[1]);
        }
        for (const name of [...names].sort()) {
            const dir = path.join("node_modules", name);
            const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort();
            process.stdout.write("\n\n" + "=".repeat(100) + "\n" + name + " — " + (meta.license || "see below") +
                                 "\n" + "=".repeat(100) + "\n");
            if (!files.length) process.stdout.write("(The npm package has no licence file; its package.json says " +
                                                    (meta.license || "nothing") + ".)\n");
            for (const file of files) process.stdout.write("\n" + fs.readFileSync(path.join(dir, file), "utf8"));
        }')
} >"$TARGET/LICENSE"

{
    echo "@zazuko/yasgui $VERSION, from the npm registry by scripts/vendor-yasgui.sh; the files are unchanged."
    (cd "$TARGET" && sha256sum yasgui.min.js yasgui.min.css)
} >"$TARGET/VERSION"
ls -l "$TARGET"
