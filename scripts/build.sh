#!/usr/bin/env bash
# Release build: dist/index.html (for a web server) and dist/careplan-ledger.html (one
# self-contained file for a USB stick). Both are the same page; see tools/singlefile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# The post-build hook runs this tool; build it first so Trunk never has to.
cargo build --release --locked --quiet -p singlefile
trunk build --release
size=$(stat -c %s dist/careplan-ledger.html)
echo "dist/careplan-ledger.html: $size bytes"
