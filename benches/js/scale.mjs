// Directories at scale: how the cost per file of create, stat, list and remove grows with
// the number of files in one directory (guests/tree.wat), per host, in this process.
import { median } from './timing.mjs';
import { shortReason, timeCalls } from './measure.mjs';

/** The phases, in the order the guest runs them on one host. */
export const PHASES = ['create', 'stat', 'list', 'remove'];

/** A host whose run at one size took longer than this (ms) is not run at the next, ten
 * times larger: at least ten times as long, and a hundred where the cost per file grows. */
const MOST_MS = 1000;

/**
 * results[host.id][n] = { create, stat, list, remove } in µs per file (medians of
 * `rounds` runs; one for 10,000 files and more), or { error }.
 */
export async function scaleCurve({ hosts, module, sizes, rounds, log }) {
  const results = {};
  for (const host of hosts) {
    results[host.id] = {};
    let last = null;
    for (const n of sizes) {
      if (host.error) {
        results[host.id][n] = { error: host.error };
        continue;
      }
      if (last?.failed || last?.ms > MOST_MS) {
        const why = last.failed ? 'failed' : `took ${(last.ms / 1000).toFixed(0)} s`;
        results[host.id][n] = { error: `not run: ${last.n.toLocaleString('en')} files ${why}` };
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
        last = { n, ms: samples[0].reduce((a, b) => a + b, 0) };
      } catch (e) {
        results[host.id][n] = { error: shortReason(e) };
        last = { n, failed: true };
      }
    }
  }
  return results;
}
