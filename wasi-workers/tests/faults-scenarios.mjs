// What a host must survive from its guest: a stack that runs out inside a host call, an
// exit the guest catches, an embedder callback that throws, calls from the guest's start
// function, reentrant calls. After each, the files written before are intact and the
// host still reads, writes and exports. Shared by faults.test.mjs (Node 20, without
// JSPI) and jspi-node24.mjs (Node 24, through JSPI).
import assert from 'node:assert/strict';
import { watGuest } from './wat.mjs';

const fault = watGuest('fault');
const reenter = watGuest('reenter');
const decoder = new TextDecoder();

/** The fault guest's modes (see wat/fault.wat). */
const DEEP = 0;
const CATCH = 1;
const EXIT_CAUGHT = 2;
const EXIT_CAUGHT_OFTEN = 3;
const AT_START = 4;

const EFAULT = 21;
const EBUSY = 10;

/** A host with a file written before the run, on `backend`. */
function hostWithFile(WASI, backend, options = {}) {
  return new WASI({ mounts: [{ path: '/', backend, files: { keep: 'precious' } }], ...options });
}

/** Runs the fault guest in `mode`; returns start()'s result or what it threw. */
async function run(wasi, mode, depth = 0) {
  const instance = new WebAssembly.Instance(fault, {
    ...wasi.getImportObject(),
    test: { param: (i) => (i === 0 ? mode : depth) },
  });
  try {
    return { code: await wasi.start(instance), errno: instance.exports.errno.value };
  } catch (error) {
    return { error };
  }
}

/** The files written before are intact, and the host still reads, writes, exports. */
export function assertIntact(WASI, wasi, backend, what) {
  assert.equal(decoder.decode(wasi.readFile('keep')), 'precious', `${what}: the file written before`);
  wasi.writeFile('after', 'written after');
  assert.equal(decoder.decode(wasi.readFile('after')), 'written after', `${what}: a file written after`);
  if (backend === 'littlefs') {
    const again = new WASI({ mounts: [{ path: '/', image: wasi.exportImage() }] });
    assert.equal(decoder.decode(again.readFile('keep')), 'precious', `${what}: the exported image`);
    again.close();
  }
}

/**
 * A guest recursing ever deeper before its call: the smallest depth at which the stack
 * runs out, then every depth from just below it to 300 frames past it, so that the stack
 * runs out at every point of the host's call path in turn. Returns how many runs ran out
 * inside the host (it had read the clock for a file's timestamp by then).
 */
export async function stackRunsOutEverywhere(WASI, backend) {
  const overflows = async (depth, counter = { calls: 0 }) => {
    const wasi = hostWithFile(WASI, backend, { clock: { now: () => (counter.calls++, 1.7e18) } });
    const before = counter.calls;
    const result = await run(wasi, DEEP, depth);
    return { wasi, result, inHost: counter.calls > before };
  };
  let low = 100;
  let high = 4_000_000;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    const { wasi, result } = await overflows(mid);
    wasi.close();
    if (result.error) high = mid;
    else low = mid;
  }
  let inHost = 0;
  for (let depth = high - 5; depth <= high + 300; depth++) {
    const { wasi, result, inHost: entered } = await overflows(depth);
    const what = `${backend}, depth ${depth}`;
    if (result.error) {
      assert.ok(result.error instanceof RangeError, `${what}: ${result.error}`);
      if (entered) inHost++;
    } else {
      assert.equal(result.code, 0, what);
      assert.equal(result.errno, 0, what);
    }
    assertIntact(WASI, wasi, backend, what);
    wasi.close();
  }
  return inHost;
}

/** A guest that catches its own exit is ended at its next call; start() has the code. */
export async function exitCaught(WASI, backend) {
  for (const mode of [EXIT_CAUGHT, EXIT_CAUGHT_OFTEN]) {
    const wasi = hostWithFile(WASI, backend);
    const result = await run(wasi, mode);
    assert.equal(result.code, 3, `mode ${mode}: ${result.error}`);
    assertIntact(WASI, wasi, backend, `mode ${mode}`);
  }
  const strict = hostWithFile(WASI, backend, { returnOnExit: false });
  const result = await run(strict, EXIT_CAUGHT);
  assert.equal(result.error?.name, 'ProcessExit');
  assert.equal(result.error.code, 3);
}

/** An embedder callback (here the clock) throws inside a call; the guest catches it and
 * calls again: its run is ended, with a clear error, and the host is intact. */
export async function callbackThrowsAndGuestCatches(WASI, backend) {
  let armed = false;
  const clock = {
    now: () => {
      if (armed) {
        armed = false;
        throw new Error('the clock broke');
      }
      return 1.7e18;
    },
  };
  const wasi = hostWithFile(WASI, backend, { clock });
  armed = true;
  const result = await run(wasi, CATCH);
  assert.match(String(result.error?.message), /caught an exception thrown through one of its calls/);
  assertIntact(WASI, wasi, backend, 'after a caught callback error');
}

/** Calls from the guest's start function find no memory yet: EFAULT, and nothing breaks. */
export async function callsFromTheStartFunction(WASI, backend) {
  const wasi = hostWithFile(WASI, backend);
  const result = await run(wasi, AT_START);
  assert.deepEqual(result, { code: 0, errno: EFAULT });
  assertIntact(WASI, wasi, backend, 'after calls from the start function');
}

/** An embedder callback that calls back in (the guest, or the host's API) is refused
 * without breaking the call it interrupts; close() from it ends the guest after that call. */
export async function reentrantCalls(WASI, backend) {
  let instance;
  const seen = [];
  const wasi = hostWithFile(WASI, backend, {
    stdout: (bytes) => {
      seen.push(decoder.decode(bytes));
      if (seen.length === 1) {
        seen.push(`again: ${instance.exports.again()}`);
        assert.throws(() => wasi.readFile('keep'), /inside a stdout, stderr, clock or random callback/);
      }
    },
  });
  instance = new WebAssembly.Instance(reenter, wasi.getImportObject());
  assert.equal(await wasi.start(instance), 0);
  assert.deepEqual(seen, ['a', `again: ${EBUSY}`, 'b']);
  assertIntact(WASI, wasi, backend, 'after reentrant calls');

  const closing = hostWithFile(WASI, backend, { stdout: () => closing.close() });
  await assert.rejects(closing.start(new WebAssembly.Instance(reenter, closing.getImportObject())), /closed while its guest ran/);
}
