// The default random source: crypto.getRandomValues, which costs Node about as much as a
// whole host (several microseconds a call, whatever its size). Small requests (a host's
// hash seeds, a guest's random_get of a few bytes) are served from a buffer of its output
// instead, each byte handed out once; large ones go to it directly.

/** Bytes drawn at once for small requests. */
const BUFFER = 4096;
/** The largest request served from the buffer. */
const SMALL = 256;
/** getRandomValues fills at most 64 KiB a call. */
const MAX_CALL = 65536;

const buffer = new Uint8Array(BUFFER);
let used = BUFFER;

/** Fills `bytes` with cryptographically strong random bytes. */
export function defaultRandom(bytes) {
  const len = bytes.length;
  if (len > SMALL) {
    for (let at = 0; at < len; at += MAX_CALL) crypto.getRandomValues(bytes.subarray(at, at + MAX_CALL));
    return;
  }
  if (used + len > BUFFER) {
    crypto.getRandomValues(buffer);
    used = 0;
  }
  for (let i = 0; i < len; i++) bytes[i] = buffer[used + i];
  used += len;
}
