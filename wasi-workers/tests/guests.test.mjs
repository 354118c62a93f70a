// Runs every conformance guest through the npm package in Node, on each backend, as
// conformance/guests/expectations.json says every runner starts one and what it must end with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { expected, guestOptions, loadExpectations } from './expectations.mjs';
import { WASI } from '../pkg/node.js';

const root = new URL('../../', import.meta.url);
const guestDir = new URL('target/wasm32-wasip1/release/', root);
const names = readdirSync(new URL('conformance/guests/src/bin/', root)).map((f) => f.replace(/\.rs$/, '')).sort();
const data = await loadExpectations();

async function run(name, backend) {
  const out = [];
  const err = [];
  const wasi = new WASI(guestOptions(data, name, backend, (b) => out.push(Buffer.from(b)), (b) => err.push(Buffer.from(b))));
  const module = new WebAssembly.Module(readFileSync(new URL(`${name}.wasm`, guestDir)));
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  let code;
  try {
    code = await wasi.start(instance);
  } catch (e) {
    code = `trap: ${e}`;
  } finally {
    wasi.close();
  }
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

for (const backend of data.start.backends) {
  for (const name of names) {
    test(`${backend}: ${name}`, async () => {
      const want = expected(data, name);
      const got = await run(name, backend);
      assert.equal(got.code, want.exit, `${name} exited ${got.code}\nstdout:\n${got.stdout}\nstderr:\n${got.stderr}`);
      if (want.stdout !== null) assert.equal(got.stdout, want.stdout);
    });
  }
}
