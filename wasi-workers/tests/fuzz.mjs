// A fuzzer of the npm package as it runs: the wasm32 module through its JS bridge, in
// Node. Each case makes a host (memory or littlefs mount, a small capacity, a read-only
// mount holding a file written before), lays out paths and iovecs in a guest's memory,
// and makes random syscalls with arguments drawn up to 2^32 (and 2^64 for 64-bit ones):
// seeded paths, deep and long paths, iovec arrays at the end of memory, sparse offsets;
// sometimes before the guest's memory is known (a start function's calls). After every
// call, the answer must be an errno; after every case, through the public API: the file
// written before is intact, files can be written and read, a littlefs image exports and
// mounts again, and the host's memory is within its mounts' capacity plus the allowance.
//
//   node wasi-workers/tests/fuzz.mjs [--cases N] [--seed S] [--calls N]
//
// runs N cases (default 1000) and prints what it did; fuzz.test.mjs runs a few in the
// test command. A failure prints the seed that reproduces it.
import { ERRNO_NAMES, SYSCALLS } from '../pkg/abi.js';
import { BACKENDS, WASI, ProcessExit } from '../pkg/node.js';
import { Driver } from './driver.mjs';

const MiB = 2 ** 20;
/** What a host may hold beyond its mounts (SECURITY.md). */
export const ALLOWANCE = 4 * MiB;
const KEEP = 'written before the guest ran';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** xorshift64*: reproducible from a seed. */
export function rng(seed) {
  let s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
  const next64 = () => {
    s ^= s >> 12n;
    s ^= BigInt.asUintN(64, s << 25n);
    s ^= s >> 27n;
    return BigInt.asUintN(64, s * 0x2545f4914f6cdd1dn);
  };
  const below = (n) => Number(next64() % BigInt(n));
  return { next64, below, pick: (list) => list[below(list.length)], chance: (p) => below(1_000_000) < p * 1_000_000 };
}

/** Paths a guest might pass: plain, dotted, escaping, deep, long, odd. */
const PATHS = [
  'a', 'a/b', 'a/b/c', 'l', 'f', 'f/', '.', '..', '/abs', 'a/../a', 'a/./b/../..', 'a/../../x',
  'n'.repeat(255), 'n'.repeat(256), `${'d/'.repeat(40)}x`, `${'a/..'.repeat(500)}/f`, 'x'.repeat(4096),
  'x'.repeat(4097), 'ro/keep', '\u00e9t\u00e9', 'a\0b', 'f/..', 'l/../f',
];

const PATH_AT = 8192;
const SCRATCH = 2048;

/** Lays the paths out in the guest's memory: [address, length] of each. */
function layPaths(d) {
  const places = [];
  let at = PATH_AT;
  for (const p of PATHS) {
    const len = d.put(at, p);
    places.push([at, len]);
    at += len + 1;
  }
  return places;
}

/** Values for the parameters whose witx names say what they are. */
const CHOICES = {
  dirflags: [0, 1], old_flags: [0, 1], flags: [0, 1],
  oflags: [0, 1, 1, 1, 5, 8, 9, 2, 0, 3], fdflags: [0, 0, 0, 1, 4, 2, 8, 16],
  fst_flags: [0, 1, 2, 3, 4, 8, 5, 10, 15], whence: [0, 1, 2], advice: [0, 1, 2, 3, 4, 5],
  id: [0, 1, 2, 3], sig: [0, 1, 9, 15, 30], how: [1, 2, 3], ri_flags: [0, 1, 2], si_flags: [0],
};

