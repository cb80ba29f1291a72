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

# The publish tests start a private Virtuoso 7 (tests/virtuoso_server.py) from Debian's virtuoso-opensource.
# The package asks for a dba password (debconf): preseeded empty, so no prompt, and its own service (port 8890
# and 1111, /var/lib/virtuoso-opensource-7) is left disabled; if it was started all the same, it is stopped.
if [ "${1:-}" = "--test" ] && ! command -v virtuoso-t >/dev/null 2>&1; then
    if as_root_with_apt; then
        apt-get update -qq >/dev/null
        printf '%s\n' "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password" \
                      "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password" \
            | debconf-set-selections
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
        if [ -x /etc/init.d/virtuoso-opensource-7 ]; then
            invoke-rc.d virtuoso-opensource-7 stop >/dev/null 2>&1 || true
            update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
        fi
    else
        echo "The publish tests need Debian's virtuoso-opensource, and this is not root: install it with" \
             "sudo apt-get install virtuoso-opensource, then run the tests." >&2
    fi
fi

# The release tests check the DCAT-AP-NL record a second time with Apache Jena's SHACL validator (Debian's
# libapache-jena-java, run with java; tests/jena_shacl.py). Without it that one test is skipped.
if [ "${1:-}" = "--test" ] && ! dpkg -s libapache-jena-java >/dev/null 2>&1; then
    if as_root_with_apt; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless \
            libapache-jena-java >/dev/null
    else
        echo "The release tests use Debian's libapache-jena-java, and this is not root: install it with" \
             "sudo apt-get install default-jre-headless libapache-jena-java, then run the tests." >&2
    fi
fi
