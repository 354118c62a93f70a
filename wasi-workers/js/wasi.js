// The WASI class: a superset of @cloudflare/workers-wasi's API and of node:wasi's. Each
// WASI object instantiates our module once: that instance is the host, and the guest
// imports its exports directly.

import { bridgeImports, HAS_JSPI, ProcessExit } from './bridge.js';
import { StdinQueue } from './stdin.js';
import { SYSCALLS } from './syscalls.js';

export { ProcessExit };

let module = null;

/** Called once by the entry point with our compiled module. */
export function setModule(compiled) {
  module = compiled;
}

/** WASI's errno names by number, for errors the module reports as numbers. */
const ERRNO_NAMES = 'SUCCESS E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EAGAIN EALREADY EBADF EBADMSG EBUSY ECANCELED ECHILD ECONNABORTED ECONNREFUSED ECONNRESET EDEADLK EDESTADDRREQ EDOM EDQUOT EEXIST EFAULT EFBIG EHOSTUNREACH EIDRM EILSEQ EINPROGRESS EINTR EINVAL EIO EISCONN EISDIR ELOOP EMFILE EMLINK EMSGSIZE EMULTIHOP ENAMETOOLONG ENETDOWN ENETRESET ENETUNREACH ENFILE ENOBUFS ENODEV ENOENT ENOEXEC ENOLCK ENOLINK ENOMEM ENOMSG ENOPROTOOPT ENOSPC ENOSYS ENOTCONN ENOTDIR ENOTEMPTY ENOTRECOVERABLE ENOTSOCK ENOTSUP ENOTTY ENXIO EOVERFLOW EOWNERDEAD EPERM EPIPE EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EROFS ESPIPE ESRCH ESTALE ETIMEDOUT ETXTBSY EXDEV ENOTCAPABLE'.split(' ');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytesOf(name, value) {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`${name} must be a string, Uint8Array or ArrayBuffer`);
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function check(cond, message) {
  if (!cond) throw new TypeError(message);
}