/** A 32-bit value a guest might pass for parameter `name` of `call`. */
function arg32(r, call, name, d, fds) {
  const size = d.memory.buffer.byteLength;
  if (r.chance(0.015)) return Number(r.next64() & 0xffffffffn);
  if (name in CHOICES) return r.pick(CHOICES[name]);
  if (name.endsWith('fd') || name === 'to') {
    // Paths start at a preopen; other calls mostly take the files opened so far.
    if (call.startsWith('path_') && r.chance(0.8)) return r.chance(0.8) ? 3 : 4;
    if (fds.length > 6 && r.chance(0.6)) return fds[6 + r.below(fds.length - 6)];
    return r.chance(0.9) ? r.pick(fds) : r.pick([7, 1024, 0x7fffffff, 0xffffffff]);
  }
  if (name === 'iovs' || name === 'ri_data' || name === 'si_data') {
    // An iovec array: usually sensible buffers, sometimes at the end of memory with odd ones.
    const n = r.pick([1, 1, 2, 3]);
    const odd = r.chance(0.3);
    const at = odd && r.chance(0.5) ? size - 8 * n : SCRATCH + 512;
    const view = new DataView(d.memory.buffer);
    for (let i = 0; i < n && at + 8 * i + 8 <= size; i++) {
      view.setUint32(at + 8 * i, odd ? r.pick([0, size - 16, size - 1, 0xffffff00]) : SCRATCH + 1024 + 64 * i, true);
      view.setUint32(at + 8 * i + 4, odd ? r.pick([16, 4096, size, 0x80000000, 0xffffffff]) : r.pick([0, 1, 16, 64]), true);
    }
    return at;
  }
  if (name.endsWith('iovs_len') || name.endsWith('data_len') || name === 'nsubscriptions') {
    return r.chance(0.9) ? r.pick([1, 1, 2, 3]) : r.pick([0, 1000, 2 ** 29 + 1, 0xffffffff]);
  }
  if (name.endsWith('_len')) return r.pick([0, 1, 8, 64, 255, 4096, size, 2 ** 31, 0xffffffff]);
  // A result or buffer pointer: usually the scratch area, sometimes out of place.
  return r.chance(0.85) ? SCRATCH + 8 * r.below(64) : r.pick([0, size - 4, size - 1, size, 0xfffffff0]);
}

/** A 64-bit value a guest might pass for parameter `name`. */
function arg64(r, name) {
  if (name.startsWith('fs_rights')) return r.chance(0.7) ? 0x1fffffffn : r.pick([0n, 0x2n, 0x40n, 0x1ffffffn, r.next64()]);
  if (r.chance(0.7)) return r.pick([0n, 1n, 100n, 4096n, 65536n, 1000000n]);
  return r.pick([2n ** 32n - 1n, 2n ** 32n + 7n, 2n ** 40n, 2n ** 62n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, r.next64()]);
}

/** The syscalls but proc_exit, which ends a case: it comes up rarely on its own. */
const CALLS = SYSCALLS.filter(([name]) => name !== 'proc_exit');
const EXIT = SYSCALLS.find(([name]) => name === 'proc_exit');
/** path_open, made more often than the rest: the calls on files need files open. */
const OPEN = SYSCALLS.find(([name]) => name === 'path_open');

/** One syscall with shaped arguments; returns [name, args]. */
function shapedCall(r, d, paths, fds) {
  const [name, params] = r.chance(0.002) ? EXIT : r.chance(0.05) ? OPEN : r.pick(CALLS);
  let pathLen = null;
  const args = params.map(([param, type]) => {
    if (type === 'i64') return arg64(r, param);
    if (param.endsWith('path') && !param.endsWith('_path_len')) {
      const [at, len] = r.pick(paths);
      pathLen = len;
      return at;
    }
    if (param.endsWith('path_len')) return pathLen !== null && !r.chance(0.05) ? pathLen : arg32(r, name, 'len', d, fds);
    return arg32(r, name, param, d, fds);
  });
  return [name, args];
}

