// The package's API as a Worker author uses it: options, streams, files, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BACKENDS, WASI, ProcessExit } from '../pkg/node.js';

/** A command module (WAT compiled by hand would need a tool; these are tiny binaries). */
function wasm(bytes) {
  return new WebAssembly.Module(new Uint8Array(bytes));
}

// (module (memory (export "memory") 1) (func (export "_start")))
const EMPTY = wasm([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 4, 1, 2, 0, 11]);
// (module (func (export "_start")))  — no memory
const NO_MEMORY = wasm([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 10, 1, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 4, 1, 2, 0, 11]);

test('wrong options throw a TypeError naming the option', () => {
  assert.throws(() => new WASI({ args: 'x' }), { name: 'TypeError', message: /options\.args/ });
  assert.throws(() => new WASI({ env: { A: 1 } }), { name: 'TypeError', message: /options\.env\.A/ });
  assert.throws(() => new WASI({ stdout: 42 }), { name: 'TypeError', message: /options\.stdout/ });
  assert.throws(() => new WASI({ mounts: [{ path: '' }] }), { name: 'TypeError', message: /mounts\[0\]\.path/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'floppy' }] }), { name: 'TypeError', message: /backend/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'littlefs', capacity: 1000 }] }), { name: 'TypeError', message: /options\.mounts\[0\].*whole number of blocks.*got a capacity of 1000 bytes/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'littlefs', blockSize: 100 }] }), { name: 'TypeError', message: /options\.mounts\[0\].*128 bytes to 1 MiB.*in blocks of 100/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'littlefs', blockSize: 4.5 }] }), { name: 'TypeError', message: /options\.mounts\[0\]\.blockSize/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', blockSize: 512 }] }), { name: 'TypeError', message: /options\.mounts\[0\]\.blockSize/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', image: new Uint8Array(65536) }] }), { name: 'TypeError', message: /not a littlefs disk/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'memory', image: new Uint8Array(8192) }] }), { name: 'TypeError', message: /littlefs backend/ });
  assert.throws(() => new WASI({ preopens: 5 }), { name: 'TypeError', message: /options\.preopens/ });
  assert.throws(() => new WASI({ bogus: true }), { name: 'TypeError', message: /bogus/ });
  assert.throws(() => new WASI({ env: { 'A=B': 'x' } }), { name: 'TypeError', message: /options\.env/ });
  assert.throws(() => new WASI({ args: ['a\0b'] }), { name: 'TypeError', message: /options\.args/ });
  assert.throws(() => new WASI({ mounts: [{ path: 'x\0' }] }), { name: 'TypeError', message: /options\.mounts\[0\]\.path/ });
  assert.throws(() => new WASI({ preopens: ['/a\0'] }), { name: 'TypeError', message: /options\.preopens/ });
  assert.throws(() => new WASI({ version: 'preview2' }), { name: 'TypeError', message: /version/ });
});

test('an env value that grows between reads is refused clearly, and the next host is whole', () => {
  // The host reads env values more than once; a getter may answer differently each time.
  let reads = 0;
  const env = {
    get X() {
      reads++;
      return reads === 3 ? 'y'.repeat(100_000) : 'short';
    },
  };
  assert.throws(() => new WASI({ env }), { name: 'TypeError', message: /^options\.args and options\.env: a value was longer when read again/ });
  assert.equal(reads, 3);
  const wasi = new WASI({ args: ['a'], env: { B: 'c' }, fs: { f: 'x'.repeat(1000) } });
  assert.equal(new TextDecoder().decode(wasi.readFile('f')), 'x'.repeat(1000));
  wasi.close();
});

test('start runs _start, returns 0, and refuses a second start', async () => {
  const wasi = new WASI();
  assert.equal(wasi.version, 'preview1');
  assert.equal(Object.keys(wasi.getImportObject().wasi_snapshot_preview1).length, 46);
  const instance = new WebAssembly.Instance(EMPTY, wasi.getImportObject());
  assert.equal(await wasi.start(instance), 0);
  await assert.rejects(wasi.start(instance), /already started/);
});

test('a module without memory is refused clearly', async () => {
  const wasi = new WASI();
  const instance = new WebAssembly.Instance(NO_MEMORY, wasi.getImportObject());
  await assert.rejects(wasi.start(instance), { name: 'TypeError', message: /memory/ });
  assert.throws(() => wasi.initialize({}), { name: 'TypeError' });
});

