#!/usr/bin/env bash
# Builds the s3lambda Node.js engine: src/engine.js (and the modules it imports) made into a
# WebAssembly component of the world in wit/node.wit by componentize-js (StarlingMonkey),
# with the pinned tools of package-lock.json installed by `npm ci` outside the repository.
#
#   handlers/engines/node/build.sh [OUT_DIR]
#
# Writes OUT_DIR/nodejs.wasm and OUT_DIR/nodejs.wasm.stamp. OUT_DIR defaults to
# ${S3LAMBDA_ENGINES:-${XDG_CACHE_HOME:-$HOME/.cache}/s3lambda/engines}. Nothing is rebuilt
# when the stamp (sha256 of the sources, the lock and the node version) matches.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/s3lambda"
OUT_DIR="${1:-${S3LAMBDA_ENGINES:-$CACHE/engines}}"
WORK="$CACHE/engine-build/node"
OUT="$OUT_DIR/nodejs.wasm"

command -v node >/dev/null || { echo "node engine: node is not installed (Node.js 18 or later is needed to build)" >&2; exit 1; }
command -v npm >/dev/null || { echo "node engine: npm is not installed" >&2; exit 1; }

stamp="$(
  {
    echo "node $(node --version)"
    cd "$HERE"
    for f in build.sh package.json package-lock.json $(find src wit -type f | LC_ALL=C sort) ../wit/engine.wit; do
      echo "$f $(sha256sum "$f" | cut -d' ' -f1)"
    done
  } | sha256sum | cut -d' ' -f1
)"

if [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "node engine: $OUT is up to date ($stamp)"
  exit 0
fi

mkdir -p "$WORK" "$OUT_DIR"
lock_sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$WORK/node_modules/.s3lambda-lock" 2>/dev/null)" != "$lock_sum" ]; then
  echo "node engine: npm ci (componentize-js, jco) in $WORK"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
  (cd "$WORK" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$WORK/node_modules/.s3lambda-lock"
fi

echo "node engine: assembling the sources and the WIT world in $WORK"
rm -rf "$WORK/src" "$WORK/wit"
cp -R "$HERE/src" "$WORK/src"
cp -R "$HERE/wit" "$WORK/wit"
mkdir -p "$WORK/wit/deps/engine"
cp "$HERE/../wit/engine.wit" "$WORK/wit/deps/engine/engine.wit"

echo "node engine: componentize-js -> $OUT"
start=$(date +%s)
# `http` and `fetch-event` are off: the host offers no wasi:http.
(cd "$WORK" && ./node_modules/.bin/componentize-js src/engine.js \
  --wit wit --world-name node-engine --disable http fetch-event -o "$OUT.tmp")
mv "$OUT.tmp" "$OUT"
echo "$stamp" > "$OUT.stamp"
echo "node engine: built $OUT ($(stat -c %s "$OUT") bytes) in $(( $(date +%s) - start )) s"