/** One case: returns what happened, or throws what broke. */
export function runCase(seed, { calls = 200 } = {}) {
  const r = rng(seed);
  const backend = r.pick(BACKENDS);
  const capacity = r.pick([64, 256, 1024, 4096]) * 1024;
  const wasi = new WASI({
    mounts: [
      { path: '/', backend, capacity, files: { f: 'a file', 'a/b/c': 'deeper', [`d/${'n'.repeat(200)}`]: 'long' } },
      { path: '/ro', readOnly: true, files: { keep: KEEP } },
    ],
    clock: { now: (id) => (id === 0 ? 1.7e18 : 5e9), sleep() {} },
    random: (bytes) => bytes.fill(7),
  });
  const start = wasi.hostMemoryBytes();
  const early = r.chance(0.1);
  const d = early ? null : new Driver(wasi);
  const target = d ?? { wasi, memory: { buffer: new ArrayBuffer(65536) }, call: Driver.prototype.call };
  if (d) d.grow(r.pick([1, 2, 4, 16]));
  const paths = d ? layPaths(d) : PATHS.map((p, i) => [PATH_AT + i, p.length]);
  let made = 0;
  let ended = false;
  const fds = [0, 1, 2, 3, 3, 4];
  for (; made < calls && !ended; made++) {
    const [name, args] = shapedCall(r, target, paths, fds);
    // The preopens are where paths start: closing or moving them ends most of a case's
    // interest, so it happens only now and then.
    if ((name === 'fd_close' || name === 'fd_renumber') && (args[0] === 3 || args[0] === 4) && !r.chance(0.05)) continue;
    let result;
    try {
      result = target.call(name, ...args);
    } catch (e) {
      if (name === 'proc_exit' && e instanceof ProcessExit) {
        ended = true;
        continue;
      }
      throw new Error(`${name}(${args.join(', ')}) threw ${e}`);
    }
    if (!(Number.isInteger(result) && result >= 0 && result < ERRNO_NAMES.length) || result === ERRNO_NAMES.indexOf('ENOSYS')) {
      throw new Error(`${name}(${args.join(', ')}) answered ${result}`);
    }
    // A new fd: a candidate for the calls that follow.
    if (result === 0 && name === 'path_open' && d && args[8] + 4 <= d.memory.buffer.byteLength) fds.push(d.u32(args[8]));
  }
  // Through the public API, as an embedder would after any run.
  const kept = wasi.readFile('keep', 1);
  if (decoder.decode(kept) !== KEEP) throw new Error(`the file written before reads ${JSON.stringify(decoder.decode(kept ?? new Uint8Array()))}`);
  wasi.writeFile('after', 'written after', 1);
  if (decoder.decode(wasi.readFile('after', 1)) !== 'written after') throw new Error('a file written after does not read back');
  try {
    wasi.writeFile('after', encoder.encode('x'), 0);
  } catch (e) {
    if (!/ENOSPC|ENOTDIR|EISDIR|EEXIST|ENAMETOOLONG|EIO/.test(e.message)) throw e;
  }
  if (backend === 'littlefs') {
    const again = new WASI({ mounts: [{ path: '/', image: wasi.exportImage(0) }] });
    again.close();
  }
  // Exporting streams the disk out: the bound holds after it too.
  const grew = wasi.hostMemoryBytes() - start;
  if (grew > capacity + ALLOWANCE) throw new Error(`the host grew by ${grew} bytes with a ${capacity}-byte ${backend} mount`);
  const guest = d ? d.memory.buffer.byteLength : 0;
  wasi.close();
  return { backend, calls: made, guest };
}

/** Runs `cases` cases from `seed` on; returns counts per backend. */
export function fuzz({ cases = 1000, seed = 1, calls = 200, log = () => {} } = {}) {
  const counts = { memory: { cases: 0, calls: 0 }, littlefs: { cases: 0, calls: 0 } };
  for (let i = 0; i < cases; i++) {
    let outcome;
    try {
      outcome = runCase(seed + i, { calls });
    } catch (e) {
      e.message = `case seed ${seed + i}: ${e.message}`;
      throw e;
    }
    counts[outcome.backend].cases++;
    counts[outcome.backend].calls += outcome.calls;
    if ((i + 1) % 500 === 0) log(`${i + 1} cases`, counts);
  }
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opt = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  const started = performance.now();
  const counts = fuzz({ cases: opt('cases', 1000), seed: opt('seed', Date.now() % 1e9), calls: opt('calls', 200), log: console.log });
  console.log(JSON.stringify(counts), `${((performance.now() - started) / 1000).toFixed(1)} s`);
}
