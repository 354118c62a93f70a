// The fuzzer of the npm package (fuzz.mjs), briefly: a fixed seed, so that a failure
// reproduces; `node wasi-workers/tests/fuzz.mjs --cases N` runs it longer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from './fuzz.mjs';

test('random syscalls through the package: every answer an errno, the host intact', () => {
  const counts = fuzz({ cases: 600, seed: 20261130 });
  assert.ok(counts.memory.calls > 30_000 && counts.littlefs.calls > 30_000, JSON.stringify(counts));
});
