#!/usr/bin/env bash
# THE RUN COMMAND: installs what is missing, builds, and serves the app at
# http://127.0.0.1:8080 (Ctrl+C to stop). The USB-stick file is dist/careplan-ledger.html.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo
echo "USBメモリ用の1ファイル版 / single file for a USB stick:"
echo "  $PWD/dist/careplan-ledger.html"
echo "イントラネット版を表示中 / serving: http://127.0.0.1:8080/  (Ctrl+C で終了)"
exec python3 -m http.server 8080 --bind 127.0.0.1 --directory dist
