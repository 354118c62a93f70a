// Where a hello-world cold start's time goes, per host, in this process: making the host,
// instantiating the guest with its imports, running _start, closing the host; and the
// garbage collections made meanwhile.
import { collect, gcMeter } from './gc.mjs';
import { median } from './timing.mjs';
import { coldStartParts, shortReason } from './measure.mjs';
import { configOf } from './workloads.mjs';

export const PARTS = ['create', 'instantiate', 'start', 'close'];

/** What is counted of the collections, per 1,000 cold starts. */
export const GC = ['minor', 'major', 'ms'];

/** results[host.id] = { create, instantiate, start, close, total } in µs per cold start
 * and { minor, major, ms }, the collections per 1,000 cold starts (medians of `rounds`
 * runs of n cold starts, the hosts taking turns), or { error }. */
export async function coldStartBreakdown({ hosts, workload, module, rounds, n, log }) {
  const samples = Object.fromEntries(hosts.map((h) => [h.id, []]));
  const errors = {};
  for (let round = 0; round < rounds + 1; round++) {
    log(`cold start by part, round ${round + 1} of ${rounds + 1}`);
    for (const host of hosts) {
      if (host.error || errors[host.id]) continue;
      try {
        // From a collected heap: the last host's garbage is not this one's to collect.
        collect();
        const gc = gcMeter();
        const parts = await coldStartParts(host.adapter, host.lib, module, configOf(workload), n);
        Object.assign(parts, await gc.stop());
        host.adapter.release?.();
        // The first round warms the JIT up.
        if (round > 0) samples[host.id].push(parts);
      } catch (e) {
        errors[host.id] = shortReason(e);
      }
    }
  }
  const results = {};
  for (const host of hosts) {
    const error = host.error ?? errors[host.id];
    if (error) {
      results[host.id] = { error };
      continue;
    }
    const us = (part) => (median(samples[host.id].map((s) => s[part])) * 1000) / n;
    const perThousand = (what) => (median(samples[host.id].map((s) => s[what])) * 1000) / n;
    results[host.id] = Object.fromEntries([
      ...PARTS.map((p) => [p, us(p)]),
      ['total', (median(samples[host.id].map((s) => PARTS.reduce((sum, p) => sum + s[p], 0))) * 1000) / n],
      ...GC.map((what) => [what, perThousand(what)]),
    ]);
  }
  return results;
}
