#!/usr/bin/env bash
# Sets kennisgraaf up from nothing but Python 3.11: a virtual environment in .venv with the package and its
# dependencies. With --test, also everything the test suite needs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "kennisgraaf needs Python 3.11 or newer; set PYTHON=/path/to/python3.11 and run this again." >&2
    exit 1
fi

as_root_with_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }

if [ ! -x .venv/bin/pip ]; then
    rm -rf .venv  # a half-made environment from an earlier attempt
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        # Debian's own python3 makes environments only with the python3-venv package.
        if as_root_with_apt; then
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv .venv
        else
            echo "$PYTHON cannot make a virtual environment. On Debian or Ubuntu install python3-venv" \
                 "(sudo apt-get install python3-venv) and run this again." >&2
            exit 1
        fi
    fi
fi

extras=""
if [ "${1:-}" = "--test" ]; then
    extras="[test]"
fi
log="$(mktemp)"
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installing the Python packages failed: see pip's output above." >&2
    exit 1
fi
rm -f "$log"

# `kennisgraaf network` draws its pictures with Graphviz (Debian's graphviz: neato, and cairo for PNG).
if ! command -v neato >/dev/null 2>&1; then
    if as_root_with_apt; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
    else
        echo "kennisgraaf network draws with Graphviz, and this is not root: install it with" \
             "sudo apt-get install graphviz (GraphML, GEXF and JSON work without it)." >&2
    fi
fi

# The browser tests drive Debian's chromium (a browser download at install time cannot work everywhere).
if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null 2>&1; then
    if as_root_with_apt; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "The browser tests need Debian's chromium, and this is not root: install it with" \
             "sudo apt-get install chromium, then run the tests." >&2
    fi
fi
