#!/usr/bin/env bash
# Runs every test from a fresh clone: installs the Rust targets it needs, builds the
# conformance guests for wasm32-wasip1, checks the no_std crates build for
# wasm32-unknown-unknown, then runs the workspace's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v rustup >/dev/null; then
  rustup target add wasm32-wasip1 wasm32-unknown-unknown
fi

echo "== building conformance guests (wasm32-wasip1)"
cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target

echo "== building the no_std crates for wasm32-unknown-unknown"
cargo build -p wasi-abi -p wasi-core -p wasi-fs-memory --target wasm32-unknown-unknown

echo "== cargo test --workspace"
cargo test --workspace
