// A closed host's instance of our module serves later hosts (js/pool.js). What makes that
// safe, checked here in Node 20 (where a guest's functions are JS functions of its host)
// and, run by jspi.test.mjs, in Node 24 (under JSPI: its host's thunk): a guest of an
// earlier host never reaches a later host's
// state through it (its calls trap before they touch anything, and it never sees or
// changes the later host's files, output or guest memory, nor reads the earlier host's
// data from the freed heap the later host runs on), an instance comes back only
// once nothing of its last host runs in it, a large one is not kept, and 10,000 hosts
// back to back leave memory flat. jspi-host-scenarios.mjs adds a guest waiting under
// JSPI when its host closes. That an instance was reused is seen by its memory's size:
// the hosts here grow theirs to a size no fresh instance has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import binaryen from 'binaryen';
import { SYSCALLS } from '../pkg/abi.js';
import { BACKENDS, WASI } from '../pkg/node.js';
import { Driver, O_CREAT } from './driver.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A guest that imports all 46 functions and exports `call_NAME` for each, calling it
 * with the arguments it is given; and its memory. */
const everyCall = (() => {
  const lines = ['(module'];
  const sig = ([name, params]) => `(param ${params.map(([, t]) => t).join(' ')})${name === 'proc_exit' ? '' : ' (result i32)'}`;
  for (const f of SYSCALLS) lines.push(`(import "wasi_snapshot_preview1" "${f[0]}" (func $${f[0]} ${sig(f)}))`);
  lines.push('(memory (export "memory") 1)');
  for (const f of SYSCALLS) lines.push(`(func (export "call_${f[0]}") ${sig(f)} (call $${f[0]} ${f[1].map((_, i) => `(local.get ${i})`).join(' ')}))`);
  lines.push(')');
  const m = binaryen.parseText(lines.join('\n'));
  try {
    return new WebAssembly.Module(m.emitBinary());
  } finally {
    m.dispose();
  }
})();

/** Where the guests below keep their data. */
const PATH = 100;
const IOVEC = 200;
const DATA = 300;
const RESULT = 400;

/** A reactor of `everyCall` on `wasi`, with "secret" at PATH and an iovec of "stale\n". */
function guestOf(wasi) {
  const instance = new WebAssembly.Instance(everyCall, wasi.getImportObject());
  wasi.initialize(instance);
  const bytes = new Uint8Array(instance.exports.memory.buffer);
  bytes.set(encoder.encode('secret'), PATH);
  bytes.set(encoder.encode('stale\n'), DATA);
  new DataView(bytes.buffer).setUint32(IOVEC, DATA, true);
  new DataView(bytes.buffer).setUint32(IOVEC + 4, 6, true);
  return instance;
}

/** Arguments for `name` that would do something on the host the call reached: fd 3 (the
 * mount) or 1 (stdout), the path "secret", the iovec, room for results. */
function argsFor(name, params) {
  const fd = name.startsWith('fd_write') || name.startsWith('fd_pwrite') ? 1 : 3;
  const values = [fd, PATH, 6, IOVEC, 1, RESULT, RESULT, RESULT, RESULT];
  if (name.startsWith('fd_write') || name.startsWith('fd_read') || name.startsWith('fd_p')) values.splice(1, 2, IOVEC, 1);
  return params.map(([, type], i) => (type === 'i64' ? 0n : values[i] ?? RESULT));
}

/** A host whose instance has grown to a size no fresh one has: writing `kib` KiB makes it. */
function grownHost(kib, options = {}) {
  return new WASI({ mounts: [{ path: '/', files: { ballast: new Uint8Array(kib << 10) } }], ...options });
}

