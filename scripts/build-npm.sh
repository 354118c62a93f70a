#!/usr/bin/env bash
# Builds the npm package into wasi-workers/pkg: the crate for wasm32-unknown-unknown,
# wasm-opt -Oz until it stops shrinking (the binaryen npm package's, so every machine gets
# the same one), the JS entry points from js/, and abi.js generated from wasi-abi. Expects
# `npm install` done.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p wasi-workers --target wasm32-unknown-unknown --profile wasm-release
out=wasi-workers/pkg
rm -rf "$out"
mkdir -p "$out"
node_modules/.bin/wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --strip-debug --strip-producers \
  target/wasm32-unknown-unknown/wasm-release/wasi_workers.wasm -o "$out/wasi_workers.wasm"
cp wasi-workers/js/*.js wasi-workers/js/package.json wasi-workers/js/index.d.ts "$out/"
# The function and errno lists come from wasi-abi, never copied by hand.
cargo run -q -p wasi-abi --example js > "$out/abi.js"
# Each host's own entry points for its guest (see the script), from the same list.
node scripts/thunk-wat.mjs "$out/abi.js" > target/thunk.wat
node_modules/.bin/wasm-as --enable-mutable-globals target/thunk.wat -o "$out/thunk.wasm"
raw=$(stat -c %s "$out/wasi_workers.wasm")
gz=$(gzip -9 -c "$out/wasi_workers.wasm" | wc -c)
echo "wasi-workers: wasi_workers.wasm is $raw bytes, $gz gzipped; thunk.wasm $(stat -c %s "$out/thunk.wasm") bytes, $(gzip -9 -c "$out/thunk.wasm" | wc -c) gzipped"
