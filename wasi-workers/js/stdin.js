// Stdin as it arrives, for runs under JSPI: chunks are pulled from the stream only when
// the guest has read everything before them, so a guest answers the first line of a
// request before the rest of the body exists.

const encoder = new TextEncoder();

/** The longest a timer may be set for (setTimeout's limit). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class StdinQueue {
  /** A queue of nothing, for its shape (see host.js): a run under JSPI makes one. */
  static #shape = new StdinQueue(undefined);

  #chunks = [];
  #head = 0;
  #queued = 0;
  #ended = false;
  #reader = null;
  #pulling = null;
  #timer = undefined;

  /** @param {ReadableStream | Uint8Array | ArrayBuffer | string | undefined} source */
  constructor(source) {
    if (source === undefined || source === null) this.#ended = true;
    else if (typeof source === 'string') this.#end(encoder.encode(source));
    else if (source instanceof Uint8Array) this.#end(source);
    else if (source instanceof ArrayBuffer) this.#end(new Uint8Array(source));
    else this.#reader = source.getReader();
  }

  #end(bytes) {
    this.#push(bytes);
    this.#ended = true;
  }

  #push(bytes) {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#queued += bytes.length;
  }

  /** Bytes queued; -1 at the end, -2 when nothing has arrived yet. */
  available() {
    if (this.#queued > 0) return this.#queued;
    return this.#ended ? -1 : -2;
  }

  /** Copies queued bytes into `out`: the count (0 at the end), or -1 if none has arrived. */
  read(out) {
    if (this.#queued === 0) return this.#ended ? 0 : -1;
    let n = 0;
    while (n < out.length && this.#chunks.length > 0) {
      const chunk = this.#chunks[0];
      const take = Math.min(out.length - n, chunk.length - this.#head);
      out.set(chunk.subarray(this.#head, this.#head + take), n);
      n += take;
      this.#head += take;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    this.#queued -= n;
    return n;
  }

  /** Resolves true once bytes are queued or the stream has ended, or false after
   * `timeoutNs` (negative: never). A pull outlives a timeout: the next wait reuses it. */
  async wait(timeoutNs) {
    if (this.available() !== -2) return true;
    this.#pulling ??= this.#pull();
    if (timeoutNs < 0) {
      await this.#pulling;
      return true;
    }
    const expired = new Promise((resolve) => {
      // setTimeout fires at once past its limit: a longer wait ends early, and poll_oneoff
      // waits again.
      this.#timer = setTimeout(() => resolve(false), Math.min(timeoutNs / 1e6, MAX_TIMER_MS));
    });
    const result = await Promise.race([this.#pulling.then(() => true), expired]);
    this.cancel();
    return result;
  }

  /** Clears the timer of a wait in progress (the host was closed: nothing waits now). */
  cancel() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #pull() {
    try {
      const { done, value } = await this.#reader.read();
      if (done) this.#ended = true;
      else this.#push(typeof value === 'string' ? encoder.encode(value) : new Uint8Array(value.buffer ?? value, value.byteOffset ?? 0, value.byteLength));
    } catch {
      // A request body that fails (the client went away) ends stdin.
      this.#ended = true;
    }
    this.#pulling = null;
  }
}