test("a closed host's guest never reaches the next host on the same instance", () => {
  const a = grownHost(512);
  const staleGuest = guestOf(a);
  assert.equal(staleGuest.exports.call_fd_prestat_get(3, RESULT), 0, 'the guest reaches its own host');
  const staleImports = a.getImportObject();
  const size = a.hostMemoryBytes();
  a.close();
  const staleMemory = new Uint8Array(staleGuest.exports.memory.buffer).slice();

  const out = [];
  const b = new WASI({ args: ['b'], env: { B: '1' }, stdout: (chunk) => out.push(decoder.decode(chunk)), mounts: [{ path: '/', files: { secret: 'of b' } }] });
  assert.equal(b.hostMemoryBytes(), size, "b runs on a's instance");
  const guest = guestOf(b);
  const before = new Uint8Array(guest.exports.memory.buffer).slice();

  for (const [name, params] of SYSCALLS) {
    const args = argsFor(name, params);
    assert.throws(() => staleGuest.exports[`call_${name}`](...args), WebAssembly.RuntimeError, `${name} from a's guest`);
    assert.throws(() => staleImports.wasi_snapshot_preview1[name](...args), WebAssembly.RuntimeError, `${name} through a's imports`);
  }
  // An embedder's mistake: a's import object given to a new guest.
  const late = new WebAssembly.Instance(everyCall, staleImports);
  assert.throws(() => late.exports.call_fd_write(1, IOVEC, 1, RESULT), WebAssembly.RuntimeError, 'a new guest with the imports of a closed host');

  assert.deepEqual(new Uint8Array(guest.exports.memory.buffer), before, "b's guest memory is untouched");
  assert.deepEqual(new Uint8Array(staleGuest.exports.memory.buffer), staleMemory, "a's guest memory is untouched");
  assert.deepEqual(out, [], "nothing reached b's stdout");
  assert.equal(decoder.decode(b.readFile('secret')), 'of b', "b's file is intact");

  // b's own guest works, on state that is b's alone.
  assert.equal(guest.exports.call_fd_write(1, IOVEC, 1, RESULT), 0);
  assert.deepEqual(out, ['stale\n']);
  assert.equal(guest.exports.call_args_sizes_get(RESULT, RESULT + 4), 0);
  assert.deepEqual([...new Uint32Array(guest.exports.memory.buffer, RESULT, 2)], [1, 2], 'one argument, "b\\0"');
  assert.equal(guest.exports.call_path_unlink_file(3, PATH, 6), 0);
  assert.equal(b.readFile('secret'), undefined);
  assert.equal(b.readFile('ballast'), undefined, "a's files are gone");
  b.close();
});

test('an instance comes back only once the run of its host has ended', async () => {
  // A guest whose stdout callback closes its host, then makes another host: that one
  // must not get the instance, in which the closed host's call is still under way.
  let inside;
  const a = grownHost(512, {
    stdout: () => {
      a.close();
      inside = new WASI();
    },
  });
  const size = a.hostMemoryBytes();
  const hello = new WebAssembly.Module(
    binaryen.parseText(`(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (data (i32.const 8) "\\10\\00\\00\\00\\01\\00\\00\\00x")
      (func (export "_start") (drop (call $w (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32))) (drop (call $w (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32)))))`).emitBinary(),
  );
  await assert.rejects(a.start(new WebAssembly.Instance(hello, a.getImportObject())), /closed while its guest ran/);
  assert.notEqual(inside.hostMemoryBytes(), size, "a host made during a's run does not get a's instance");
  // The run has ended: the instance is back, reset.
  const c = new WASI({ args: ['c'], mounts: [{ path: '/', files: { f: 'of c' } }] });
  assert.equal(c.hostMemoryBytes(), size, "the next host gets a's instance");
  assert.equal(c.readFile('ballast'), undefined);
  assert.equal(decoder.decode(c.readFile('f')), 'of c');
  inside.close();
  c.close();
});

test('an instance whose host closed from inside a call of a reactor is not kept', () => {
  let b;
  const a = grownHost(512, {
    stdout: () => {
      a.close();
      b = new WASI();
    },
  });
  const size = a.hostMemoryBytes();
  const guest = guestOf(a);
  // The call that a's callback closed a in ends the guest.
  assert.throws(() => guest.exports.call_fd_write(1, IOVEC, 1, RESULT), WebAssembly.RuntimeError);
  assert.notEqual(b.hostMemoryBytes(), size);
  const c = new WASI();
  assert.notEqual(c.hostMemoryBytes(), size, 'an instance a call held when its host closed is dropped');
  b.close();
  c.close();
});

