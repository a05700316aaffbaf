#!/usr/bin/env bash
# The Debian packages the test suite runs for real: Chromium (scorecard pages are tested in a
# headless browser) and PostgreSQL (score history and the PostgreSQL data source are tested
# against a throw-away server). Installs what is missing when it can (root with apt-get);
# otherwise says what to install and fails.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "Installing Debian packages the tests need: ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
else
    echo "error: cannot install ${missing[*]} (needs root and apt-get); run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