/** Reads a ReadableStream (or bytes) to one Uint8Array. */
async function readAll(stdin) {
  if (stdin === undefined || stdin === null) return new Uint8Array(0);
  if (typeof stdin === 'string' || stdin instanceof Uint8Array || stdin instanceof ArrayBuffer) return bytesOf('options.stdin', stdin);
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

/** An output target: a WritableStream (written as the guest writes; `write` answers 1
 * when its queue is full, and `ready()` resolves when it has room), a function, or
 * nothing. */
function sink(name, target) {
  if (target === undefined || target === null) return { write() {}, async ready() {}, async close() {} };
  if (typeof target === 'function') return { write: (b) => (target(b) === false ? false : 0), async ready() {}, async close() {} };
  check(typeof target.getWriter === 'function', `${name} must be a WritableStream or a function`);
  const writer = target.getWriter();
  return {
    write(bytes) {
      writer.write(bytes).catch(() => {});
      return writer.desiredSize !== null && writer.desiredSize <= 0 ? 1 : 0;
    },
    async ready() {
      await writer.ready.catch(() => {});
    },
    async close() {
      await writer.close().catch(() => {});
    },
  };
}

/** Default quota of a memory mount: a guest filling it gets ENOSPC long before a Worker's
 * 128 MB are gone. */
const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

/** Default littlefs disk size when a mount gives neither capacity nor image. */
const DEFAULT_LITTLEFS_BYTES = 16 * 1024 * 1024;

/** Normalises the mount options to [{ path, readOnly, files, backend, capacity, image }]. */
function mountsOf(options) {
  const mounts = [];
  if (options.mounts !== undefined) {
    check(Array.isArray(options.mounts), 'options.mounts must be an array');
    for (const [i, m] of options.mounts.entries()) {
      check(m && typeof m.path === 'string' && m.path.length > 0 && !m.path.includes('\0'), `options.mounts[${i}].path must be a non-empty string without NUL`);
      const backend = m.backend ?? (m.image !== undefined ? 'littlefs' : 'memory');
      check(backend === 'memory' || backend === 'littlefs', `options.mounts[${i}].backend must be 'memory' or 'littlefs'`);
      check(m.files === undefined || typeof m.files === 'object', `options.mounts[${i}].files must be an object of path -> contents`);
      check(m.capacity === undefined || (Number.isInteger(m.capacity) && m.capacity > 0), `options.mounts[${i}].capacity must be a positive whole number of bytes`);
      check(m.image === undefined || m.image instanceof Uint8Array || m.image instanceof ArrayBuffer, `options.mounts[${i}].image must be a Uint8Array or ArrayBuffer`);
      check(backend === 'littlefs' || m.image === undefined, `options.mounts[${i}]: an image is for the littlefs backend`);
      const capacity = m.capacity ?? (backend === 'littlefs' ? DEFAULT_LITTLEFS_BYTES : DEFAULT_MEMORY_BYTES);
      mounts.push({ path: m.path, readOnly: !!m.readOnly, files: m.files ?? {}, backend, capacity, image: m.image });
    }
  }
  if (options.preopens !== undefined) {
    const list = Array.isArray(options.preopens) ? options.preopens : typeof options.preopens === 'object' ? Object.keys(options.preopens) : null;
    check(list !== null && list.every((p) => typeof p === 'string' && p.length > 0 && !p.includes('\0')), 'options.preopens must be an array of guest paths without NUL (or an object keyed by them)');
    for (const path of list) mounts.push({ path, readOnly: false, files: {}, backend: 'memory', capacity: DEFAULT_MEMORY_BYTES });
  }
  if (options.fs !== undefined) {
    check(typeof options.fs === 'object' && options.fs !== null, 'options.fs must be an object of path -> contents');
    if (mounts.length === 0) mounts.push({ path: '/', readOnly: false, files: {}, backend: 'memory', capacity: DEFAULT_MEMORY_BYTES });
    Object.assign(mounts[0].files, options.fs);
  }
  return mounts;
}

function defaultNow(offset) {
  const origin = typeof performance !== 'undefined' && performance.timeOrigin ? performance.timeOrigin : Date.now();
  return (id) => {
    const mono = typeof performance !== 'undefined' ? performance.now() : Date.now();
    return id === 0 ? (origin + mono) * 1e6 + offset.ns : mono * 1e6 + offset.ns;
  };
}

function defaultRandom(bytes) {
  for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
}

const KNOWN = new Set(['args', 'env', 'preopens', 'fs', 'mounts', 'stdin', 'stdout', 'stderr', 'returnOnExit', 'streamStdio', 'version', 'clock', 'random', 'memory', 'jspi']);

export class WASI {
  #options;
  #mounts;
  #host = null;
  #ex = null;
  #started = false;
  #stdout;
  #stderr;

  /** @param {object} [options] */
  constructor(options = {}) {
    check(typeof options === 'object' && options !== null, 'options must be an object');
    for (const key of Object.keys(options)) check(KNOWN.has(key), `unknown option ${JSON.stringify(key)}`);
    check(options.args === undefined || (Array.isArray(options.args) && options.args.every((a) => typeof a === 'string')), 'options.args must be an array of strings');
    check(options.env === undefined || (typeof options.env === 'object' && options.env !== null), 'options.env must be an object of strings');
    check((options.args ?? []).every((a) => !a.includes('\0')), 'options.args must not contain NUL characters');
    for (const [k, v] of Object.entries(options.env ?? {})) {
      check(typeof v === 'string', `options.env.${k} must be a string`);
      check(k.length > 0 && !k.includes('=') && !k.includes('\0') && !v.includes('\0'), `options.env: ${JSON.stringify(k)} needs a non-empty name without '=' or NUL, and a value without NUL`);
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
    this.#stdout = sink('options.stdout', options.stdout);
    // One stream for both is common (merged output); a stream can have only one writer.
    this.#stderr = options.stderr !== undefined && options.stderr === options.stdout ? this.#stdout : sink('options.stderr', options.stderr);
    this.version = 'preview1';
    this.#create();
  }

  #create() {
    const o = this.#options;
    const offset = { ns: 0 };
    const h = {
      memory: null,
      own: null,
      now: o.clock ? (id) => Number(o.clock.now(id)) + offset.ns : defaultNow(offset),
      sleep: o.clock?.sleep ? (ns) => o.clock.sleep(ns) : (ns) => { offset.ns += ns; },
      // Under JSPI: real timers until the monotonic clock has moved by `ns` (a timer may
      // fire before a coarse clock shows it); a test's own clock sleeps its own way.
      async wait(ns) {
        if (o.clock) return this.sleep(ns);
        const until = this.now(1) + ns;
        for (let left = ns; left > 0; left = until - this.now(1)) await new Promise((resolve) => setTimeout(resolve, Math.ceil(left / 1e6)));
      },
      random: o.random ?? defaultRandom,
      output: (fd, bytes) => (fd === 1 ? this.#stdout : this.#stderr).write(bytes),
      outputReady: (fd) => (fd === 1 ? this.#stdout : this.#stderr).ready(),
      stdin: null,
    };
    const ex = new WebAssembly.Instance(module, bridgeImports(h)).exports;
    h.own = ex.memory;
    this.#host = h;
    this.#ex = ex;
    ex.host_begin(o.stdout != null, o.stderr != null);
    for (const a of o.args ?? []) {
      this.#put(encoder.encode(a));
      this.#call(ex.host_arg(), 'options.args');
    }
    for (const [k, v] of Object.entries(o.env ?? {})) {
      const name = encoder.encode(k);
      this.#put(concat(name, encoder.encode(v)));
      this.#call(ex.host_env(name.length), `options.env.${k}`);
    }
    for (const [i, m] of this.#mounts.entries()) {
      const path = encoder.encode(m.path);
      const where = `options.mounts[${i}] (${JSON.stringify(m.path)})`;
      if (m.image !== undefined) {
        const image = bytesOf('image', m.image);
        this.#put(concat(path, image));
        this.#call(ex.host_mount_image(m.readOnly, path.length), where, `; got ${image.length} bytes`);
      } else if (m.backend === 'littlefs') {
        this.#put(path);
        this.#call(ex.host_mount_littlefs(m.readOnly, m.capacity), where, `; got a capacity of ${m.capacity} bytes`);
      } else {
        this.#put(path);
        this.#call(ex.host_mount_memory(m.readOnly, m.capacity), where);
      }
    }
    this.#call(ex.host_finish(), 'options');
    for (const [i, m] of this.#mounts.entries()) {
      for (const [path, contents] of Object.entries(m.files)) this.writeFile(path, bytesOf(`options file ${JSON.stringify(path)}`, contents), i);
    }
    this.wasiImport = Object.fromEntries(SYSCALLS.map((name) => [name, ex[name]]));
  }

  /** Copies `bytes` into our instance's input buffer, for the next call to consume. */
  #put(bytes) {
    const at = this.#ex.input_reserve(bytes.length) >>> 0;
    new Uint8Array(this.#ex.memory.buffer, at, bytes.length).set(bytes);
  }

  /** Throws a TypeError naming `what` if a set-up call failed, with the module's reason
   * and the figure it was about (`detail`). */
  #call(status, what, detail = '') {
    if (status === 0) return;
    const ex = this.#ex;
    const reason = decoder.decode(new Uint8Array(ex.memory.buffer, ex.reason_ptr() >>> 0, ex.reason_len()));
    throw new TypeError(`${what}: ${reason}${detail}`);
  }

  /** Takes `len` bytes from our instance's output buffer (undefined for -1). */
  #take(len) {
    if (len < 0) return undefined;
    const ex = this.#ex;
    const out = new Uint8Array(ex.memory.buffer, ex.output_ptr() >>> 0, len).slice();
    ex.output_free();
    return out;
  }

  /** The import object for WebAssembly.instantiate, as node:wasi gives it. */
  getImportObject() {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  #open() {
    if (this.#ex === null) throw new Error('this WASI host was closed');
  }

  #bind(instance) {
    this.#open();
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
    let code = 0;
    try {
      if (this.jspi) {
        this.#host.stdin = new StdinQueue(this.#options.stdin);
        ex.host_stream_stdin();
        ex.host_set_blocking(true);
        try {
          await WebAssembly.promising(instance.exports._start)();
        } finally {
          ex.host_set_blocking(false);
        }
      } else {
        if (this.#options.stdin !== undefined) {
          this.#put(await readAll(this.#options.stdin));
          ex.host_set_stdin();
        }
        instance.exports._start();
      }
    } catch (e) {
      if (!(e instanceof ProcessExit)) throw e;
      if (this.#options.returnOnExit === false) throw e;
      code = e.code;
    } finally {
      await this.#stdout.close();
      await this.#stderr.close();
    }
    return code;
  }

  /** Prepares a reactor module: calls `_initialize` if it exports one. */
  initialize(instance) {
    this.#bind(instance);
    if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
  }

  /** Reads a file back from mount `mount` (0 is the first) after or during a run. */
  readFile(path, mount = 0) {
    check(typeof path === 'string', 'readFile(path): path must be a string');
    this.#open();
    this.#put(encoder.encode(path));
    return this.#take(this.#ex.host_read_file(mount));
  }

  /** The disk image of littlefs mount `mount` (0 is the first), to store and mount again
   * later with `{ backend: 'littlefs', image }`. */
  exportImage(mount = 0) {
    this.#open();
    const image = this.#take(this.#ex.host_export_image(mount));
    if (image === undefined) throw new TypeError(`mount ${mount} is not a littlefs mount`);
    return image;
  }

  /** Frees the filesystems and state of this host now; the object is unusable after. */
  close() {
    if (this.#ex === null) return;
    this.#ex.host_close();
    this.#ex = null;
  }

  /** Writes a file into mount `mount` (0 is the first), creating directories. */
  writeFile(path, contents, mount = 0) {
    check(typeof path === 'string', 'writeFile(path, contents): path must be a string');
    this.#open();
    const name = encoder.encode(path);
    this.#put(concat(name, bytesOf('contents', contents)));
    const errno = this.#ex.host_write_file(mount, name.length);
    if (errno !== 0) throw new TypeError(`writing ${JSON.stringify(path)} into mount ${mount}: ${ERRNO_NAMES[errno] ?? errno}`);
  }
}
