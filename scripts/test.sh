#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine and run all of it.
# Used as-is by the README and by .ci/run. Idempotent: re-running reuses .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if ! command -v faketime >/dev/null 2>&1; then
  echo "== installing Debian's faketime for the moved-clock passes"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq faketime >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

echo "== ruff"
.venv/bin/ruff check plugins tests bench
echo "== mypy (strict; the MkDocs adapter without untyped-def checks)"
.venv/bin/mypy
echo "== smsdocs check on the bundled example"
.venv/bin/smsdocs check .
# No test may depend on today: the suite passes again with the clock 400 days and 5 years
# ahead (libfaketime moves the clock of every process it starts, git and mkdocs included).
# The browser tests are left out of these passes (they read no date and cost minutes), and
# so are the tests that fetch from a package index: with the clock years ahead its TLS
# certificates have expired, which says nothing about smsdocs.
# The two moved-clock passes run in the background beside the normal pass (each with its
# own temp folder), so the three cost about the time of two on a machine with two cores;
# their output is printed after the normal pass, one after the other.
aheads=(+400d +1830d)
pids=()
logs=()
for ahead in "${aheads[@]}"; do
  log=$(mktemp)
  logs+=("$log")
  faketime -f "$ahead" .venv/bin/python -m pytest -x -q -p no:cacheprovider \
    --basetemp="$(mktemp -d)/pytest" -m "not browser and not network" "$@" >"$log" 2>&1 &
  pids+=($!)
done
echo "== pytest"
status=0
.venv/bin/python -m pytest -q "$@" || status=$?
for i in "${!aheads[@]}"; do
  wait "${pids[$i]}" || status=1
  echo "== pytest with the clock moved ${aheads[$i]} (faketime), browser and network tests left out"
  cat "${logs[$i]}"
  rm -f "${logs[$i]}"
done
exit "$status"
