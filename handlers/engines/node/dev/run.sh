#!/usr/bin/env bash
# Dev only (not CI): runs the built engine in Node.js through `jco transpile`, with a folder
# as /var/task. The host runs the engine in wasmtime; this is for working on the engine.
#   dev/run.sh <task dir> <handler> [event json]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/s3lambda"
WASM="${S3LAMBDA_ENGINES:-$CACHE/engines}/nodejs.wasm"
WORK="$CACHE/engine-build/node"
T="$WORK/transpiled"
if [ ! -f "$T/nodejs.js" ] || [ "$WASM" -nt "$T/nodejs.js" ]; then
  rm -rf "$T" && mkdir -p "$T"
  cp "$HERE/read-task-file.mjs" "$T/"
  echo '{"type":"module"}' > "$T/package.json"
  (cd "$WORK" && ./node_modules/.bin/jco transpile "$WASM" -o "$T" --name nodejs --map read-task-file=./read-task-file.mjs >/dev/null)
fi
TASK_ROOT="$(cd "$1" && pwd)" _HANDLER="$2" AWS_EXECUTION_ENV=AWS_Lambda_nodejs20.x \
  node "$HERE/invoke.mjs" "$T" "${3:-{\}}"
