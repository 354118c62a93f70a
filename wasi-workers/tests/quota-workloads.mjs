// What a guest can do to make its host hold memory, each until the host says no: sparse
// files, many hard links, many long names, many directories, many symlinks, many open fds,
// plain data. quota.test.mjs checks the host's memory against the mount's quota after each;
// SECURITY.md's table comes from the same workloads.
import { Driver, O_CREAT, O_DIRECTORY } from './driver.mjs';

/** Where names are built in guest memory. */
const NAME = 4096;
/** Data to write. */
const DATA = 65536;

/** A 255-byte name ending in `i`. */
function longName(i) {
  const tail = `-${i}`;
  return 'n'.repeat(255 - tail.length) + tail;
}

/** Repeats `step(i)` (an errno) until it fails or `max` steps: [steps done, the errno]. */
function until(step, max = 10_000_000) {
  for (let i = 0; i < max; i++) {
    const errno = step(i);
    if (errno !== 0) return [i, errno];
  }
  return [max, 0];
}

export const workloads = {
  /** One byte every 64 KiB of a file. */
  sparse(d) {
    const fd = d.open(NAME, d.put(NAME, 'sparse'), O_CREAT);
    d.put(DATA, 'x');
    return until((i) => d.write(fd, DATA, 1, i * 65536));
  },
  /** Hard links with 255-byte names to one file. */
  links(d) {
    const fd = d.open(NAME, d.put(NAME, 'target'), O_CREAT);
    d.call('fd_close', fd);
    const target = NAME;
    const targetLen = 6;
    return until((i) => {
      const len = d.put(NAME + 512, longName(i));
      return d.call('path_link', 3, 0, target, targetLen, 3, NAME + 512, len);
    });
  },
  /** Empty files with 255-byte names. */
  names(d) {
    return until((i) => {
      const fd = d.open(NAME, d.put(NAME, longName(i)), O_CREAT);
      return fd < 0 ? -fd : d.call('fd_close', fd);
    });
  },
  /** Directories with 255-byte names. */
  directories(d) {
    return until((i) => d.call('path_create_directory', 3, NAME, d.put(NAME, longName(i))));
  },
  /** Symlinks with 255-byte names and 4,000-byte targets. */
  symlinks(d) {
    const target = DATA;
    d.put(target, 't'.repeat(4000));
    return until((i) => d.call('path_symlink', target, 4000, 3, NAME, d.put(NAME, longName(i))));
  },
  /** Directories opened, and kept open. */
  fds(d) {
    d.call('path_create_directory', 3, NAME, d.put(NAME, 'dir'));
    return until(() => {
      const fd = d.open(NAME, 3, O_DIRECTORY, 0, 0n);
      return fd < 0 ? -fd : 0;
    });
  },
  /** 64 KiB appends to one file. */
  data(d) {
    const fd = d.open(NAME, d.put(NAME, 'data'), O_CREAT);
    return until(() => d.write(fd, DATA, 65536));
  },
};

/**
 * Runs workload `name` on a fresh host with one mount of `backend` and `capacity`
 * bytes: { steps, errno, quota, grew } where `grew` is how far the host's memory grew
 * from the host as created.
 */
export function measure(WASI, name, backend, capacity) {
  const wasi = new WASI({ mounts: [{ path: '/', backend, capacity }] });
  const d = new Driver(wasi);
  d.grow(2);
  const before = wasi.hostMemoryBytes();
  const [steps, errno] = workloads[name](d);
  const grew = wasi.hostMemoryBytes() - before;
  wasi.close();
  return { steps, errno, quota: capacity, grew };
}

// `node wasi-workers/tests/quota-workloads.mjs [backend...]`: SECURITY.md's table.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { BACKENDS, WASI } = await import('../pkg/node.js');
  const { ERRNO_NAMES } = await import('../pkg/abi.js');
  const MiB = 2 ** 20;
  console.log('| backend | workload | quota | steps | refused with | host memory grew by | ratio |');
  console.log('|---|---|---|---|---|---|---|');
  for (const backend of process.argv.length > 2 ? process.argv.slice(2) : BACKENDS) {
    for (const quota of [4 * MiB, 16 * MiB]) {
      for (const name of Object.keys(workloads)) {
        const { steps, errno, grew } = measure(WASI, name, backend, quota);
        const mib = (n) => `${(n / MiB).toFixed(2)} MiB`;
        console.log(`| ${backend} | ${name} | ${mib(quota)} | ${steps} | ${ERRNO_NAMES[errno]} | ${mib(grew)} | ${(grew / quota).toFixed(2)} |`);
      }
    }
  }
}
