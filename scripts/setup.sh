#!/usr/bin/env bash
# Installs what building and testing need on a fresh machine; quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# littlefs is C: bindgen needs libclang, and its wasm32 build wasi-libc's headers. The
# browser test drives Debian's headless Chromium.
if ! dpkg -s libclang-dev wasi-libc chromium >/dev/null 2>&1; then
  echo "== apt-get install clang libclang-dev llvm wasi-libc chromium"
  apt-get update
  apt-get install -y clang libclang-dev llvm wasi-libc chromium
fi

if command -v rustup >/dev/null; then
  rustup target add wasm32-wasip1 wasm32-unknown-unknown
fi

if [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
