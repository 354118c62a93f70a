// A guest cannot make its host hold more memory than its mounts' quotas plus a fixed
// allowance (SECURITY.md), whatever it does: each workload of quota-workloads.mjs runs
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
const REFUSALS = { fds: 'EMFILE' };

for (const quota of [4 * MiB, 16 * MiB]) {
  for (const name of Object.keys(workloads)) {
    test(`memory, ${quota / MiB} MiB quota: ${name} until refused, within quota + ${ALLOWANCE / MiB} MiB`, () => {
      const { steps, errno, grew } = measure(WASI, name, 'memory', quota);
      assert.equal(ERRNO_NAMES[errno], REFUSALS[name] ?? 'ENOSPC', `after ${steps} steps`);
      assert.ok(steps > 0);
      assert.ok(grew <= quota + ALLOWANCE, `the host grew by ${(grew / MiB).toFixed(2)} MiB`);
    });
  }
}

test('a fresh host is small, and the default quota keeps a Worker within 128 MB', () => {
  const wasi = new WASI({ mounts: [{ path: '/' }] });
  const fresh = wasi.hostMemoryBytes();
  assert.ok(fresh <= 2 * MiB, `a fresh host holds ${fresh} bytes`);
  assert.ok(fresh + 64 * MiB + ALLOWANCE < 128 * 1000 * 1000);
});
