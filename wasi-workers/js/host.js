// What a host's bridge (bridge.js) reads and calls: the guest's memory, the clocks,
// randomness, output, stdin, and what ends the guest's waits once the host is closed.
//
// Two rules for everything made per host, here and in wasi.js, pool.js, imports.js and
// stdin.js, both from what V8 does with objects made in great numbers:
// - Classes, not object literals. V8 moves the objects of a literal it has seen survive
//   collections into the old generation as they are made ("allocation-site
//   pretenuring"), and a host made there keeps every young object it points to alive
//   until a full collection. Hosts made back to back then fill the old generation: in
//   Node 20, host set-up went from 2.6 to 7 µs in most runs.
// - One object of each class kept as long as the class is (a static `#shape`; a module
//   constant that no function reads is not kept). V8 keeps an object's shape (its map)
//   only while some object has it, and throws away the optimized code built on a shape
//   once the shape is collected: after a full collection with no host alive (between
//   requests), every host function went back to the interpreter, and hosts took 3–4
//   times as long for the next ~50 ms.
import { defaultRandom } from './random.js';
import { check } from './wasi.js';

/** The longest a timer may be set for (setTimeout's limit: longer fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds of the monotonic clock. */
const mono = typeof performance !== 'undefined' ? () => performance.now() : Date.now;

/** An output target: a WritableStream (written as the guest writes; `write` answers 1
 * when its queue is full, `ready()` resolves when it has room, and `close()` returns a
 * promise), a function, or nothing. */
class Output {
  constructor(name, target, host) {
    this.host = host;
    this.fn = null;
    this.writer = null;
    if (target === undefined || target === null) return;
    if (typeof target === 'function') {
      this.fn = target;
      return;
    }
    check(typeof target.getWriter === 'function', () => `${name} must be a WritableStream or a function`);
    this.writer = target.getWriter();
  }

  write(bytes) {
    if (this.fn === null && this.writer === null) return 0;
    // The embedder's code: a function, or a stream's underlying sink inside write().
    this.host.callbacks++;
    try {
      if (this.fn !== null) return this.fn(bytes) === false ? false : 0;
      this.writer.write(bytes).catch(() => {});
      return this.writer.desiredSize !== null && this.writer.desiredSize <= 0 ? 1 : 0;
    } finally {
      this.host.callbacks--;
    }
  }

  async ready() {
    if (this.writer !== null) await this.writer.ready.catch(() => {});
  }

  /** A promise for a stream; nothing to wait for otherwise (a run's end then costs no turn). */
  close() {
    return this.writer?.close().catch(() => {});
  }
}

/** The state of one host, as its bridge sees it. `callbacks` counts the embedder's
 * callbacks running (a call into the host from one is reentrant: src/calls.rs). */
export class Host {
  /** A Host of no host, for its shape and its Outputs' (see the top of this file). */
  static #shape = new Host({});

  /** @param {object} o the host's options, checked */
  constructor(o) {
    /** The guest's memory, once known: null before start() unless the guest imports it. */
    this.memory = o.memory ?? null;
    /** Our instance's memory, once the host has one. */
    this.own = null;
    this.callbacks = 0;
    /** Set once the host is closed, and once the guest's run has ended. */
    this.closed = false;
    this.ended = false;
    /** A StdinQueue, for a run under JSPI. */
    this.stdin = null;
    this.stdout = new Output('options.stdout', o.stdout, this);
    // One stream for both is common (merged output); a stream can have only one writer.
    this.stderr = o.stderr !== undefined && o.stderr === o.stdout ? this.stdout : new Output('options.stderr', o.stderr, this);
    /** The embedder's clock and random source, if given. */
    this.clock = o.clock ?? null;
    this.source = o.random ?? null;
    /** Where the realtime clock's ms start (the clocks are a process's, read per host:
     * workerd's are still at 0 while a module loads). */
    this.origin = typeof performance !== 'undefined' && performance.timeOrigin ? performance.timeOrigin : Date.now();
    /** ns the clocks have been moved on by virtual sleeps. */
    this.offset = 0;
    /** Timers of waits under way, made with the first. */
    this.timers = null;
    /** What ends every wait once the host is closed (`closing()`), made when first asked. */
    this.whenClosed = null;
    this.wakeUp = null;
  }

  /** The time of clock `id` (0 realtime, else monotonic) in ns, a whole number. */
  now(id) {
    if (this.clock === null) return Math.floor((id === 0 ? this.origin + mono() : mono()) * 1e6) + this.offset;
    this.callbacks++;
    try {
      return Number(this.clock.now(id)) + this.offset;
    } finally {
      this.callbacks--;
    }
  }

  /** A virtual sleep of `ns`: the clocks move on (or the embedder's clock sleeps). */
  sleep(ns) {
    if (!this.clock?.sleep) {
      this.offset += ns;
      return;
    }
    this.callbacks++;
    try {
      this.clock.sleep(ns);
    } finally {
      this.callbacks--;
    }
  }

  /** Under JSPI: real timers until the monotonic clock has moved by `ns` (a timer may fire
   * before a coarse clock shows it; a long sleep takes several timers); an embedder's own
   * clock sleeps its own way. */
  async wait(ns) {
    if (this.clock !== null) return this.sleep(ns);
    const until = this.now(1) + ns;
    for (let left = ns; left > 0; left = until - this.now(1)) await this.#timer(Math.min(Math.ceil(left / 1e6), MAX_TIMER_MS));
  }

  #timer(ms) {
    const timers = (this.timers ??= new Set());
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  /** Fills `bytes` with random bytes. */
  random(bytes) {
    if (this.source === null) return defaultRandom(bytes);
    this.callbacks++;
    try {
      this.source(bytes);
    } finally {
      this.callbacks--;
    }
  }

  /** Writes to stdout (1) or stderr: 0, 1 when the stream is backed up, or false. */
  output(fd, bytes) {
    return (fd === 1 ? this.stdout : this.stderr).write(bytes);
  }

  /** Settles when stdout (1) or stderr has room. */
  outputReady(fd) {
    return (fd === 1 ? this.stdout : this.stderr).ready();
  }

  /** A promise that settles when the host is closed. */
  closing() {
    if (this.whenClosed === null) {
      this.whenClosed = this.closed
        ? Promise.resolve()
        : new Promise((resolve) => {
            this.wakeUp = resolve;
          });
    }
    return this.whenClosed;
  }

  /** Marks the host closed and ends every wait of its guest. */
  close() {
    this.closed = true;
    if (this.timers !== null) for (const t of this.timers) clearTimeout(t);
    this.stdin?.cancel();
    this.wakeUp?.();
  }
}
