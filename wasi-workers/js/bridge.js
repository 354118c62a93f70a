// The JS half of one host: what its instance of our module imports (module `host`) to
// reach the guest's memory, the clocks, randomness and output. See src/bridge.rs.

/** Thrown by proc_exit to unwind the guest; `code` is the exit code. */
export class ProcessExit extends Error {
  constructor(code) {
    super(`WASI guest exited with code ${code}`);
    this.name = 'ProcessExit';
    this.code = code;
  }
}

/** Whether this runtime has JSPI (workerd, Chrome 137+, Node 24+; not Node 20). */
export const HAS_JSPI = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

/** A suspending import where JSPI exists; elsewhere the function itself, never called. */
function suspending(f) {
  return HAS_JSPI ? new WebAssembly.Suspending(f) : f;
}

/** Copies up to this many bytes with a loop rather than `set(subarray(...))`. */
const SMALL = 32;

/** How many views of memory a bridge keeps for copies (a power of two). */
const VIEWS = 8;

/** A view of no memory, which every access falls outside: one for all bridges, since V8
 * takes as long to make one as a host's other set-up calls. */
const EMPTY = new Uint8Array(0);

/**
 * The imports for one instance of our module, `bind(h)`, which gives them the host that
 * now runs on it (a `Host` of host.js; null while none does: see pool.js), and
 * `own(end)`, a view of the instance's memory up to `end` at least. Views are cached and
 * remade only when a memory has grown (its buffer changed), and dropped by `bind`: a view
 * of one host's guest never serves the next. Addresses arrive as signed i32: `>>> 0`
 * makes them unsigned.
 */
export function bridge() {
  let h = null;
  let guest = EMPTY;
  let own = EMPTY;

  // A memory that grows detaches its old buffer, whose views then have length 0: so a
  // cached view is remade only when an access falls outside it, and the fast path never
  // reads `memory.buffer` (a getter that costs more than a small copy). Before the
  // guest's memory is known (a syscall from its start function), every access is out of
  // bounds: EFAULT.
  function guestFor(end) {
    if (end > guest.length && h.memory !== null) guest = new Uint8Array(h.memory.buffer);
    return guest;
  }
  function ownFor(end) {
    if (end > own.length) own = new Uint8Array(h.own.buffer);
    return own;
  }
  // The views that larger copies were made from, a few by where they start: making one
  // costs three times as much as copying a few KiB from it, and a guest often moves the
  // same bytes again (its arguments, a block of a file it rereads). A view is of the
  // `from` it was made of, which a memory that grows replaces: so one of a detached buffer
  // is never found. `bind` forgets them all.
  const fromViews = new Array(VIEWS).fill(null);
  const fromStarts = new Int32Array(VIEWS);
  const froms = new Array(VIEWS).fill(null);
  function view(from, start, len) {
    const i = ((start >>> 4) ^ len) & (VIEWS - 1);
    const cached = fromViews[i];
    if (froms[i] === from && fromStarts[i] === start && cached.length === len) return cached;
    const made = from.subarray(start, start + len);
    froms[i] = from;
    fromStarts[i] = start;
    fromViews[i] = made;
    return made;
  }
  /** Copies `len` bytes; small ones (iovecs, results) byte by byte, since a view costs more
   * than the copy. */
  function copy(to, at, from, start, len) {
    if (len <= SMALL) {
      for (let i = 0; i < len; i++) to[at + i] = from[start + i];
    } else {
      to.set(view(from, start, len), at);
    }
  }
  /** A wait that ends early when the host is closed. */
  const wait = (promise) => Promise.race([promise, h.closing()]);

  const bind = (host) => {
    h = host;
    guest = EMPTY;
    own = EMPTY;
    for (let i = 0; i < VIEWS; i++) {
      froms[i] = null;
      fromViews[i] = null;
    }
  };
  const imports = {
    host: {
      guest_read(ptr, len, dst) {
        ptr >>>= 0;
        len >>>= 0;
        dst >>>= 0;
        const g = guestFor(ptr + len);
        if (ptr + len > g.length) return false;
        copy(ownFor(dst + len), dst, g, ptr, len);
        return true;
      },
      guest_write(ptr, len, src) {
        ptr >>>= 0;
        len >>>= 0;
        src >>>= 0;
        const g = guestFor(ptr + len);
        if (ptr + len > g.length) return false;
        copy(g, ptr, ownFor(src + len), src, len);
        return true;
      },
      guest_size: () => (h.memory === null ? 0 : h.memory.buffer.byteLength),
      host_now: (id) => h.now(id),
      host_sleep: (ns) => h.sleep(ns),
      host_random(dst, len) {
        dst >>>= 0;
        len >>>= 0;
        h.random(ownFor(dst + len).subarray(dst, dst + len));
      },
      host_output(fd, src, len) {
        src >>>= 0;
        len >>>= 0;
        // A sink that throws must not unwind through the host: the guest sees EPIPE.
        try {
          const status = h.output(fd, ownFor(src + len).slice(src, src + len));
          return status === false ? -1 : status === 1 ? 1 : 0;
        } catch {
          return -1;
        }
      },
      host_stdin_read(dst, len) {
        dst >>>= 0;
        len >>>= 0;
        return h.stdin.read(ownFor(dst + len).subarray(dst, dst + len));
      },
      host_stdin_available: () => h.stdin.available(),
      host_in_callback: () => h.callbacks > 0,
      // Called only inside WebAssembly.promising, between calls (src/calls.rs): each
      // suspends the guest until its promise settles, or the host is closed.
      host_sleep_wait: suspending((ns) => wait(h.wait(ns))),
      host_yield: suspending(() => wait(new Promise((resolve) => setTimeout(resolve, 0)))),
      host_stdin_wait: suspending((timeoutNs) => wait(h.stdin.wait(timeoutNs))),
      host_output_wait: suspending((fd) => wait(h.outputReady(fd))),
      host_ended() {
        h.ended = true;
      },
      host_exit(code) {
        h.ended = true;
        throw new ProcessExit(code);
      },
    },
  };
  return { imports, bind, own: ownFor };
}