test('an instance that has grown past 4 MiB is not kept', () => {
  const a = grownHost(6 << 10);
  const size = a.hostMemoryBytes();
  assert.ok(size > 6 << 20);
  a.close();
  const b = new WASI();
  assert.ok(b.hostMemoryBytes() < 2 << 20, `the next host starts small (${b.hostMemoryBytes()} bytes)`);
  b.close();
});

test('10,000 hosts back to back: memory stays flat, and closed hosts are collected', async () => {
  const hello = new WebAssembly.Module(
    binaryen.parseText(`(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (data (i32.const 8) "\\10\\00\\00\\00\\06\\00\\00\\00hello\\n")
      (func (export "_start") (if (call $w (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32)) (then unreachable))))`).emitBinary(),
  );
  const sizes = new Set();
  const refs = [];
  let written = 0;
  const run = async (keep) => {
    const wasi = new WASI({ args: ['hello'], stdout: (chunk) => (written += chunk.length), mounts: [{ path: '/' }] });
    const instance = new WebAssembly.Instance(hello, wasi.getImportObject());
    assert.equal(await wasi.start(instance), 0);
    sizes.add(wasi.hostMemoryBytes());
    wasi.close();
    if (keep) refs.push(new WeakRef(wasi), new WeakRef(instance));
  };
  for (let i = 0; i < 100; i++) await run(false);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  sizes.clear();
  for (let i = 0; i < 10000; i++) await run(i % 100 === 0);
  assert.equal(written, 6 * 10100);
  assert.equal(sizes.size, 1, `every host ran on an instance of the same size: ${[...sizes]}`);
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  assert.deepEqual(refs.filter((r) => r.deref() !== undefined), [], 'closed hosts and their guests are collected');
  const grown = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 4 << 20, `the JS heap grew by ${grown} bytes`);
});

test("nothing of a closed host's data reaches the next host's guest or image", () => {
  // Host a fills files with a pattern, on each backend, then closes; host b gets the same
  // instance, whose freed heap blocks held a's data, and reads what b's guest can of
  // bytes nobody wrote: the hole of a file made sparse, and the rest of its disk image.
  const SECRET = 0xa5;
  const secret = (kib) => new Uint8Array(kib << 10).fill(SECRET);
  for (const backend of BACKENDS) {
    const a = new WASI({ mounts: [{ path: '/', backend, capacity: 512 << 10, files: { x: secret(256) } }, { path: '/m', files: { y: secret(512) } }] });
    const size = a.hostMemoryBytes();
    // a's guest writes the pattern too, through the host's buffers.
    const writer = new Driver(a);
    writer.grow(2);
    writer.put(65536, secret(32));
    const file = writer.open(PATH, writer.put(PATH, 'z'), O_CREAT);
    assert.equal(writer.write(file, 65536, 32 << 10), 0);
    a.close();

    const b = new WASI({ mounts: [{ path: '/', backend, capacity: 512 << 10 }] });
    assert.equal(b.hostMemoryBytes(), size, `${backend}: b runs on a's instance`);
    assert.equal(b.readFile('x'), undefined);
    const guest = new Driver(b);
    guest.grow(2);
    const name = guest.put(PATH, 'hole');
    const fd = guest.open(PATH, name, O_CREAT);
    assert.ok(fd > 0, `${backend}: path_open: ${fd}`);
    const length = 192 << 10;
    assert.equal(guest.call('fd_filestat_set_size', fd, length), 0);
    const view = new DataView(guest.memory.buffer);
    const piece = 32 << 10;
    for (let at = 0; at < length; at += piece) {
      guest.bytes.fill(0x11, 65536, 65536 + piece);
      view.setUint32(IOVEC, 65536, true);
      view.setUint32(IOVEC + 4, piece, true);
      assert.equal(guest.call('fd_pread', fd, IOVEC, 1, at, RESULT), 0);
      assert.equal(guest.u32(RESULT), piece);
      assert.ok(guest.bytes.subarray(65536, 65536 + piece).every((byte) => byte === 0), `${backend}: the hole at ${at} reads as zeros`);
    }
    assert.ok(b.readFile('hole').every((byte) => byte === 0), `${backend}: readFile of the hole`);
    if (backend === 'littlefs') {
      const image = b.exportImage();
      const run = image.findIndex((byte, i) => byte === SECRET && image.subarray(i, i + 16).every((x) => x === SECRET));
      assert.equal(run, -1, "b's image holds none of a's data");
    }
    b.close();
  }
});

