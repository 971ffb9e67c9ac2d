#!/usr/bin/env bash
# Property-based fuzzing of the whole REST API with Schemathesis (https://schemathesis.io), pinned below and installed
# from PyPI into the git-ignored .stack/venv on first use. tests/integration/api-fuzz.test.ts runs it (in `npm test`,
# so in CI) against a real server on the test stack with a valid token and ids that exist; run it yourself with
#   npm test -- tests/integration/api-fuzz.test.ts
# or against any running server:
#   PARLEY_FUZZ_TOKEN=<access token> scripts/fuzz-api.sh http://127.0.0.1:8080/api/v1/openapi.json [schemathesis args]
#   scripts/fuzz-api.sh --install-only
#
# Environment: PARLEY_FUZZ_TOKEN (Bearer token for every request), PARLEY_FUZZ_CONFIG (a schemathesis.toml, e.g. with
# path parameters), PARLEY_FUZZ_MAX_TIME (seconds, default 150), PARLEY_FUZZ_MAX_EXAMPLES (per operation, default 25),
# PARLEY_FUZZ_SEED, PARLEY_FUZZ_REPORT_DIR, PARLEY_FUZZ_HAR=1 (also write every request and answer as a HAR file). Exit codes: 0 no failure, 1 failures found, 3 Schemathesis could not be
# installed (no Python venv or PyPI unreachable).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.stack/venv"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $SCHEMATHESIS_VERSION"; then
  echo "[fuzz] installing schemathesis==$SCHEMATHESIS_VERSION into $venv" >&2
  if ! python3 -m venv "$venv" >&2; then
    echo "[fuzz] cannot make a Python venv (need python3 with venv: apt-get install python3-venv)" >&2
    exit 3
  fi
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --timeout 20 --retries 1 "schemathesis==$SCHEMATHESIS_VERSION" >&2; then
    echo "[fuzz] cannot install schemathesis==$SCHEMATHESIS_VERSION from PyPI (unreachable?)" >&2
    exit 3
  fi
fi
if [[ ${1:-} == --install-only ]]; then exit 0; fi

schema="${1:?usage: scripts/fuzz-api.sh <openapi.json URL> [schemathesis args] | --install-only}"
shift

global=()
if [[ -n ${PARLEY_FUZZ_CONFIG:-} ]]; then global=(--config-file "$(realpath "$PARLEY_FUZZ_CONFIG")"); fi
args=(
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
  --max-time "${PARLEY_FUZZ_MAX_TIME:-150}"
  --max-examples "${PARLEY_FUZZ_MAX_EXAMPLES:-25}"
  --workers 2
  --request-timeout 10
  --suppress-health-check all
  --no-color
  --report "junit${PARLEY_FUZZ_HAR:+,har}"
  --report-dir "${PARLEY_FUZZ_REPORT_DIR:-$root/.stack/fuzz-report}"
)
if [[ -n ${PARLEY_FUZZ_SEED:-} ]]; then args+=(--seed "$PARLEY_FUZZ_SEED"); fi
if [[ -n ${PARLEY_FUZZ_TOKEN:-} ]]; then args+=(-H "Authorization: Bearer $PARLEY_FUZZ_TOKEN"); fi

# ast.parse one thread at a time (scripts/fuzz/sitecustomize.py): CPython 3.11 crashes when two threads parse at once.
export PYTHONPATH="$root/scripts/fuzz${PYTHONPATH:+:$PYTHONPATH}"
# Schemathesis keeps its crash cache (for `schemathesis replay`) in ./.schemathesis: under .stack, not in the tree.
mkdir -p "$root/.stack/fuzz"
cd "$root/.stack/fuzz"
exec "$venv/bin/schemathesis" "${global[@]}" run "$schema" "${args[@]}" "$@"
