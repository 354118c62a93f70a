#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what it needs (Rust targets,
# the C toolchain for littlefs, npm devDependencies), builds the conformance guests and the npm
# package, then runs the Rust tests and the Node tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --tests

echo "== style: cargo fmt --check (workspace, guests, fuzz targets); clippy -D warnings (native, wasm32, guests)"
cargo fmt --all --check
cargo fmt --manifest-path conformance/guests/Cargo.toml --check
cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p wasi-workers -p wasi-core -p wasi-fs-memory -p wasi-fs-littlefs -p wasi-abi \
  --target wasm32-unknown-unknown -- -D warnings
cargo clippy --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target -- -D warnings
cargo fmt --manifest-path examples/durable-object/guest/Cargo.toml --check

echo "== building conformance guests (wasm32-wasip1)"
cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target

echo "== building the Durable Object example's program (wasm32-wasip1; SQLite's C through Debian's clang and wasi-libc)"
# cc names the target wasm32-wasip1, which Debian's clang 14 knows as wasm32-wasi.
export CC_wasm32_wasip1=clang CFLAGS_wasm32_wasip1="--target=wasm32-wasi -isystem /usr/include/wasm32-wasi"
cargo clippy --release --manifest-path examples/durable-object/guest/Cargo.toml --target wasm32-wasip1 --target-dir target -- -D warnings
cargo build --release --manifest-path examples/durable-object/guest/Cargo.toml --target wasm32-wasip1 --target-dir target

echo "== building the no_std crates for wasm32-unknown-unknown"
cargo build -p wasi-abi -p wasi-core -p wasi-fs-memory -p wasi-fs-littlefs --target wasm32-unknown-unknown

echo "== building the npm package"
bash scripts/build-npm.sh

echo "== cargo test --workspace"
cargo test --workspace

echo "== node --test (the npm package in Node, workerd and Chromium)"
node --test wasi-workers/tests/
