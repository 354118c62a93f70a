#!/usr/bin/env bash
# Builds what it needs and runs a WASI program: the demo guest, through wasi-core in the
# native `wasi-run` CLI, on a copy of a small host directory. (Running in local workerd
# comes with the Workers binding.)
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v rustup >/dev/null; then
  rustup target add wasm32-wasip1
fi
cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target --bin demo
cargo build --release -p conformance --bin wasi-run

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
echo "hello from the host" > "$data/hello.txt"
mkdir "$data/notes"

set +e
./target/release/wasi-run --dir "$data::/data" target/wasm32-wasip1/release/demo.wasm
code=$?
set -e
echo "demo exited with $code"
[ "$code" -eq 3 ]
