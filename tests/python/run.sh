#!/usr/bin/env bash
# The Python package end to end: builds the wheel with maturin (profile dev, so cargo reuses the
# debug build `cargo test` made in the same CARGO_TARGET_DIR), installs it into a fresh venv
# with pinned pytest, boto3 and prometheus-client, and runs tests/python from outside the
# repository (so the installed package and binary are what is tested).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
MATURIN_VERSION=1.16.0
if [ "$(python3 -m maturin --version 2>/dev/null)" != "maturin $MATURIN_VERSION" ]; then
  python3 -m pip install --quiet "maturin==$MATURIN_VERSION"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$repo" && python3 -m maturin build --profile dev --compatibility linux --out "$work/wheels")
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$work"/wheels/s3lambda-*.whl \
  pytest==9.2.0 boto3==1.43.11 prometheus-client==0.26.0
cd "$work"
env -u S3LAMBDA_BIN "$work/venv/bin/python" -m pytest -p no:cacheprovider -q "$repo/tests/python"