// A guest that imports its memory, writes "hi", grows its memory by a page, then writes
// "ow" from the new page (wasm-as of a small WAT module).
const IMPORTED_MEMORY = wasm(Buffer.from('AGFzbQEAAAABDAJgBH9/f38Bf2AAAAIxAgNlbnYGbWVtb3J5AgABFndhc2lfc25hcHNob3RfcHJldmlldzEIZmRfd3JpdGUAAAMCAQEHCgEGX3N0YXJ0AAEKWQFXAEEAQRA2AgBBBEECNgIAQRBB6NIBOwEAQQFBAEEBQQgQABpBAUAAGkGAgARBkIAENgIAQYSABEECNgIAQZCABEHv7gE7AQBBAUGAgARBAUGIgAQQABoL', 'base64'));

test('a guest that imports its memory, and grows it between calls', async () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const out = [];
  const wasi = new WASI({ memory, stdout: (b) => out.push(Buffer.from(b)) });
  const instance = new WebAssembly.Instance(IMPORTED_MEMORY, { ...wasi.getImportObject(), env: { memory } });
  assert.equal(await wasi.start(instance), 0);
  assert.equal(Buffer.concat(out).toString(), 'hiow');
});

test('deterministic clock and random hooks answer the guest', async () => {
  // A clock that stands still except when the guest sleeps: the poll guest's 20 ms sleep
  // must advance it virtually, or the guest's own check fails.
  const seen = { now: 0, random: 0 };
  let x = 1;
  const lcg = (bytes) => {
    seen.random++;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  };
  const wasi = new WASI({
    args: ['poll'],
    preopens: ['/sandbox'],
    clock: { now: (id) => (seen.now++, id === 0 ? 1_700_000_000_000_000_000 : 5_000) },
    random: lcg,
  });
  assert.equal(await wasi.start(new WebAssembly.Instance(guest('poll'), wasi.getImportObject())), 0);
  assert.ok(seen.now > 0);
  const wasi2 = new WASI({ args: ['clocks_random'], clock: { now: (id) => (id === 0 ? 1_700_000_000_000_000_000 : 1) }, random: lcg });
  assert.equal(await wasi2.start(new WebAssembly.Instance(guest('clocks_random'), wasi2.getImportObject())), 0);
  assert.ok(seen.random >= 4, 'random_get went to the hook');
});

test('files seeded from options and writeFile, read back with readFile', () => {
  const wasi = new WASI({ mounts: [{ path: '/', files: { 'a/b.txt': 'hello', 'bin.dat': new Uint8Array([1, 2, 3]) } }, { path: '/data' }] });
  assert.equal(new TextDecoder().decode(wasi.readFile('a/b.txt')), 'hello');
  assert.deepEqual([...wasi.readFile('bin.dat')], [1, 2, 3]);
  wasi.writeFile('x/y', 'z', 1);
  assert.equal(new TextDecoder().decode(wasi.readFile('x/y', 1)), 'z');
  assert.equal(wasi.readFile('missing'), undefined);
  assert.equal(wasi.readFile('x/y', 0), undefined, 'mounts are separate filesystems');
});

test('stdout and stderr may be the same WritableStream', async () => {
  const chunks = [];
  const both = new WritableStream({ write(c) { chunks.push(c); } });
  const wasi = new WASI({ args: ['stdio'], preopens: ['/sandbox'], stdin: 'hello stdin\n', stdout: both, stderr: both });
  assert.equal(await wasi.start(new WebAssembly.Instance(guest('stdio'), wasi.getImportObject())), 0);
  assert.equal(Buffer.concat(chunks).toString(), 'to stdout\nto stderr\nrenumbered\n');
});

test('a littlefs image exported after a run mounts again with its files', async () => {
  const first = new WASI({ args: ['upcase'], mounts: [{ path: '/data', backend: 'littlefs', capacity: 1 << 20, files: { 'notes/a.txt': 'kept' } }] });
  first.writeFile('b.bin', new Uint8Array([1, 2, 3]));
  const image = first.exportImage();
  assert.equal(image.length, 1 << 20);
  first.close();
  const second = new WASI({ mounts: [{ path: '/data', image }, { path: '/mem' }] });
  assert.equal(new TextDecoder().decode(second.readFile('notes/a.txt')), 'kept');
  assert.deepEqual([...second.readFile('b.bin')], [1, 2, 3]);
  assert.throws(() => second.exportImage(1), { name: 'TypeError', message: /not a littlefs mount/ });
  const ro = new WASI({ mounts: [{ path: '/data', image, readOnly: true }] });
  assert.throws(() => ro.writeFile('c', 'x'), /read-only|EROFS|rofs/i);
  // A disk of 512-byte blocks: its image mounts with its block size read from it.
  const small = new WASI({ mounts: [{ path: '/data', backend: 'littlefs', capacity: 64 * 512, blockSize: 512, files: { 'a.txt': 'small blocks' } }] });
  const smallImage = small.exportImage();
  small.close();
  assert.equal(smallImage.length, 64 * 512);
  assert.equal(new TextDecoder().decode(new WASI({ mounts: [{ path: '/data', image: smallImage }] }).readFile('a.txt')), 'small blocks');
});

