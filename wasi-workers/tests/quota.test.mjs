// A guest cannot make its host hold more memory than its mounts' quotas (a littlefs disk's
// capacity) plus a fixed allowance (SECURITY.md), whatever it does: each workload of quota-workloads.mjs runs
// until the host refuses it with ENOSPC (EMFILE for open fds), and the host's memory is
// measured then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRNO_NAMES } from '../pkg/abi.js';
import { WASI } from '../pkg/node.js';
import { measure, workloads } from './quota-workloads.mjs';

const MiB = 1024 * 1024;
/** What the host may hold beyond its quotas (SECURITY.md). */
const ALLOWANCE = 4 * MiB;
/** What each workload is refused with, where not ENOSPC (littlefs has no hard links). */
const REFUSALS = { fds: 'EMFILE', 'littlefs links': 'ENOTSUP' };

// littlefs's directories are slow to fill (see benches/js/disk.mjs): its 4 MiB disks only.
for (const [backend, quotas] of [['memory', [4 * MiB, 16 * MiB]], ['littlefs', [4 * MiB]]]) {
  for (const quota of quotas) {
    for (const name of Object.keys(workloads)) {
      test(`${backend}, ${quota / MiB} MiB: ${name} until refused, within capacity + ${ALLOWANCE / MiB} MiB`, () => {
        const { steps, errno, grew } = measure(WASI, name, backend, quota);
        const refusal = REFUSALS[`${backend} ${name}`] ?? REFUSALS[name] ?? 'ENOSPC';
        assert.equal(ERRNO_NAMES[errno], refusal, `after ${steps} steps`);
        assert.ok(steps > 0 || refusal === 'ENOTSUP');
        assert.ok(grew <= quota + ALLOWANCE, `the host grew by ${(grew / MiB).toFixed(2)} MiB`);
      });
    }
  }
}

test('a littlefs image moves in and out a piece at a time: the host holds no second copy', () => {
  const wasi = new WASI({ mounts: [{ path: '/', backend: 'littlefs', capacity: 64 * MiB }] });
  wasi.writeFile('big', new Uint8Array(40 * MiB).fill(7));
  const before = wasi.hostMemoryBytes();
  const image = wasi.exportImage();
  assert.equal(image.length, 64 * MiB);
  assert.ok(wasi.hostMemoryBytes() - before <= 2 * MiB, 'exporting needed no copy of the disk');
  const again = new WASI({ mounts: [{ path: '/', image }] });
  assert.ok(again.hostMemoryBytes() <= 44 * MiB, `mounting held ${again.hostMemoryBytes()} bytes for 40 MiB of data`);
  assert.equal(again.readFile('big').length, 40 * MiB);
});

test('littlefs capacities and images past what the host can hold are a TypeError', () => {
  const GiB = 2 ** 30;
  assert.throws(() => new WASI({ mounts: [{ path: '/', backend: 'littlefs', capacity: 2 * GiB + 4096 }] }), { name: 'TypeError', message: /options\.mounts\[0\]/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', image: new Uint8Array(1000) }] }), { name: 'TypeError', message: /got 1000 bytes/ });
});

test('a fresh host is small, and the default quota keeps a Worker within 128 MB', () => {
  const wasi = new WASI({ mounts: [{ path: '/' }] });
  const fresh = wasi.hostMemoryBytes();
  assert.ok(fresh <= 2 * MiB, `a fresh host holds ${fresh} bytes`);
  assert.ok(fresh + 64 * MiB + ALLOWANCE < 128 * 1000 * 1000);
});
