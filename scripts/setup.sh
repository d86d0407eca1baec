#!/usr/bin/env bash
# Installs whatever this project needs and is missing, on a Debian 12 machine with rustup,
# Node.js and npm (the project's machine kind). Idempotent: when everything is present it
# only checks versions and returns in seconds. Cold: about 16 minutes (Trunk compiles for
# ~11 of them). Nothing is downloaded except from crates.io, npm and Debian's apt.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen crate version locked in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step() { printf '\n== %s\n' "$*"; }

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  step "apt: chromium, chromium-driver (headless browser for tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The print tests read page.pdf output (pdfinfo, pdftotext, pdftoppm); a Japanese font makes
# the printed and screenshotted pages readable, as on the offices' Windows PCs.
if ! command -v pdftotext >/dev/null || ! fc-list :lang=ja 2>/dev/null | grep -q .; then
  step "apt: poppler-utils, fonts-ipafont-gothic (reading printed PDFs, Japanese glyphs)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq poppler-utils fonts-ipafont-gothic >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup: wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "cargo install trunk $TRUNK_VERSION (about 11 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] ||
   [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # Not --locked: the CLI's own lockfile pins a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  step "npm ci: wasm-opt (binaryen), playwright-core, axe-core, papaparse (build and test tools only)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.installed
fi

# Trunk runs cargo offline, so every crate must already be in the local registry.
cargo fetch --locked --quiet
