// Runs every conformance guest through the npm package in Node, on each backend, as
// conformance/guests/expectations.json says every runner starts one and what it must end with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { expected, loadExpectations, runGuest } from './expectations.mjs';
import { WASI } from '../pkg/node.js';

const root = new URL('../../', import.meta.url);
const guestDir = new URL('target/wasm32-wasip1/release/', root);
const names = readdirSync(new URL('conformance/guests/src/bin/', root)).map((f) => f.replace(/\.rs$/, '')).sort();
const data = await loadExpectations();

for (const backend of data.start.backends) {
  for (const name of names) {
    test(`${backend}: ${name}`, async () => {
      const want = expected(data, name);
      const module = new WebAssembly.Module(readFileSync(new URL(`${name}.wasm`, guestDir)));
      const got = await runGuest(WASI, data, module, name, backend);
      assert.equal(got.exit, want.exit, `${name} exited ${got.exit} ${got.error ?? ''}\nstdout:\n${got.stdout}\nstderr:\n${got.stderr}`);
      if (want.stdout !== null) assert.equal(got.stdout, want.stdout);
    });
  }
}
