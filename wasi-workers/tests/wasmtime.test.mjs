// The differential check against wasmtime through the npm package in Node: every recorded
// case of conformance/wasmtime/answers.json (scenarios and fuzz cases of the syscall driver
// guest) runs on each backend and is compared line by line with wasmtime's answer, allowing
// only the kept differences of conformance/guests/expectations.json (the Rust runner does
// the same natively: conformance/tests/wasmtime.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compare, guestOptions, loadExpectations } from './expectations.mjs';
import { WASI } from '../pkg/node.js';

const root = new URL('../../', import.meta.url);
const data = await loadExpectations();
const answers = JSON.parse(readFileSync(new URL('conformance/wasmtime/answers.json', root), 'utf8'));
const driver = new WebAssembly.Module(readFileSync(new URL('target/wasm32-wasip1/release/syscall_driver.wasm', root)));

async function run(args, backend) {
  const out = [];
  const wasi = new WASI(guestOptions(data, 'syscall_driver', backend, (b) => out.push(Buffer.from(b)), () => {}, { args, tellBackend: false }));
  const instance = new WebAssembly.Instance(driver, wasi.getImportObject());
  let exit;
  try {
    exit = await wasi.start(instance);
  } catch {
    exit = 'trap';
  } finally {
    wasi.close();
  }
  return { exit, stdout: Buffer.concat(out).toString() };
}

for (const backend of data.start.backends) {
  test(`${backend}: ${answers.cases.length} cases answer as wasmtime ${answers.wasmtime}`, async () => {
    const counts = { same: 0, known: {} };
    const failures = [];
    for (const c of answers.cases) {
      const args = [...(c.name.startsWith('fuzz ') ? answers.fuzz_preamble : []), ...c.lines];
      const verdict = compare(data, { exit: c.exit, stdout: c.stdout }, await run(args, backend), backend);
      if (verdict.same) counts.same++;
      else if (verdict.known) counts.known[verdict.known] = (counts.known[verdict.known] ?? 0) + 1;
      else failures.push(`${c.name} at line ${verdict.at}:\n  wasmtime: ${verdict.wasmtime}\n  ours:     ${verdict.ours}`);
    }
    console.log(`${backend}: ${counts.same} the same, kept differences ${JSON.stringify(counts.known)}, ${failures.length} differ`);
    assert.equal(failures.length, 0, failures.slice(0, 20).join('\n'));
  });
}
