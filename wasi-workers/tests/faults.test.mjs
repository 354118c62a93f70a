// The faults a host must survive from its guest (faults-scenarios.mjs), in Node 20, where
// start() runs the guest without JSPI; jspi-node24.mjs runs them through JSPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';

// One tier of compiled code: stack frames keep their sizes, so a guest recursing one frame
// deeper per run moves the point where the stack runs out through the host's call path.
v8.setFlagsFromString('--liftoff-only');
const { BACKENDS, WASI } = await import('../pkg/node.js');
const scenarios = await import('./faults-scenarios.mjs');

for (const backend of BACKENDS) {
  test(`${backend}: the stack running out anywhere in a host call leaves the host intact`, async () => {
    const inHost = await scenarios.stackRunsOutEverywhere(WASI, backend);
    assert.ok(inHost > 0, 'some runs ran out of stack inside the host');
  });
  test(`${backend}: a guest that catches its exit is ended at its next call`, () => scenarios.exitCaught(WASI, backend));
  test(`${backend}: a callback error the guest catches ends its run`, () => scenarios.callbackThrowsAndGuestCatches(WASI, backend));
  test(`${backend}: calls from the start function answer EFAULT`, () => scenarios.callsFromTheStartFunction(WASI, backend));
  test(`${backend}: reentrant calls are refused, close() from a callback ends the guest`, () => scenarios.reentrantCalls(WASI, backend));
}
