#!/usr/bin/env bash
# Builds the npm package into wasi-workers/pkg: the crate for wasm32-unknown-unknown,
# wasm-bindgen glue (--target web), wasm-opt -Oz, and the JS entry points from js/.
# Expects wasm-bindgen-cli (same version as the crate) and `npm install` done (wasm-opt
# comes from the binaryen npm package: Debian's binaryen corrupts wasm-bindgen output).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p wasi-workers --target wasm32-unknown-unknown --profile wasm-release
out=wasi-workers/pkg
rm -rf "$out"
wasm-bindgen target/wasm32-unknown-unknown/wasm-release/wasi_workers.wasm \
  --target web --out-dir "$out" --no-typescript --remove-name-section --remove-producers-section
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/wasi_workers_bg.wasm" -o "$out/wasi_workers_bg.wasm"
cp wasi-workers/js/*.js wasi-workers/js/package.json wasi-workers/js/index.d.ts "$out/"
raw=$(stat -c %s "$out/wasi_workers_bg.wasm")
gz=$(gzip -9 -c "$out/wasi_workers_bg.wasm" | wc -c)
echo "wasi-workers: wasi_workers_bg.wasm is $raw bytes, $gz gzipped"
