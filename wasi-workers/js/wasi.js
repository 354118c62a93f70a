// The WASI class: a superset of @cloudflare/workers-wasi's API and of node:wasi's. Each
// WASI object runs on an instance of our module of its own while it is open (a closed
// host's instance serves a later one: pool.js), and its guest imports functions of the
// host's own, which call into that instance with the host's generation.

import { ERRNO_NAMES } from './abi.js';
import { HAS_JSPI, ProcessExit } from './bridge.js';
import { Host } from './host.js';
import { guestImports } from './imports.js';
import { acquire, release } from './pool.js';
import { StdinQueue } from './stdin.js';
import { readTar, writeEntries, writeTar } from './tar.js';

export { ProcessExit };

export { setModules } from './pool.js';

/** What the module's file calls return beyond errnos (src/api.rs `REFUSED` + `calls::Refused`). */
const REFUSALS = {
  1002: 'it was called from inside a stdout, stderr, clock or random callback while a guest call holds the host',
  1003: "a guest call was cut short inside the host's allocator: its memory cannot be trusted",
};

/** Why a run ended (src/calls.rs `End`). */
const END_RUNNING = 0;
const END_EXIT = 1;
const END_INTERRUPTED = 2;
const END_CLOSED = 3;

const ENOENT = ERRNO_NAMES.indexOf('ENOENT');

/** Bytes moved between JS and the module per call: files and images never sit in the
 * module twice. */
const PIECE = 1 << 20;

/** The backends a mount can have, named once, with the capacity of a mount that gives
 * none: a memory mount's quota (a guest filling it gets ENOSPC long before a Worker's
 * 128 MB are gone) and a littlefs disk's size. */
const DEFAULT_CAPACITY = { memory: 64 * 1024 * 1024, littlefs: 16 * 1024 * 1024 };

/** The backends' names. */
export const BACKENDS = Object.freeze(Object.keys(DEFAULT_CAPACITY));
const [MEMORY, LITTLEFS] = BACKENDS;

/** The most all mounts may hold together: the module addresses 4 GiB, and needs room
 * beside them for its own state and for moving files in and out. */
const MAX_MOUNTED_BYTES = 3 * 1024 * 1024 * 1024;

/** The largest file `readFile` returns whole; larger ones are read a range at a time. */
const MAX_READ_BYTES = 1024 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytesOf(name, value) {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`${textOf(name)} must be a string, Uint8Array or ArrayBuffer`);
}

/** `value` as `#put` copies it: an ASCII string as it is, written straight into the
 * module (encoding it would make an ArrayBuffer: see utf8), anything else as bytes. */
function contentOf(name, value) {
  return typeof value === 'string' && !NON_ASCII.test(value) ? value : bytesOf(name, value);
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Where `utf8` encodes: paths and names, which are short. */
const scratch = new Uint8Array(3 * 4096);

/** The UTF-8 bytes of `s`, valid until the next call: a view of `scratch` when they fit.
 * A host is made per request, and a new ArrayBuffer (which `encode` makes) while the last
 * guest's memory is young brings on a collection of the young generation (V8 collects
 * young ArrayBuffers whose memory outgrows it): a cold start cost 5 µs more in Node 20. */
function utf8(s) {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (3 * s.length > scratch.length) return encoder.encode(s);
  return scratch.subarray(0, encodeAt(s, scratch, 0));
}

/** Writes the UTF-8 bytes of `s` into `into` at `at`; returns how many, or -1 if they
 * do not all fit (what does not fit is not written). A short ASCII string by hand: a call
 * to `encodeInto` costs more than a loop over a name. */
function encodeAt(s, into, at) {
  // UTF-8 takes at least a byte per UTF-16 unit.
  if (s.length > SHORT || at + s.length > into.length) return encodeAll(s, into.subarray(at));
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encodeAll(s, into.subarray(at));
    into[at + i] = c;
  }
  return s.length;
}