test("a guest's clock reads, which JS answers, end with its host and with its run", () => {
  // The realtime and monotonic clocks are read by the host's own JS function, not by the
  // module (bridge.js clockFor): it must answer as the module would, and stop as it does.
  const NS = 0x123456789abcd000n;
  const a = new WASI({ clock: { now: () => Number(NS) } });
  const guest = guestOf(a);
  const view = () => new DataView(guest.exports.memory.buffer);
  for (const id of [0, 1]) {
    assert.equal(guest.exports.call_clock_time_get(id, 0n, RESULT), 0);
    assert.equal(view().getBigUint64(RESULT, true), NS, `clock ${id}`);
  }
  assert.equal(guest.exports.call_clock_time_get(1, 0n, 65536 - 7), 21, 'EFAULT past the end of memory');
  assert.equal(guest.exports.call_clock_time_get(1, 0n, -1), 21, 'EFAULT at the last address');
  assert.equal(guest.exports.call_clock_time_get(4, 0n, RESULT), 28, "an unknown clock is the module's EINVAL");
  a.close();
  for (const id of [0, 1]) assert.throws(() => guest.exports.call_clock_time_get(id, 0n, RESULT), WebAssembly.RuntimeError, `clock ${id} after close()`);

  // A reactor whose guest exited: its next call, a clock read too, ends it.
  const b = new WASI();
  const exited = guestOf(b);
  assert.throws(() => exited.exports.call_proc_exit(3), (e) => e.name === 'ProcessExit');
  assert.throws(() => exited.exports.call_clock_time_get(1, 0n, RESULT), WebAssembly.RuntimeError, 'a clock read after proc_exit');
  b.close();
});

test('a guest whose imports do not have WASI signatures is refused, and its host goes on', async () => {
  const wasi = new WASI({ mounts: [{ path: '/', files: { f: 'kept' } }], returnOnExit: true });
  // fd_write with a 64-bit fd.
  const wrong = new WebAssembly.Module(
    binaryen.parseText(`(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i64 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start") (drop (call $w (i64.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))`).emitBinary(),
  );
  if (wasi.jspi) {
    // Its functions are its thunk's: wasm, whose signatures are checked when it links.
    assert.throws(() => new WebAssembly.Instance(wrong, wasi.getImportObject()), WebAssembly.LinkError);
  } else {
    // JS functions: the arguments fail to convert at the call, before anything runs.
    const instance = new WebAssembly.Instance(wrong, wasi.getImportObject());
    await assert.rejects(async () => wasi.start(instance), TypeError);
  }
  assert.equal(decoder.decode(wasi.readFile('f')), 'kept');
  wasi.writeFile('g', encoder.encode('still usable'));
  assert.equal(decoder.decode(wasi.readFile('g')), 'still usable');
  wasi.close();
});

test('a collection with no host alive leaves the host code optimized', () => {
  // V8 throws away optimized code when a shape (map) it relied on is collected; each class
  // made per host keeps an instance for its shape (js/host.js), so that a collection
  // between requests does not send the next hosts back to the interpreter.
  v8.setFlagsFromString('--allow-natives-syntax');
  const natives = (body) => new Function('f', body);
  const prepare = natives('%PrepareFunctionForOptimization(f)');
  const optimizeNext = natives('%OptimizeFunctionOnNextCall(f)');
  const status = natives('return %GetOptimizationStatus(f)');
  /** V8's OptimizationStatus::kOptimized. */
  const OPTIMIZED = 16;
  const host = () => new WASI({ args: ['a'], env: { B: 'c' }, mounts: [{ path: '/sandbox' }, { path: '/disk', backend: 'littlefs' }] }).close();
  prepare(WASI);
  host();
  host();
  optimizeNext(WASI);
  host();
  assert.ok(status(WASI) & OPTIMIZED, 'V8 optimized the WASI constructor');
  gc();
  gc();
  assert.ok(status(WASI) & OPTIMIZED, 'still optimized after the collections');
});
