// Directories at scale: how the cost per file of create, stat, list and remove grows with
// the number of files in one directory (guests/tree.wat), per host, in this process.
import { median } from './timing.mjs';
import { shortReason, timeCalls } from './measure.mjs';

/** The phases, in the order the guest runs them on one host. */
export const PHASES = ['create', 'stat', 'list', 'remove'];

/** ours-littlefs keeps a directory as a littlefs directory, which littlefs searches from
 * its start for every name: it is measured up to this many files (see disk.mjs). */
const LITTLEFS_MOST = 10000;

/**
 * results[host.id][n] = { create, stat, list, remove } in µs per file (medians of
 * `rounds` runs; one for 10,000 files and more), or { error }.
 */
export async function scaleCurve({ hosts, module, sizes, rounds, log }) {
  const results = {};
  for (const host of hosts) {
    results[host.id] = {};
    for (const n of sizes) {
      if (host.error) {
        results[host.id][n] = { error: host.error };
        continue;
      }
      if (host.id === 'ours-littlefs' && n > LITTLEFS_MOST) {
        results[host.id][n] = { error: `not run: littlefs lists its directory for each name` };
        continue;
      }
      log(`${n} files in one directory on ${host.id}`);
      try {
        const samples = [];
        for (let r = 0; r < (n >= 10000 ? 1 : rounds); r++) {
          const calls = PHASES.map((phase) => [phase, n]);
          samples.push(await timeCalls(host.adapter, host.lib, module, calls, { args: ['bench'], env: {} }));
        }
        results[host.id][n] = Object.fromEntries(PHASES.map((phase, i) => [phase, (median(samples.map((s) => s[i])) * 1000) / n]));
      } catch (e) {
        results[host.id][n] = { error: shortReason(e) };
      }
    }
  }
  return results;
}
