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
export function bridgeImports(h) {
  let guest = new Uint8Array(0);
  let words = new DataView(guest.buffer);
  let own = new Uint8Array(0);

  function guestBytes() {
    const buf = h.memory.buffer;
    if (guest.buffer !== buf) {
      guest = new Uint8Array(buf);
      words = new DataView(buf);
    }
    return guest;
  }
  function guestWords() {
    if (words.buffer !== h.memory.buffer) guestBytes();
    return words;
  }
  function ownBytes() {
    if (own.buffer !== h.own.buffer) own = new Uint8Array(h.own.buffer);
    return own;
  }

  return {
    host: {
      guest_read_u32(ptr) {
        const w = guestWords();
        ptr >>>= 0;
        return ptr + 4 > w.byteLength ? -1 : w.getUint32(ptr, true);
      },
      guest_write_u32(ptr, value) {
        const w = guestWords();
        ptr >>>= 0;
        if (ptr + 4 > w.byteLength) return false;
        w.setUint32(ptr, value, true);
        return true;
      },
      guest_read(ptr, len, dst) {
        const g = guestBytes();
        ptr >>>= 0;
        len >>>= 0;
        if (ptr + len > g.length) return false;
        ownBytes().set(g.subarray(ptr, ptr + len), dst >>> 0);
        return true;
      },
      guest_write(ptr, len, src) {
        const g = guestBytes();
        ptr >>>= 0;
        len >>>= 0;
        if (ptr + len > g.length) return false;
        src >>>= 0;
        g.set(ownBytes().subarray(src, src + len), ptr);
        return true;
      },
      host_now: (id) => h.now(id),
      host_sleep: (ns) => h.sleep(ns),
      host_random(dst, len) {
        dst >>>= 0;
        h.random(ownBytes().subarray(dst, dst + (len >>> 0)));
      },
      host_output(fd, src, len) {
        src >>>= 0;
        // A sink that throws must not unwind through the host: the guest sees EPIPE.
        try {
          return h.output(fd, ownBytes().slice(src, src + (len >>> 0))) !== false;
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