// Writes "partial" to stdout, then traps (wasm-as of a small WAT module).
const TRAPS = wasm(Buffer.from('AGFzbQEAAAABDAJgBH9/f38Bf2AAAAIjARZ3YXNpX3NuYXBzaG90X3ByZXZpZXcxCGZkX3dyaXRlAAADAgEBBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAEKHgEcAEEAQRA2AgBBBEEHNgIAQQFBAEEBQQgQABoACwsNAQBBEAsHcGFydGlhbA==', 'base64'));

test('a guest that traps mid-run: start rejects, output so far arrives, the host stays usable', async () => {
  const out = [];
  let closed = false;
  const stdout = new WritableStream({ write(c) { out.push(c); }, close() { closed = true; } });
  const wasi = new WASI({ stdout, fs: { kept: 'yes' } });
  const instance = new WebAssembly.Instance(TRAPS, wasi.getImportObject());
  await assert.rejects(wasi.start(instance), WebAssembly.RuntimeError);
  assert.equal(Buffer.concat(out).toString(), 'partial');
  assert.ok(closed, 'stdout is closed even when the guest traps');
  assert.equal(new TextDecoder().decode(wasi.readFile('kept')), 'yes');
  wasi.close();
});

test('a stdout function that throws: the guest gets EPIPE, not the exception, and the host stays usable', async () => {
  const wasi = new WASI({ stdout: () => { throw new Error('sink broke'); }, fs: { kept: 'yes' } });
  const instance = new WebAssembly.Instance(TRAPS, wasi.getImportObject());
  // TRAPS ignores fd_write's errno and traps: what arrives is the trap, not 'sink broke'.
  await assert.rejects(wasi.start(instance), WebAssembly.RuntimeError);
  assert.equal(new TextDecoder().decode(wasi.readFile('kept')), 'yes');
});

test('a memory mount has a quota: 64 MiB by default, or its capacity; past it, ENOSPC', () => {
  const small = new WASI({ mounts: [{ path: '/', capacity: 64 * 1024 }] });
  small.writeFile('a', new Uint8Array(32 * 1024));
  assert.throws(() => small.writeFile('b', new Uint8Array(64 * 1024)), /NOSPC/i);
  const big = new WASI({ mounts: [{ path: '/' }] });
  big.writeFile('a', new Uint8Array(60 * 1024 * 1024));
  assert.throws(() => big.writeFile('b', new Uint8Array(8 * 1024 * 1024)), /NOSPC/i);
});

test('close frees the host; using it after is a clear error', () => {
  const wasi = new WASI({ fs: { f: 'x' } });
  wasi.close();
  wasi.close();
  assert.throws(() => wasi.readFile('f'), /closed/);
});

test('the workers-wasi fs option seeds a / mount', () => {
  const wasi = new WASI({ fs: { 'etc/motd': 'hi' } });
  assert.equal(new TextDecoder().decode(wasi.readFile('etc/motd')), 'hi');
});

function guest(name) {
  return new WebAssembly.Module(readFileSync(new URL(`../../target/wasm32-wasip1/release/${name}.wasm`, import.meta.url)));
}

test('string contents arrive as their UTF-8 bytes: files, large files and stdin', async () => {
  // ASCII strings go into the module as they are, others as their encoding.
  const big = 'abcdefghij'.repeat(300_000);
  const files = { 'ascii.txt': 'plain', 'utf8.txt': 'héllo wörld ✓ 𝄞', 'empty.txt': '', 'big.txt': big };
  const wasi = new WASI({ mounts: [{ path: '/', files }] });
  for (const [name, text] of Object.entries(files)) assert.deepEqual(wasi.readFile(name), new TextEncoder().encode(text), name);
  wasi.writeFile('later.txt', 'ünïcode then ascii');
  assert.equal(new TextDecoder().decode(wasi.readFile('later.txt')), 'ünïcode then ascii');
  wasi.close();
  for (const stdin of ['to upper\n', 'ça va\n']) {
    const out = [];
    const host = new WASI({ args: ['upcase'], stdin, stdout: (b) => out.push(b.slice()), jspi: false });
    assert.equal(await host.start(new WebAssembly.Instance(guest('upcase'), host.getImportObject())), 0);
    assert.equal(Buffer.concat(out).toString(), `args: []\n${stdin.replace(/[a-z]/g, (c) => c.toUpperCase())}`);
    host.close();
  }
});