/** `EFAULT` (wasi_abi::Errno). */
const EFAULT = 21;
/** The largest float below 2^64. */
const MAX_NS = 2 ** 64 - 2 ** 11;

/**
 * `clock_time_get` of the realtime (0) or monotonic (1) clock for the guest of host `h`,
 * as its guest's functions call it (pool.js): reads the clock and writes the time at
 * `ptr` in the guest's memory, a little-endian u64 of nanoseconds; 0, or `EFAULT` when
 * the result does not fit. One call into JS and none into our module: the least a host in
 * JS can do for it. It is the host's own function, as the guest's are, and touches nothing
 * but the clock and the guest's memory; once the host has closed or the guest's run has
 * ended, it traps as the module does.
 */
export function clockFor(h) {
  let guest = null;
  return (id, ptr) => {
    if (h.closed || h.ended) throw new WebAssembly.RuntimeError('unreachable');
    ptr >>>= 0;
    if ((guest === null || ptr + 8 > guest.length) && h.memory !== null) guest = new Uint8Array(h.memory.buffer);
    if (guest === null || ptr + 8 > guest.length) return EFAULT;
    // As the core's clock would give it (Rust's `as u64`): whole, saturated at 0 and
    // below 2^64; then the u64 as two halves, exact.
    const now = Math.floor(h.now(id));
    const ns = now > 0 ? Math.min(now, MAX_NS) : 0;
    const high = Math.floor(ns / 4294967296);
    const low = ns - high * 4294967296;
    guest[ptr] = low;
    guest[ptr + 1] = low >>> 8;
    guest[ptr + 2] = low >>> 16;
    guest[ptr + 3] = low >>> 24;
    guest[ptr + 4] = high;
    guest[ptr + 5] = high >>> 8;
    guest[ptr + 6] = high >>> 16;
    guest[ptr + 7] = high >>> 24;
    return 0;
  };
}