/** `encodeInto` all of `s`: the bytes written, or -1 if they do not all fit. */
function encodeAll(s, into) {
  const { read, written } = encoder.encodeInto(s, into);
  return read === s.length ? written : -1;
}

/** Copies `part`, bytes or an ASCII string, into `into` at `at`. */
function copyInto(into, at, part) {
  if (typeof part === 'string') encodeAt(part, into, at);
  else into.set(part, at);
}

/** The longest string `encodeAt` encodes by hand. */
const SHORT = 64;

/** A message given as a string, or as a function making it: a host is made per request,
 * and most messages are never needed. */
function textOf(message) {
  return typeof message === 'function' ? message() : message;
}

export function check(cond, message) {
  if (!cond) throw new TypeError(textOf(message));
}

/** Checks a file path given to writeFile, readFile or as a `files` key: relative to its
 * mount, no NUL, no `..`, names of at most 255 bytes. */
export function checkPath(what, path) {
  check(typeof path === 'string', () => `${textOf(what)} must be a string`);
  const quoted = () => `${textOf(what)} ${JSON.stringify(path)}`;
  check(!path.includes('\0'), () => `${quoted()} contains a NUL character`);
  const parts = path.split('/');
  check(!parts.includes('..'), () => `${quoted()} has a '..' component`);
  check(parts.some((p) => p !== '' && p !== '.'), () => `${quoted()} names no file`);
  for (const p of parts) check(utf8(p).length <= 255, () => `${quoted()} has a name longer than 255 bytes`);
}

/** Reads a ReadableStream to one Uint8Array; bytes and strings are taken as `contentOf`
 * gives them. */
async function readAll(stdin) {
  if (stdin === undefined || stdin === null) return new Uint8Array(0);
  if (typeof stdin === 'string' || stdin instanceof Uint8Array || stdin instanceof ArrayBuffer) return contentOf('options.stdin', stdin);
  const reader = stdin.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = bytesOf('a stdin chunk', value);
    chunks.push(chunk);
    total += chunk.length;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** A mount as the options give it: a guest path, files to write there, its backend, the
 * capacity, a littlefs disk's block size (0: the default) or image, and a tar archive (a
 * stream, or read: see tarOf). A class, not an object literal, as everything made per
 * host is (see host.js). */
class Mount {
  /** A Mount, for its shape (see host.js). */
  static #shape = new Mount('/');

  constructor(path, readOnly = false, files = {}, backend = MEMORY, capacity = DEFAULT_CAPACITY[backend], blockSize = 0, image = undefined, tar = undefined) {
    this.path = path;
    this.readOnly = readOnly;
    this.files = files;
    this.backend = backend;
    this.capacity = capacity;
    this.blockSize = blockSize;
    this.image = image;
    this.tar = tar;
  }
}

