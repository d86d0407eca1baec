#!/usr/bin/env bash
# THE TEST COMMAND: installs what is missing, then runs every test:
#   1. formatting and lints, 2. native tests of the domain core and tools,
#   3. component tests in headless Chromium (wasm-bindgen-test),
#   4. a release build, 5. end-to-end tests of the built page over http and file://.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check, cargo clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --bins --tests --locked --quiet -- -D warnings

step "native tests (cargo test)"
cargo test --workspace --locked

step "browser component tests (wasm-bindgen-test in headless Chromium)"
cargo test --target wasm32-unknown-unknown --locked --test web

step "release build"
scripts/build.sh

step "end-to-end tests (headless Chromium, http and file://)"
# The tests compare the page with the command-line checker and use the fixture generators.
cargo build --release --locked --quiet --bin careplan-check --examples
node --test --test-concurrency=1 tests/e2e/