test('proc_exit rejects with ProcessExit when returnOnExit is false', async () => {
  const wasi = new WASI({ returnOnExit: false });
  const instance = new WebAssembly.Instance(guest('proc_exit'), wasi.getImportObject());
  await assert.rejects(wasi.start(instance), (e) => e instanceof ProcessExit && e.code === 42);
});

test('stdin from a ReadableStream, stdout and stderr to WritableStreams', async () => {
  const parts = ['hello ', 'stdin\n'];
  const stdin = new ReadableStream({ pull(c) { const p = parts.shift(); if (p) c.enqueue(new TextEncoder().encode(p)); else c.close(); } });
  const collect = () => {
    const chunks = [];
    let closed = false;
    const stream = new WritableStream({ write(c) { chunks.push(c); }, close() { closed = true; } });
    return { stream, text: () => Buffer.concat(chunks).toString(), closed: () => closed, count: () => chunks.length };
  };
  const out = collect();
  const err = collect();
  const wasi = new WASI({ args: ['stdio'], preopens: ['/sandbox'], stdin, stdout: out.stream, stderr: err.stream });
  const instance = new WebAssembly.Instance(guest('stdio'), wasi.getImportObject());
  assert.equal(await wasi.start(instance), 0);
  assert.equal(out.text(), 'to stdout\n');
  assert.equal(err.text(), 'to stderr\nrenumbered\n');
  assert.ok(err.count() >= 2, 'stderr arrives as it is written, not as one chunk at exit');
  assert.ok(out.closed() && err.closed(), 'streams are closed when the guest ends');
});

test('file paths from the embedder are checked: NUL, .., names over 255 bytes', () => {
  for (const backend of BACKENDS) {
    assert.throws(() => new WASI({ mounts: [{ path: '/', backend, files: { 'a\0b': 'x' } }] }), { name: 'TypeError', message: /files: the path "a\\u0000b" contains a NUL/ });
    assert.throws(() => new WASI({ mounts: [{ path: '/', backend, files: { 'a/../b': 'x' } }] }), { name: 'TypeError', message: /'\.\.' component/ });
    assert.throws(() => new WASI({ fs: { [`${'n'.repeat(256)}`]: 'x' } }), { name: 'TypeError', message: /longer than 255 bytes/ });
    const wasi = new WASI({ mounts: [{ path: '/', backend }] });
    assert.throws(() => wasi.writeFile('x\0', 'y'), { name: 'TypeError', message: /NUL/ });
    assert.throws(() => wasi.writeFile('./', 'y'), { name: 'TypeError', message: /names no file/ });
    assert.throws(() => wasi.readFile('../etc/passwd'), { name: 'TypeError', message: /'\.\.'/ });
    assert.throws(() => wasi.readFile('a', 0, { offset: -1 }), { name: 'TypeError', message: /range\.offset/ });
  }
});

test('mounts hold at most 3 GiB in all, images included', () => {
  const GiB = 2 ** 30;
  assert.throws(() => new WASI({ mounts: [{ path: '/a', capacity: 2 * GiB }, { path: '/b', capacity: 2 * GiB }] }), { name: 'TypeError', message: /hold 4294967296 bytes in all/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'littlefs', capacity: 4 * GiB }] }), { name: 'TypeError', message: /at most 3221225472/ });
});

test('writeFile and readFile move a large file in pieces: the host holds one copy', () => {
  const MiB = 2 ** 20;
  const wasi = new WASI({ mounts: [{ path: '/' }] });
  const before = wasi.hostMemoryBytes();
  const data = new Uint8Array(40 * MiB).map((_, i) => i % 251);
  wasi.writeFile('big', data);
  assert.deepEqual(wasi.readFile('big'), data);
  assert.deepEqual([...wasi.readFile('big', 0, { offset: 40 * MiB - 2, length: 10 })], [...data.subarray(40 * MiB - 2)]);
  const grew = wasi.hostMemoryBytes() - before;
  assert.ok(grew < 44 * MiB, `the host grew by ${grew} bytes for a 40 MiB file`);
});

test('the backends are named once: index.d.ts declares the same names', () => {
  const dts = readFileSync(new URL('../pkg/index.d.ts', import.meta.url), 'utf8');
  const declared = dts.match(/export type Backend = (.*);/)[1].split(' | ').map((b) => JSON.parse(b.replaceAll("'", '"')));
  assert.deepEqual(declared, [...BACKENDS]);
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'floppy' }] }), { name: 'TypeError', message: /one of 'memory', 'littlefs'/ });
});