/** Normalises the mount options to Mounts. */
function mountsOf(options) {
  const mounts = [];
  if (options.mounts !== undefined) {
    check(Array.isArray(options.mounts), 'options.mounts must be an array');
    for (let i = 0; i < options.mounts.length; i++) {
      const m = options.mounts[i];
      // Messages are made only for a failed check: a host is made per request.
      const at = `options.mounts[${i}]`;
      check(m && typeof m.path === 'string' && m.path.length > 0 && !m.path.includes('\0'), () => `${at}.path must be a non-empty string without NUL`);
      const backend = m.backend ?? (m.image !== undefined ? LITTLEFS : MEMORY);
      check(BACKENDS.includes(backend), () => `${at}.backend must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`);
      check(m.files === undefined || (typeof m.files === 'object' && m.files !== null), () => `${at}.files must be an object of path -> contents`);
      check(m.capacity === undefined || (Number.isInteger(m.capacity) && m.capacity > 0), () => `${at}.capacity must be a positive whole number of bytes`);
      check(m.image === undefined || m.image instanceof Uint8Array || m.image instanceof ArrayBuffer, () => `${at}.image must be a Uint8Array or ArrayBuffer`);
      check(backend === LITTLEFS || m.image === undefined, () => `${at}: an image is for the littlefs backend`);
      check(m.blockSize === undefined || (Number.isInteger(m.blockSize) && m.blockSize > 0 && backend === LITTLEFS && m.image === undefined), () => `${at}.blockSize must be a positive whole number of bytes, for a new littlefs disk`);
      const capacity = m.image !== undefined ? m.image.byteLength : (m.capacity ?? DEFAULT_CAPACITY[backend]);
      for (const path of Object.keys(m.files ?? {})) checkPath(() => `${at}.files: the path`, path);
      mounts.push(new Mount(m.path, !!m.readOnly, m.files, backend, capacity, m.blockSize, m.image, tarOf(at, m.tar, capacity)));
    }
  }
  if (options.preopens !== undefined) {
    const list = Array.isArray(options.preopens) ? options.preopens : typeof options.preopens === 'object' ? Object.keys(options.preopens) : null;
    check(list !== null && list.every((p) => typeof p === 'string' && p.length > 0 && !p.includes('\0')), 'options.preopens must be an array of guest paths without NUL (or an object keyed by them)');
    for (const path of list) mounts.push(new Mount(path));
  }
  if (options.fs !== undefined) {
    check(typeof options.fs === 'object' && options.fs !== null, 'options.fs must be an object of path -> contents');
    for (const path of Object.keys(options.fs)) checkPath('options.fs: the path', path);
    if (mounts.length === 0) mounts.push(new Mount('/'));
    mounts[0].files = { ...mounts[0].files, ...options.fs };
  }
  const total = mounts.reduce((sum, m) => sum + m.capacity, 0);
  check(total <= MAX_MOUNTED_BYTES, () => `options.mounts: the mounts hold ${total} bytes in all (capacities and images); a host holds at most ${MAX_MOUNTED_BYTES}`);
  return mounts;
}

/** A mount's `tar` option: a stream as it is (start() reads it), bytes read and checked
 * now, so that a harmful entry stops the constructor before anything is made. */
function tarOf(at, tar, capacity) {
  if (tar === undefined || typeof tar?.getReader === 'function') return tar;
  check(tar instanceof Uint8Array || tar instanceof ArrayBuffer, `${at}.tar must be a Uint8Array, ArrayBuffer or ReadableStream`);
  return readTar(bytesOf(`${at}.tar`, tar), `${at}.tar`, capacity);
}

/** A random 53-bit number (exact as a float), from the host's random source. */
function seedFrom(host) {
  host.random(seedBytes);
  return seedView.getUint32(0) * 2 ** 21 + (seedView.getUint32(4) >>> 11);
}

/** seedFrom's bytes, made once: an ArrayBuffer costs V8 about a microsecond to make. */
const seedBytes = new Uint8Array(8);
const seedView = new DataView(seedBytes.buffer);

const KNOWN = new Set(['args', 'env', 'preopens', 'fs', 'mounts', 'stdin', 'stdout', 'stderr', 'returnOnExit', 'streamStdio', 'version', 'clock', 'random', 'memory', 'jspi']);

/** The options of the WASI that is made for its shape, with its fields and no host. */
const NO_HOST = Object.freeze({});

export class WASI {
  /** A WASI of no host, for its shape (see host.js). */
  static #shape = new WASI(NO_HOST);

  #options;
  #mounts;
  #host = null;
  /** The instance this host runs on (pool.js), and its exports: null once closed. */
  #slot = null;
  #ex = null;
  #started = false;
  /** Whether start() is under way: until it ends, the instance is not given back. */
  #running = false;
  /** Whether close() came while start() was under way. */
  #closedWhileRunning = false;

