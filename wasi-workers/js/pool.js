// Instances of our module, kept from closed hosts for the next ones.
//
// A Worker makes a host per request, and a new instance of our module costs V8 far more
// than the rest of a host (its memory, its exports, and the garbage collections that wasm
// memories bring on). So a closed host's instance serves the next host, once nothing of
// the old one can reach it:
// - the old guest's functions are its host's own, which pass its host's generation with
//   every call: JS functions closing over it (`ownFunction`), or, for a guest that runs
//   under JSPI, which suspends only wasm frames, the functions of its host's own thunk
//   (thunk.wasm, see scripts/thunk-wat.mjs), which holds it in a global. The instance
//   traps on any generation but its owner's before it touches anything (src/syscalls.rs).
//   Each host gets a generation never given before, which owns the instance from
//   host_begin until host_close; so at most one host's guest, the owner's, ever gets in;
// - nothing of the old host runs in the instance: the instance comes back only from a
//   host that has closed and has no run under way (a run closed while it waits under
//   JSPI gives it back when it has ended), and only if no call holds it (`host_reset`
//   refuses otherwise: a close from inside a callback, or a call cut short);
// - nothing of the old host stays in it: `host_reset` drops its state and forgets every
//   static that held part of it, the stack pointer goes back to the top, and the bridge
//   drops its views of the old guest's memory and is bound to the new host.
// Memory never shrinks, so an instance whose memory has grown past MAX_KEPT_BYTES is
// left to the garbage collector rather than kept, and at most MAX_IDLE wait here.
import { SYSCALLS } from './abi.js';
import { bridge, clockFor } from './bridge.js';

/** Idle instances kept at most. */
const MAX_IDLE = 4;

/** The most memory an instance may hold and be kept: a fresh one holds 1.3 MiB once its
 * heap has grown once. */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;

let modules = null;
/** Instances ready for a host, the last closed on top. */
const idle = [];
/** The last generation given to a host. A float: exact up to 2^53, far beyond the hosts
 * any process makes. */
let generation = 0;

/** Called once by the entry point with our compiled modules: the host and the thunk. */
export function setModules(host, thunk) {
  modules = { host, thunk };
}

/** One instance of our module and what is bound to it. */
class Slot {
  constructor() {
    this.bridge = bridge();
    this.ex = new WebAssembly.Instance(modules.host, this.bridge.imports).exports;
    /** The stack pointer before any call: put back after a call cut short, and between hosts. */
    this.stackTop = this.ex.__stack_pointer.value;
    /** The typed exports for the 46 functions (`wasi_NAME`), in witx order. */
    this.typed = SYSCALLS.map(([name]) => this.ex[`wasi_${name}`]);
  }
}

/** An instance for a new host (whose bridge state is `h`), the host's generation (for
 * `host_begin`), and `call(i)`, which gives function `i` (witx order) of the 46 its guest
 * imports: its own, which no other host's guest has. A thunk (an instance of thunk.wasm)
 * when the guest runs under JSPI (`jspi`); else JS functions, which cost V8 far less to
 * make than an instance (a host without a guest: 6 µs rather than 19 in Node 20) and a
 * few nanoseconds more per call. */
export function acquire(h, jspi) {
  const slot = idle.pop() ?? new Slot();
  slot.bridge.bind(h);
  const mine = ++generation;
  const clock = clockFor(h);
  if (jspi) {
    const { calls } = new WebAssembly.Instance(modules.thunk, new ThunkImports(slot.ex.syscall, mine, clock)).exports;
    return new Lease(slot, mine, (i) => calls.get(i));
  }
  return new Lease(slot, mine, (i) => ownFunction(slot.typed[i], mine, clock, i));
}

/** What `acquire` gives. A class, not an object literal, as everything made per host is
 * (see host.js). */
class Lease {
  /** A Lease of nothing, for its shape (see host.js). */
  static #shape = new Lease(null, 0, null);

  constructor(slot, generation, call) {
    this.slot = slot;
    this.generation = generation;
    this.call = call;
  }
}

/** A thunk's import object, whose module `host` is the object itself: the instance's
 * `syscall`, the generation `mine` and the `clock`. A class, not an object literal, as
 * everything made per host is (see host.js). */
class ThunkImports {
  /** Imports of no host, for their shape (see host.js). */
  static #shape = new ThunkImports(null, 0, null);

  constructor(syscall, mine, clock) {
    this.syscall = syscall;
    this.mine = mine;
    this.clock = clock;
  }

  get host() {
    return this;
  }
}

/** `clock_time_get`'s place in witx order. */
const CLOCK_TIME_GET = SYSCALLS.findIndex(([name]) => name === 'clock_time_get');

/** How many parameters each of the 46 has, in witx order. */
const ARITY = SYSCALLS.map(([, params]) => params.length);

/** Function `i` for the guest of the host of generation `mine`: calls `f`, the module's
 * export for it (`wasi_NAME`, src/syscalls.rs), with `mine` first, as the thunk does; the
 * realtime and monotonic clocks are read by `clock` (bridge.js `clockFor`). One arrow
 * per number of arguments: V8 calls these from wasm in about 10 ns, and a rest parameter
 * would make an array per call. */
function ownFunction(f, mine, clock, i) {
  if (i === CLOCK_TIME_GET) return (id, precision, time) => (id >>> 0 < 2 ? clock(id, time) : f(mine, id, precision, time));
  switch (ARITY[i]) {
    case 0: return () => f(mine);
    case 1: return (a) => f(mine, a);
    case 2: return (a, b) => f(mine, a, b);
    case 3: return (a, b, c) => f(mine, a, b, c);
    case 4: return (a, b, c, d) => f(mine, a, b, c, d);
    case 5: return (a, b, c, d, e) => f(mine, a, b, c, d, e);
    case 6: return (a, b, c, d, e, g) => f(mine, a, b, c, d, e, g);
    case 7: return (a, b, c, d, e, g, j) => f(mine, a, b, c, d, e, g, j);
    case 8: return (a, b, c, d, e, g, j, k) => f(mine, a, b, c, d, e, g, j, k);
    default: return (a, b, c, d, e, g, j, k, l) => f(mine, a, b, c, d, e, g, j, k, l);
  }
}

/** Takes back the instance of a closed host once nothing of it runs there: kept for the
 * next host if it resets, is small enough and the pool has room. */
export function release(slot) {
  if (idle.length >= MAX_IDLE || slot.ex.memory.buffer.byteLength > MAX_KEPT_BYTES) return;
  // Refused while a call holds the host: that call still runs, on its host's bridge.
  if (slot.ex.host_reset() !== 0) return;
  slot.bridge.bind(null);
  slot.ex.__stack_pointer.value = slot.stackTop;
  idle.push(slot);
}
