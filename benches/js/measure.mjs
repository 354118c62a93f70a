// Running a workload's guest on a host. No Node-only imports: workerd/ runs this too.

/** WASI errno names by number. */
const ERRNO = ['SUCCESS', 'E2BIG', 'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EAGAIN', 'EALREADY', 'EBADF', 'EBADMSG', 'EBUSY', 'ECANCELED', 'ECHILD', 'ECONNABORTED', 'ECONNREFUSED', 'ECONNRESET', 'EDEADLK', 'EDESTADDRREQ', 'EDOM', 'EDQUOT', 'EEXIST', 'EFAULT', 'EFBIG', 'EHOSTUNREACH', 'EIDRM', 'EILSEQ', 'EINPROGRESS', 'EINTR', 'EINVAL', 'EIO', 'EISCONN', 'EISDIR', 'ELOOP', 'EMFILE', 'EMLINK', 'EMSGSIZE', 'EMULTIHOP', 'ENAMETOOLONG', 'ENETDOWN', 'ENETRESET', 'ENETUNREACH', 'ENFILE', 'ENOBUFS', 'ENODEV', 'ENOENT', 'ENOEXEC', 'ENOLCK', 'ENOLINK', 'ENOMEM', 'ENOMSG', 'ENOPROTOOPT', 'ENOSPC', 'ENOSYS', 'ENOTCONN', 'ENOTDIR', 'ENOTEMPTY', 'ENOTRECOVERABLE', 'ENOTSOCK', 'ENOTSUP', 'ENOTTY', 'ENXIO', 'EOVERFLOW', 'EOWNERDEAD', 'EPERM', 'EPIPE', 'EPROTO', 'EPROTONOSUPPORT', 'EPROTOTYPE', 'ERANGE', 'EROFS', 'ESPIPE', 'ESRCH', 'ESTALE', 'ETIMEDOUT', 'ETXTBSY', 'EXDEV', 'ENOTCAPABLE'];

/** A workload that cannot run on a host; the message is the table cell. */
export class Failure extends Error {}

/** The failure that a guest's nonzero result `code` stands for (README.md, Guest conventions). */
export function guestFailure(memory, code) {
  const bytes = new Uint8Array(memory.buffer);
  let end = code >>> 8;
  while (bytes[end] !== 0) end++;
  const call = new TextDecoder().decode(bytes.subarray(code >>> 8, end));
  const what = (code & 0xff) === 255 ? 'wrong result' : (ERRNO[code & 0xff] ?? `errno ${code & 0xff}`);
  return new Failure(`${what} from ${call}`);
}

/** A thrown value as a short cell: its first line, at most 60 characters. */
export function shortReason(e) {
  const text = e instanceof Failure ? e.message : `throws ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  const line = text.split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** Checks what start() resolved with: 0, or undefined for hosts that report only exits. */
function checkExit(code) {
  if (code !== 0 && code !== undefined) throw new Failure(`_start exited ${code}`);
}

/**
 * A new host (of `adapter`, driving the library `lib`) with the guest instantiated, started
 * (its _start does nothing: start() binds the memory), set up, and run once untimed unless
 * the workload says `warm: false`: work done on first use after setup (a cache filled, a
 * directory compacted) is then not spread over the n timed ops. Returns run(n), which
 * times n iterations inside the guest in ms, and close().
 */
export async function prepare(adapter, lib, workload, module, config) {
  const host = adapter.create(lib, config);
  try {
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: host.imports });
    checkExit(await host.start(instance));
    const { memory, setup, run } = instance.exports;
    const code = setup ? setup(...(workload.setup ?? [])) : 0;
    if (code !== 0) throw guestFailure(memory, code);
    const warm = workload.warm === false ? 0 : run(1);
    if (warm !== 0) throw guestFailure(memory, warm);
    return {
      run(n) {
        const t0 = performance.now();
        const result = run(n);
        const ms = performance.now() - t0;
        if (result !== 0) throw guestFailure(memory, result);
        return ms;
      },
      close: () => host.close(),
    };
  } catch (e) {
    host.close();
    throw e;
  }
}

/** One cold start: a new host, the precompiled command instantiated and run, the host
 * closed. `parts` (optional) adds each part's ms to its field: create, instantiate,
 * start, close. */
async function coldStart(adapter, lib, module, config, parts) {
  const t0 = performance.now();
  const host = adapter.create(lib, config);
  const t1 = performance.now();
  try {
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: host.imports });
    const t2 = performance.now();
    checkExit(await host.start(instance));
    if (parts) {
      parts.create += t1 - t0;
      parts.instantiate += t2 - t1;
      parts.start += performance.now() - t2;
    }
  } finally {
    const t3 = performance.now();
    host.close();
    if (parts) parts.close += performance.now() - t3;
  }
}

/** n cold starts, timed in ms (see coldStart). */
export async function coldStarts(adapter, lib, module, config, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await coldStart(adapter, lib, module, config);
  return performance.now() - t0;
}

/** n cold starts, and the ms each part took in all: { create, instantiate, start, close }. */
export async function coldStartParts(adapter, lib, module, config, n) {
  const parts = { create: 0, instantiate: 0, start: 0, close: 0 };
  for (let i = 0; i < n; i++) await coldStart(adapter, lib, module, config, parts);
  return parts;
}

/** n hosts made and closed, with no guest, timed in ms. */
export function hostCycles(adapter, lib, config, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) adapter.create(lib, config).close();
  return performance.now() - t0;
}

/**
 * The ms of each of `calls` ([export name, ...args], each returning 0 or the failure
 * code) of `module`, run one after another on one new host after the guest's setup().
 */
export async function timeCalls(adapter, lib, module, calls, config) {
  const host = adapter.create(lib, config);
  try {
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: host.imports });
    checkExit(await host.start(instance));
    const { memory, setup } = instance.exports;
    const code = setup();
    if (code !== 0) throw guestFailure(memory, code);
    return calls.map(([name, ...args]) => {
      const t0 = performance.now();
      const result = instance.exports[name](...args);
      const ms = performance.now() - t0;
      if (result !== 0) throw guestFailure(memory, result);
      return ms;
    });
  } finally {
    host.close();
  }
}
