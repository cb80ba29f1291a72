#!/usr/bin/env bash
# Vendors shacl-form (@ulb-darmstadt/shacl-form from npm, the <shacl-form> web component of the entry form)
# into src/kennisgraaf/web/static/shacl-form/: its standalone browser bundle with the default theme
# (form-default.js, an ES module, copied unchanged), its licence and those of the packages bundled into it,
# and a VERSION file with the checksum. Run by hand to update shacl-form (needs node and npm, and the npm
# registry); setup and CI do not run it, the vendored files are committed.
#
#   bash scripts/vendor-shacl-form.sh            # the pinned version below
#   SHACL_FORM_VERSION=1.4.7 bash scripts/vendor-shacl-form.sh
#
# What the bundle may fetch at run time, and why the form page fetches nothing: shapes and values from
# data-shapes-url / data-values-url (the page gives both inline instead), every owl:imports of the shapes (the
# page sets data-ignore-owl-imports, and the generated shapes have none) and class instances through a class
# instance provider (the page sets none). It loads no fonts, stylesheets or other scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${SHACL_FORM_VERSION:-1.4.6}"
TARGET="src/kennisgraaf/web/static/shacl-form"
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vendor-shacl-form.sh needs $tool." >&2; exit 1; }
done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/shacl-form-npm.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
echo '{"private": true}' >"$scratch/package.json"
(cd "$scratch" && npm install --silent --no-audit --no-fund --ignore-scripts --save-exact \
    "@ulb-darmstadt/shacl-form@$VERSION")
package="$scratch/node_modules/@ulb-darmstadt/shacl-form"

mkdir -p "$TARGET"
rm -f "$TARGET"/*
cp "$package/dist/form-default.js" "$TARGET/"

{
    echo "shacl-form (@ulb-darmstadt/shacl-form $VERSION) — https://github.com/ULB-Darmstadt/shacl-form"
    echo
    cat "$package/LICENSE"
    echo
    echo
    echo "The bundle form-default.js also contains the packages below, under their own licences: the packages its"
    echo "code imports (n3, jsonld, rdf-validate-shacl, uuid) and their dependencies, with the texts of the"
    echo "versions npm installed when this was vendored. The notices webpack kept from the bundle come first."
    echo
    echo "===================================================================================================="
    echo "form-default.js.LICENSE.txt (from the npm package)"
    echo "===================================================================================================="
    cat "$package/dist/form-default.js.LICENSE.txt"
    (cd "$scratch" && node -e '
        const fs = require("fs"), path = require("path");
        const seen = new Set(), queue = ["n3", "jsonld", "rdf-validate-shacl", "uuid"];
        while (queue.length) {
            const name = queue.shift();
            if (seen.has(name) || !fs.existsSync(path.join("node_modules", name, "package.json"))) continue;
            seen.add(name);
            const meta = JSON.parse(fs.readFileSync(path.join("node_modules", name, "package.json"), "utf8"));
            queue.push(...Object.keys(meta.dependencies || {}));
        }
        for (const name of [...seen].sort()) {
            const dir = path.join("node_modules", name);
            const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort();
            process.stdout.write("\n\n" + "=".repeat(100) + "\n" + name + " " + meta.version + " — " +
                                 (meta.license || "see below") + "\n" + "=".repeat(100) + "\n");
            if (!files.length) process.stdout.write("(The npm package has no licence file; its package.json says " +
                                                    (meta.license || "nothing") + ".)\n");
            for (const file of files) process.stdout.write("\n" + fs.readFileSync(path.join(dir, file), "utf8"));
        }')
} >"$TARGET/LICENSE"

{
    echo "@ulb-darmstadt/shacl-form $VERSION, from the npm registry by scripts/vendor-shacl-form.sh; the file is unchanged."
    (cd "$TARGET" && sha256sum form-default.js)
} >"$TARGET/VERSION"
ls -l "$TARGET"
