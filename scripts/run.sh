#!/usr/bin/env bash
# The main job: builds everything needed and runs a WASI program in local workerd — the
# example Worker (examples/worker) with the `upcase` program, a request body as its stdin
# and its stdout streamed back — printing what the program wrote.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target --bin upcase
bash scripts/build-npm.sh
cp target/wasm32-wasip1/release/upcase.wasm examples/worker/src/upcase.wasm
node scripts/run-worker.mjs "${1:-hello from the request body}"
