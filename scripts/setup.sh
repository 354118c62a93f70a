#!/usr/bin/env bash
# Installs what building needs on a fresh machine; quick when all is there. With --tests it
# also installs what only the tests need (Chromium for the browser test, rustfmt and clippy
# for the style checks).
set -euo pipefail
cd "$(dirname "$0")/.."

# littlefs is C: bindgen needs libclang, and its wasm32 build wasi-libc's headers.
packages="clang libclang-dev llvm wasi-libc"
if [ "${1:-}" = "--tests" ]; then
  # The browser test drives Debian's headless Chromium.
  packages="$packages chromium"
fi
# shellcheck disable=SC2086
if ! dpkg -s $packages >/dev/null 2>&1; then
  echo "== apt-get install $packages"
  apt-get update
  # shellcheck disable=SC2086
  apt-get install -y $packages
fi

if command -v rustup >/dev/null; then
  rustup target add wasm32-wasip1 wasm32-unknown-unknown
  if [ "${1:-}" = "--tests" ]; then
    rustup component add rustfmt clippy
  fi
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/tar ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