  /** @param {object} [options] */
  constructor(options = {}) {
    check(typeof options === 'object' && options !== null, 'options must be an object');
    for (const key of Object.keys(options)) check(KNOWN.has(key), () => `unknown option ${JSON.stringify(key)}`);
    check(options.args === undefined || (Array.isArray(options.args) && options.args.every((a) => typeof a === 'string')), 'options.args must be an array of strings');
    check(options.env === undefined || (typeof options.env === 'object' && options.env !== null), 'options.env must be an object of strings');
    check((options.args ?? []).every((a) => !a.includes('\0')), 'options.args must not contain NUL characters');
    for (const [k, v] of Object.entries(options.env ?? {})) {
      check(typeof v === 'string', () => `options.env.${k} must be a string`);
      check(k.length > 0 && !k.includes('=') && !k.includes('\0') && !v.includes('\0'), () => `options.env: ${JSON.stringify(k)} needs a non-empty name without '=' or NUL, and a value without NUL`);
    }
    check(options.returnOnExit === undefined || typeof options.returnOnExit === 'boolean', 'options.returnOnExit must be a boolean');
    check(options.version === undefined || options.version === 'preview1', "options.version must be 'preview1'");
    check(options.clock === undefined || typeof options.clock?.now === 'function', 'options.clock must be an object with now(id) returning nanoseconds');
    check(options.random === undefined || typeof options.random === 'function', 'options.random must be a function filling a Uint8Array');
    check(options.memory === undefined || options.memory instanceof WebAssembly.Memory, 'options.memory must be a WebAssembly.Memory');
    check(options.jspi === undefined || typeof options.jspi === 'boolean', 'options.jspi must be a boolean (leave it out to use JSPI where the runtime has it)');
    check(options.jspi !== true || HAS_JSPI, 'options.jspi: this runtime has no JSPI (WebAssembly.Suspending and WebAssembly.promising)');
    /** Whether start() runs the guest through JSPI: stdin streamed, real sleeps, stdout
     * back-pressure. */
    this.jspi = options.jspi ?? HAS_JSPI;
    this.#options = options;
    this.#mounts = mountsOf(options);
    this.version = 'preview1';
    /** Tar entries that were not made ({ mount, path, type }): devices, FIFOs, types
     * the reader does not know. */
    this.tarSkipped = [];
    this.wasiImport = null;
    if (options !== NO_HOST) this.#create();
  }

  #create() {
    const h = new Host(this.#options);
    const { slot, generation, call } = acquire(h, this.jspi);
    const ex = slot.ex;
    h.own = ex.memory;
    this.#host = h;
    this.#slot = slot;
    this.#ex = ex;
    this.wasiImport = guestImports(call);
    try {
      this.#setUp(h, generation);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Sets the host of `generation` up from the options, in our instance. */
  #setUp(h, generation) {
    const o = this.#options;
    const ex = this.#ex;
    const args = o.args ?? [];
    const len = this.#putStrings('options.args and options.env', args, o.env ?? {});
    this.#call(ex.host_begin(generation, o.stdout != null, o.stderr != null, len), 'options');
    for (let i = 0; i < this.#mounts.length; i++) {
      const m = this.#mounts[i];
      // Messages are made only for a failed call: a host is made per request.
      const where = () => `options.mounts[${i}] (${JSON.stringify(m.path)})`;
      if (m.image !== undefined) {
        // A piece at a time: the image never sits in the module twice.
        const image = bytesOf('image', m.image);
        const got = () => `; got ${image.length} bytes`;
        this.#call(ex.host_image_begin(image.length), where, got);
        for (let at = 0; at < image.length; at += PIECE) {
          this.#put(where, image.subarray(at, at + PIECE));
          this.#call(ex.host_image_piece(at), where);
        }
        this.#put(where, utf8(m.path));
        this.#call(ex.host_mount_image(m.readOnly), where, got);
      } else if (m.backend === LITTLEFS) {
        this.#put(where, utf8(m.path));
        const got = () => `; got a capacity of ${m.capacity} bytes${m.blockSize ? ` in blocks of ${m.blockSize}` : ''}`;
        this.#call(ex.host_mount_littlefs(m.readOnly, m.capacity, m.blockSize), where, got);
      } else {
        this.#put(where, utf8(m.path));
        this.#call(ex.host_mount_memory(m.readOnly, m.capacity, seedFrom(h)), where);
      }
    }
    this.#call(ex.host_finish(), 'options');
    for (let i = 0; i < this.#mounts.length; i++) {
      const m = this.#mounts[i];
      if (m.tar?.entries !== undefined) this.#seed(i, m.tar);
      // The paths were checked with the options (mountsOf).
      for (const [path, contents] of Object.entries(m.files)) this.#writeFile(path, contentOf(() => `options file ${JSON.stringify(path)}`, contents), i);
    }
  }

  /** Copies `bytes`, then `more` if given (each bytes or an ASCII string), into our
   * instance's input buffer, for the next call to consume (`what`: a string, or a function
   * making it, for the error). */
  #put(what, bytes, more = null) {
    const len = bytes.length + (more?.length ?? 0);
    const at = this.#ex.input_reserve(len) >>> 0;
    if (at === 0) throw new TypeError(`${textOf(what)}: ${len} bytes do not fit in the host's memory`);
    const input = this.#slot.bridge.own(at + len).subarray(at, at + len);
    copyInto(input, 0, bytes);
    if (more !== null) copyInto(input, bytes.length, more);
  }

