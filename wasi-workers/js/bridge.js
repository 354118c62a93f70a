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

/**
 * The imports for one instance. `h` holds `memory` (the guest's, set at start), `own`
 * (our instance's memory, set once instantiated), `now(id)`, `sleep(ns)`, `random(bytes)`
 * and `output(fd, bytes)`. Views are cached and remade only when a memory has grown
 * (its buffer changed). Addresses arrive as signed i32: `>>> 0` makes them unsigned.
 */
/** Copies up to this many bytes with a loop rather than `set(subarray(...))`. */
const SMALL = 32;

export function bridgeImports(h) {
  let guest = new Uint8Array(0);
  let own = new Uint8Array(0);

  // A memory that grows detaches its old buffer, whose views then have length 0: so a
  // cached view is remade only when an access falls outside it, and the fast path never
  // reads `memory.buffer` (a getter that costs more than a small copy).
  function guestFor(end) {
    if (end > guest.length) guest = new Uint8Array(h.memory.buffer);
    return guest;
  }
  function ownFor(end) {
    if (end > own.length) own = new Uint8Array(h.own.buffer);
    return own;
  }
  /** Copies `len` bytes; small ones (iovecs, results) byte by byte, since a subarray
   * allocates and costs more than the copy. */
  function copy(to, at, from, start, len) {
    if (len <= SMALL) {
      for (let i = 0; i < len; i++) to[at + i] = from[start + i];
    } else {
      to.set(from.subarray(start, start + len), at);
    }
  }

  return {
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
          return h.output(fd, ownFor(src + len).slice(src, src + len)) !== false;
        } catch {
          return false;
        }
      },
      host_exit(code) {
        throw new ProcessExit(code);
      },
    },
  };
}
