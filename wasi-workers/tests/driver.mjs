// Calls a host's syscalls from JS, as a guest would, with pointers into the memory of a
// reactor guest that only exports its memory (wat/memory.wat): what the quota tests and the
// fuzzer use to do in a loop what a guest could.
import { SYSCALLS } from '../pkg/abi.js';
import { watGuest } from './wat.mjs';

const reactor = watGuest('memory');
const encoder = new TextEncoder();
const signatures = new Map(SYSCALLS);

/** The rights a guest asks for when it opens a file to read and write (all of them). */
export const ALL_RIGHTS = 0x1fffffffn;
export const O_CREAT = 1;
export const O_DIRECTORY = 2;
export const O_EXCL = 4;
export const O_TRUNC = 8;

export class Driver {
  /** Binds a fresh reactor guest to `wasi` (which must not have started one). */
  constructor(wasi) {
    this.wasi = wasi;
    this.instance = new WebAssembly.Instance(reactor, wasi.getImportObject());
    wasi.initialize(this.instance);
    this.memory = this.instance.exports.memory;
  }

  /** The guest's memory as bytes (a new view after it grew). */
  get bytes() {
    return new Uint8Array(this.memory.buffer);
  }

  /** Grows the guest's memory to at least `pages` pages. */
  grow(pages) {
    const have = this.memory.buffer.byteLength / 65536;
    if (pages > have) this.memory.grow(pages - have);
  }

  /** Writes `data` (string or bytes) at `at`; returns its length. */
  put(at, data) {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.bytes.set(bytes, at);
    return bytes.length;
  }

  u32(at) {
    return new DataView(this.memory.buffer).getUint32(at, true);
  }

  /** Calls syscall `name` with `args` (numbers; i64 parameters may be numbers or bigints). */
  call(name, ...args) {
    const params = signatures.get(name);
    const converted = args.map((a, i) => (params[i][1] === 'i64' ? BigInt.asUintN(64, BigInt(a)) : Number(a) | 0));
    return this.wasi.wasiImport[name](...converted);
  }

  /** path_open relative to fd 3 with the path at `at` (`len` bytes); the new fd, or -errno. */
  open(at, len, oflags = 0, fdflags = 0, rights = ALL_RIGHTS) {
    const errno = this.call('path_open', 3, 1, at, len, oflags, rights, rights, fdflags, 0);
    return errno === 0 ? this.u32(0) : -errno;
  }

  /** Writes one iovec (`len` bytes at `buf`) to `fd` at `offset` (or at its position if
   * offset is null): the errno. */
  write(fd, buf, len, offset = null) {
    const iov = 16;
    const view = new DataView(this.memory.buffer);
    view.setUint32(iov, buf, true);
    view.setUint32(iov + 4, len, true);
    return offset === null ? this.call('fd_write', fd, iov, 1, 8) : this.call('fd_pwrite', fd, iov, 1, offset, 8);
  }
}
