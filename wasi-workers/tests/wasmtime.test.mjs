// The differential check against wasmtime through the npm package in Node: every recorded
// case of conformance/wasmtime/answers.json runs on each backend and is compared line by
// line with wasmtime's answer (replay.mjs; workerd.test.mjs does the same inside workerd,
// and the Rust runner natively: conformance/tests/wasmtime.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadExpectations } from './expectations.mjs';
import { replay } from './replay.mjs';
import { WASI } from '../pkg/node.js';

const root = new URL('../../', import.meta.url);
const data = await loadExpectations();
const answers = JSON.parse(readFileSync(new URL('conformance/wasmtime/answers.json', root), 'utf8'));
const driver = new WebAssembly.Module(readFileSync(new URL('target/wasm32-wasip1/release/syscall_driver.wasm', root)));

for (const backend of data.start.backends) {
  test(`${backend}: ${answers.cases.length} cases answer as wasmtime ${answers.wasmtime}`, async () => {
    const r = await replay({ WASI, data, answers, driver, backend });
    console.log(`${backend}: ${r.same} the same, kept differences ${JSON.stringify(r.known)}, ${r.failures.length} differ`);
    assert.equal(r.failures.length, 0, r.failures.slice(0, 20).join('\n'));
  });
}
