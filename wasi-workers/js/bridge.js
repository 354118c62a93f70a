// The JS side of each host, keyed by slot: the guest's memory (another wasm instance's),
// clocks, randomness and output. The Rust side imports these functions; wasi.js fills
// `hosts`.

/** Thrown by proc_exit to unwind the guest; `code` is the exit code. */
export class ProcessExit extends Error {
  constructor(code) {
    super(`WASI guest exited with code ${code}`);
    this.name = 'ProcessExit';
    this.code = code;
  }
}

/** slot -> { memory, view, words, now(id), sleep(ns), random(bytes), output(fd, bytes) } */
export const hosts = [];

let own = null;
let ownView = new Uint8Array(0);

/** Our own wasm memory, from the glue's exports. */
export function setOwnMemory(memory) {
  own = memory;
}

function ownBytes() {
  if (ownView.buffer !== own.buffer) ownView = new Uint8Array(own.buffer);
  return ownView;
}

function guestBytes(h) {
  const buf = h.memory.buffer;
  if (h.view.buffer !== buf) {
    h.view = new Uint8Array(buf);
    h.words = new DataView(buf);
  }
  return h.view;
}

function guestWords(h) {
  if (h.words.buffer !== h.memory.buffer) guestBytes(h);
  return h.words;
}

export function guest_read_u32(slot, ptr) {
  const w = guestWords(hosts[slot]);
  return ptr + 4 > w.byteLength ? -1 : w.getUint32(ptr, true);
}

export function guest_write_u32(slot, ptr, value) {
  const w = guestWords(hosts[slot]);
  if (ptr + 4 > w.byteLength) return false;
  w.setUint32(ptr, value, true);
  return true;
}

export function guest_read(slot, ptr, len, dst) {
  const g = guestBytes(hosts[slot]);
  if (ptr + len > g.length) return false;
  ownBytes().set(g.subarray(ptr, ptr + len), dst);
  return true;
}

export function guest_write(slot, ptr, len, src) {
  const g = guestBytes(hosts[slot]);
  if (ptr + len > g.length) return false;
  g.set(ownBytes().subarray(src, src + len), ptr);
  return true;
}

export function host_now(slot, id) {
  return hosts[slot].now(id);
}

export function host_sleep(slot, ns) {
  hosts[slot].sleep(ns);
}

export function host_random(slot, dst, len) {
  const out = ownBytes().subarray(dst, dst + len);
  hosts[slot].random(out);
}

export function host_output(slot, fd, src, len) {
  return hosts[slot].output(fd, ownBytes().slice(src, src + len)) !== false;
}

export function host_exit(slot, code) {
  throw new ProcessExit(code);
}