  /** Writes the number of `args`, then `args` and each name and value of `env`, into our
   * instance's input buffer, each string as its UTF-8 length and bytes (little-endian u32
   * lengths), straight into the module's memory, as host_begin reads them; returns the
   * bytes written. */
  #putStrings(what, args, env) {
    const names = Object.keys(env);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    let most = 4;
    for (const s of args) most += 4 + 3 * s.length;
    for (const name of names) most += 8 + 3 * (name.length + env[name].length);
    const at = this.#ex.input_reserve(most) >>> 0;
    if (at === 0) throw new TypeError(`${what}: ${most} bytes do not fit in the host's memory`);
    // Only the room reserved: an env getter that answers longer the second time writes no
    // further.
    const bytes = this.#slot.bridge.own(at + most).subarray(at, at + most);
    const setU32 = (to, value) => {
      for (let i = 0; i < 4; i++) bytes[to + i] = value >>> (8 * i);
    };
    setU32(0, args.length);
    let used = 4;
    const put = (s) => {
      const written = encodeAt(s, bytes, used + 4);
      if (written < 0) throw new TypeError(`${what}: a value was longer when read again`);
      setU32(used, written);
      used += 4 + written;
    };
    for (const s of args) put(s);
    for (const name of names) {
      put(name);
      put(env[name]);
    }
    return used;
  }

  /** Throws a TypeError naming `what` if a set-up call failed, with the module's reason
   * and the figure it was about (`detail`); each a string or a function making it. */
  #call(status, what, detail = '') {
    if (status === 0) return;
    const ex = this.#ex;
    const reason = decoder.decode(new Uint8Array(ex.memory.buffer, ex.reason_ptr() >>> 0, ex.reason_len()));
    throw new TypeError(`${textOf(what)}: ${reason}${textOf(detail)}`);
  }

  /** Throws for a file call's nonzero code (an errno or a refusal). */
  #fail(code, what) {
    if (code >= 1000) throw new Error(`${what}: ${REFUSALS[code] ?? `refused (${code})`}`);
    throw new TypeError(`${what}: ${ERRNO_NAMES[code] ?? code}`);
  }

  /** Takes `len` bytes from our instance's output buffer. */
  #take(len, into, at = 0) {
    const ex = this.#ex;
    const out = new Uint8Array(ex.memory.buffer, ex.output_ptr() >>> 0, len);
    into.set(out, at);
    ex.output_free();
  }

  /** Our instance, for a call from the embedder: a guest call cut short by an exception
   * (its frames unwound, its lock left held) leaves the stack pointer where it was, so it
   * goes back to the top; the module takes the lock back. */
  #enter() {
    const ex = this.#ex;
    if (ex === null) throw new Error('this WASI host was closed');
    if (ex.host_busy() && this.#host.callbacks === 0) ex.__stack_pointer.value = this.#slot.stackTop;
    return ex;
  }

  /** The import object for WebAssembly.instantiate, as node:wasi gives it. */
  getImportObject() {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  #bind(instance) {
    this.#enter();
    check(instance instanceof WebAssembly.Instance, 'start() needs a WebAssembly.Instance');
    if (this.#started) throw new Error('this WASI host has already started a guest; create a new WASI for the next run');
    const memory = instance.exports.memory ?? this.#options.memory;
    check(memory instanceof WebAssembly.Memory, 'the guest module exports no memory named "memory" (for a guest that imports its memory, pass it as options.memory)');
    this.#started = true;
    this.#host.memory = memory;
  }

  /** Runs a command module's `_start`; resolves with its exit code. Under JSPI the guest
   * runs through `WebAssembly.promising`: it reads stdin as it arrives, sleeps on real
   * timers and waits for stdout to drain; otherwise stdin is read in full first. */
  async start(instance) {
    check(instance instanceof WebAssembly.Instance, 'start() needs a WebAssembly.Instance');
    check(typeof instance.exports._start === 'function', 'the guest module exports no _start function');
    this.#bind(instance);
    const ex = this.#ex;
    const stackTop = this.#slot.stackTop;
    let failure = null;
    this.#running = true;
    try {
      for (let i = 0; i < this.#mounts.length; i++) {
        const m = this.#mounts[i];
        if (typeof m.tar?.getReader === 'function') this.#seed(i, readTar(await readAll(m.tar), `options.mounts[${i}].tar`, m.capacity));
      }
      if (this.jspi) {
        this.#host.stdin = new StdinQueue(this.#options.stdin);
        const code = ex.host_stream_stdin();
        if (code !== 0) this.#fail(code, 'start()');
        ex.host_set_blocking(true);
        try {
          await WebAssembly.promising(instance.exports._start)();
        } finally {
          ex.host_set_blocking(false);
        }
      } else {
        if (this.#options.stdin !== undefined) {
          const stdin = await readAll(this.#options.stdin);
          this.#enter();
          this.#put('options.stdin', stdin);
          const code = ex.host_set_stdin();
          if (code !== 0) this.#fail(code, 'start()');
        }
        instance.exports._start();
      }
    } catch (e) {
      failure = e;
    } finally {
      // Only a stream has anything to wait for: a run's end costs no turn otherwise.
      const h = this.#host;
      const closing = h.stdout.close();
      if (closing) await closing;
      if (h.stderr !== h.stdout) {
        const closing = h.stderr.close();
        if (closing) await closing;
      }
      // Nothing of ours is on the stack now: whatever a cut-short call left goes.
      ex.__stack_pointer.value = stackTop;
    }
    // A guest whose host was closed outside its calls is ended by the trap of the
    // instance (or of clockFor), which the module does not see.
    const ended = ex.host_end();
    const end = ended === END_RUNNING && this.#closedWhileRunning && failure !== null ? END_CLOSED : ended;
    const code = ex.host_exit_code();
    this.#running = false;
    // Closed during the run: the instance is given back now that nothing of it runs.
    if (this.#ex === null) this.#giveBack();
    switch (end) {
      case END_EXIT: {
        if (this.#options.returnOnExit === false) throw failure instanceof ProcessExit ? failure : new ProcessExit(code);
        return code;
      }
      case END_CLOSED:
        throw new Error('this WASI host was closed while its guest ran');
      case END_INTERRUPTED:
        throw new Error('the guest caught an exception thrown through one of its calls into this WASI host, and called it again: its run was ended', { cause: failure });
    }
    if (failure !== null) throw failure;
    return 0;
  }

  /** Prepares a reactor module: calls `_initialize` if it exports one. */
  initialize(instance) {
    this.#bind(instance);
    if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
  }

  /** Reads a file back from mount `mount` (0 is the first), after or during a run:
   * undefined if it does not exist. `range` reads `length` bytes (at most; default: to
   * the end) from `offset` (default 0); a file larger than 1 GiB is read a range at a
   * time. */
  readFile(path, mount = 0, range = {}) {
    checkPath('readFile(path): path', path);
    check(typeof range === 'object' && range !== null, 'readFile(path, mount, range): range must be an object { offset, length }');
    const { offset = 0, length } = range;
    check(Number.isSafeInteger(offset) && offset >= 0, 'readFile: range.offset must be a whole number of bytes');
    check(length === undefined || (Number.isSafeInteger(length) && length >= 0), 'readFile: range.length must be a whole number of bytes');
    const ex = this.#enter();
    const name = encoder.encode(path);
    this.#put('readFile(path)', name);
    const size = ex.host_file_size(mount);
    if (size === -ENOENT) return undefined;
    if (size < 0) this.#fail(-size, `readFile(${JSON.stringify(path)})`);
    const want = Math.max(0, Math.min(length ?? Infinity, size - offset));
    check(want <= MAX_READ_BYTES, `readFile(${JSON.stringify(path)}): the file is ${size} bytes; read at most ${MAX_READ_BYTES} at a time with readFile(path, mount, { offset, length })`);
    const out = new Uint8Array(want);
    const done = this.#readInto(mount, name, out, 0, offset, `readFile(${JSON.stringify(path)})`);
    return done < want ? out.subarray(0, done) : out;
  }

  /** Reads the file at `name` (bytes) in `mount` from `offset` into `out` at `at`, up to
   * the end of `out` or of the file, a piece at a time; returns the bytes read. */
  #readInto(mount, name, out, at, offset, what) {
    const ex = this.#ex;
    let done = 0;
    while (at + done < out.length) {
      this.#put(what, name);
      const n = ex.host_read_file(mount, offset + done, Math.min(PIECE, out.length - at - done));
      if (n < 0) this.#fail(-n, what);
      if (n === 0) break;
      this.#take(n, out, at + done);
      done += n;
    }
    return done;
  }

  /** The disk image of littlefs mount `mount` (0 is the first), to store and mount again
   * later with `{ backend: 'littlefs', image }`. */
  exportImage(mount = 0) {
    const ex = this.#enter();
    const len = ex.host_export_image(mount);
    if (len === -ERRNO_NAMES.indexOf('ENOTSUP') || len === -ENOENT) throw new TypeError(`mount ${mount} is not a littlefs mount`);
    if (len < 0) this.#fail(-len, `exportImage(${mount})`);
    // A piece at a time: the module never holds a second copy of the disk.
    const image = new Uint8Array(len);
    for (let at = 0; at < len; ) {
      const n = ex.host_image_read(mount, at, Math.min(PIECE, len - at));
      if (n <= 0) this.#fail(n < 0 ? -n : ERRNO_NAMES.indexOf('EIO'), `exportImage(${mount})`);
      this.#take(n, image, at);
      at += n;
    }
    return image;
  }

  /** The bytes of memory this host holds now (its module instance's memory, which never
   * shrinks): what its mounts' quotas and the allowance in SECURITY.md bound. */
  hostMemoryBytes() {
    return this.#enter().memory.buffer.byteLength;
  }

  /** Frees the filesystems and state of this host now; the object is unusable after. A
   * guest still running is ended at its next call into the host (start() rejects). */
  close() {
    if (this.#ex === null) return;
    this.#ex.host_close();
    this.#host.close();
    this.#ex = null;
    if (this.#running) this.#closedWhileRunning = true;
    else this.#giveBack();
  }

  /** Gives our instance back to the pool, once this host is closed and no run of it is
   * under way (a guest waiting under JSPI waits inside the instance). */
  #giveBack() {
    release(this.#slot);
    this.#slot = null;
  }

  /** Writes a file into mount `mount` (0 is the first), creating directories. */
  writeFile(path, contents, mount = 0) {
    checkPath('writeFile(path): path', path);
    this.#writeFile(path, contentOf('writeFile(path, contents): contents', contents), mount);
  }

  /** writeFile of a checked path, with `data` as contentOf gives it. */
  #writeFile(path, data, mount) {
    this.#enter();
    const errno = this.#write(mount, utf8(path), data);
    if (errno !== 0) this.#fail(errno, `writing ${JSON.stringify(path)} into mount ${mount}`);
  }

  /** Writes `data` (bytes or an ASCII string) at `offset` of the file at `name` (bytes)
   * in `mount`, a piece at a time (at offset 0, as the whole file): 0 or the code of the
   * call that failed. */
  #write(mount, name, data, offset = 0) {
    let done = 0;
    do {
      const piece = typeof data === 'string' ? data.slice(done, done + PIECE) : data.subarray(done, done + PIECE);
      this.#put('writing a file', name, piece);
      const code = this.#ex.host_write_file(mount, name.length, offset + done);
      if (code !== 0) return code;
      done += piece.length;
    } while (done < data.length);
    return 0;
  }

  /** A pax tar archive of mount `mount` (0 is the first): its directories, files,
   * symlinks and hard links with their mtimes, as GNU tar and node-tar read them. */
  exportTar(mount = 0) {
    this.#checkMount('exportTar(mount)', mount);
    return writeTar(this.#tree(mount));
  }

  #checkMount(what, mount) {
    check(Number.isInteger(mount) && mount >= 0 && mount < this.#mounts.length, `${what}: there is no mount ${mount} (the host has ${this.#mounts.length})`);
  }

  /** Makes the entries of a checked archive in mount `i`; a call that fails there (a
   * name the mount holds as another kind, a mount fuller than the check could see)
   * closes the host, so that no half-made tree is ever seen. */
  #seed(i, archive) {
    this.tarSkipped.push(...archive.skipped.map((s) => ({ mount: i, ...s })));
    try {
      writeEntries(this.#tree(i), archive, `options.mounts[${i}].tar`);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The node-level calls of src/tree.rs on mount `mount`, for tar.js: paths as strings
   * or bytes; `make`, `link`, `write`, `setSize` and `setMtime` answer 0 or a code for
   * `fail`. */
  #tree(mount) {
    const ex = this.#enter();
    const bytes = (p) => (typeof p === 'string' ? encoder.encode(p) : p);
    const what = `mount ${mount}`;
    return {
      make: (path, kind, target = '') => {
        const name = bytes(path);
        this.#put(what, name, bytes(target));
        return ex.host_make(mount, kind, name.length);
      },
      link: (path, existing) => {
        const name = bytes(path);
        this.#put(what, name, bytes(existing));
        return ex.host_link(mount, name.length);
      },
      setMtime: (path, { secs, nanos }) => {
        this.#put(what, bytes(path));
        return ex.host_set_mtime(mount, Number(secs), nanos);
      },
      write: (path, data, offset = 0) => this.#write(mount, bytes(path), data, offset),
      setSize: (path, size) => {
        this.#put(what, bytes(path));
        return ex.host_set_size(mount, size);
      },
      list: (dir, cookie) => {
        this.#put(what, dir);
        const n = ex.host_list_dir(mount, Number(cookie & 0xffffffffn), Number(cookie >> 32n));
        if (n < 0) this.#fail(-n, `listing a directory of ${what}`);
        const out = new Uint8Array(n);
        this.#take(n, out);
        return out;
      },
      readlink: (path) => {
        this.#put(what, path);
        const n = ex.host_readlink(mount);
        if (n < 0) this.#fail(-n, `reading a symlink of ${what}`);
        const out = new Uint8Array(n);
        this.#take(n, out);
        return out;
      },
      read: (path, out, at, size) => {
        const done = this.#readInto(mount, path, out.subarray(0, at + size), at, 0, `reading a file of ${what}`);
        check(done === size, `exportTar: a file of ${what} ended before its size`);
      },
      fail: (code, message) => this.#fail(code, message),
    };
  }
}
