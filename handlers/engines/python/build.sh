#!/usr/bin/env bash
# Builds s3lambda's Python engine: one WebAssembly component (CPython, via componentize-py)
# that runs a Lambda function's unchanged Python source from /var/task.
#
#   handlers/engines/python/build.sh [OUT_DIR]
#
# Writes OUT_DIR/python.wasm; OUT_DIR defaults to
# ${S3LAMBDA_ENGINES:-${XDG_CACHE_HOME:-$HOME/.cache}/s3lambda/engines}. The pinned tool
# (requirements.txt) is installed into a venv under the cache dir, never into the system.
# A stamp next to the .wasm (sha256 of the engine sources, the WIT world, this script and
# the pins) makes a second run with nothing changed a no-op.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/s3lambda"
OUT_DIR="${1:-${S3LAMBDA_ENGINES:-$CACHE/engines}}"
WIT_DIR="$HERE/../wit"
OUT="$OUT_DIR/python.wasm"
STAMP="$OUT.stamp"
PYTHON="${PYTHON:-python3}"

tool_pin="$(grep -E '^componentize-py==' "$HERE/requirements.txt")"
stamp="$(
  {
    echo "$tool_pin"
    cd "$HERE"
    find engine build.sh requirements.txt -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | LC_ALL=C sort |
      while read -r f; do sha256sum "$f"; done
    cd "$WIT_DIR"
    find . -type f -name '*.wit' | LC_ALL=C sort | while read -r f; do sha256sum "$f"; done
  } | sha256sum | cut -d' ' -f1
)"

if [ -f "$OUT" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp" ]; then
  echo "python engine: $OUT is up to date ($stamp)"
  exit 0
fi

VENV="$CACHE/python-engine-venv/${tool_pin#componentize-py==}"
if [ ! -x "$VENV/bin/componentize-py" ]; then
  echo "python engine: installing $tool_pin into $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
fi
echo "python engine: $("$VENV/bin/componentize-py" --version)"

mkdir -p "$OUT_DIR"
WORK="$(mktemp -d "$OUT_DIR/.python-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# Build from a copy, so no __pycache__ lands in the repository.
cp -R "$HERE/engine" "$WORK/engine"
echo "python engine: building $OUT (componentize-py runs the engine's imports and snapshots them)"
start=$(date +%s)
(
  cd "$WORK"
  PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/componentize-py" -d "$WIT_DIR" -w engine componentize \
    -p "$WORK/engine" s3lambda_engine -o "$WORK/python.wasm" 2>&1 | tee "$WORK/build.log"
)
if grep -q 'not preloaded:' "$WORK/build.log"; then
  echo "python engine: a standard library module of preload.py could not be imported" >&2
  exit 1
fi
mv "$WORK/python.wasm" "$OUT"
echo "$stamp" >"$STAMP"
echo "python engine: wrote $OUT ($(stat -c %s "$OUT") bytes) in $(($(date +%s) - start)) s"
