#!/usr/bin/env bash
# Records wasmtime's answers for the differential check: builds the conformance guests,
# lists the cases (conformance/wasmtime/scenarios.txt and the fuzz cases), runs the guests
# and the cases under wasmtime's preview1 host (the pinned `wasmtime` wheel from PyPI, in
# a virtualenv under target/) and writes conformance/wasmtime/answers.json, which the test
# command replays without wasmtime. Run it after changing a guest or a scenario (the
# tests say when). Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

WASMTIME_VERSION=50.0.1
venv=target/wasmtime-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet "wasmtime==$WASMTIME_VERSION"

cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target
cargo run --quiet -p conformance --bin wasmtime-cases > target/wasmtime-cases.json
"$venv/bin/python" conformance/wasmtime/record.py target/wasm32-wasip1/release \
  < target/wasmtime-cases.json > target/wasmtime-answers.json
mv target/wasmtime-answers.json conformance/wasmtime/answers.json
echo "wrote conformance/wasmtime/answers.json"
