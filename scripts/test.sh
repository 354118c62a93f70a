#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what it needs (Rust targets,
# the C toolchain for littlefs, npm devDependencies), builds the conformance guests and the npm
# package, then runs the Rust tests and the Node tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== building conformance guests (wasm32-wasip1)"
cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target

echo "== building the no_std crates for wasm32-unknown-unknown"
cargo build -p wasi-abi -p wasi-core -p wasi-fs-memory -p wasi-fs-littlefs --target wasm32-unknown-unknown

echo "== building the npm package"
bash scripts/build-npm.sh

echo "== cargo test --workspace"
cargo test --workspace

echo "== node --test (the npm package in Node, workerd and Chromium)"
node --test wasi-workers/tests/
