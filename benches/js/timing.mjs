// Choosing n per host and workload, then timing interleaved rounds, with whatever timer
// runs the ops: in this process (inProcessTimer) or in workerd (workerd.mjs).
import { configOf, figure } from './workloads.mjs';
import { collect } from './gc.mjs';
import { coldStarts, Failure, hostCycles, prepare, shortReason } from './measure.mjs';

/**
 * A timer for hosts loaded in this process: time(host, workload, n) is the milliseconds of
 * n ops of the workload on a new host (for cold starts: n new hosts).
 */
export function inProcessTimer(guests) {
  return async (host, workload, n) => {
    if (host.error) throw new Error(host.error);
    const config = configOf(workload);
    // Hosts made by the n: what a host library keeps of them goes after the timing.
    const thenRelease = (ms) => {
      host.adapter.release?.();
      return ms;
    };
    if (workload.guest === null) return thenRelease(await withCollection(() => hostCycles(host.adapter, host.lib, config, n)));
    const module = guests[workload.guest].module;
    if (workload.cold) return thenRelease(await withCollection(() => coldStarts(host.adapter, host.lib, module, config, n)));
    const prepared = await prepare(host.adapter, host.lib, workload, module, config);
    try {
      return prepared.run(n);
    } finally {
      prepared.close();
    }
  };
}

/**
 * The ms of `run()` (which times itself, and may return a promise) and of collecting what
 * it left: a host made per request leaves garbage (its guests' memories above all) that
 * costs a collection later, and without this the host measured next would pay for it, or
 * none, depending on where V8's collections happened to fall. The heap is collected
 * first, so that each run pays for its own garbage only; and what a full collection costs
 * with no garbage (marking what lives, the same for every host) is taken off.
 */
async function withCollection(run) {
  collect();
  const clean = timed(collect);
  const ms = await run();
  return ms + Math.max(0, timed(collect) - clean);
}

/** The ms `f()` takes. */
function timed(f) {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** A workload's own n, once `time(n)` has run once (the JIT warms up). */
async function warmUp(time, n) {
  await time(n);
  return { n };
}

/**
 * The n that makes one measurement by `time(n)` take about `target` ms, found by growing n
 * from `start` (the trials also warm the JIT up). A single op that takes `target` or more
 * is not run again just to calibrate: its time comes back as `firstMs`, the first sample.
 */
async function calibrate(time, target, start) {
  let n = start;
  let ms = await time(n);
  if (n === 1 && ms >= target) return { n, firstMs: ms };
  while (ms < target / 2) {
    n = Math.ceil(n * Math.min(100, target / Math.max(ms, target / 100)));
    ms = await time(n);
  }
  return { n: Math.max(1, Math.round((n * target) / ms)) };
}

/**
 * results[workload.id][host.id] = { n, samples } (figures, see workloads.mjs) or { error }.
 * Every cell is calibrated first (from n = start(workload, host)), or for a workload with
 * its own `n` run once to warm up, then sampled in rounds in which the hosts take turns,
 * starting one further along each round so that none is always measured right after the
 * same neighbour.
 */
export async function measureAll({ hosts, workloads, time, rounds, target, start = () => 1, log }) {
  const results = {};
  for (const workload of workloads) {
    results[workload.id] = {};
    for (const host of hosts) {
      log(`calibrating ${workload.id} on ${host.id}`);
      try {
        const { n, firstMs } = workload.n !== undefined ? await warmUp((n) => time(host, workload, n), workload.n) : await calibrate((n) => time(host, workload, n), target, start(workload, host));
        results[workload.id][host.id] = { n, samples: firstMs === undefined ? [] : [figure(workload, n, firstMs)] };
      } catch (e) {
        results[workload.id][host.id] = { error: shortReason(e) };
      }
    }
  }
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1} of ${rounds}`);
    for (const workload of workloads) {
      for (let i = 0; i < hosts.length; i++) {
        const host = hosts[(i + round) % hosts.length];
        const cell = results[workload.id][host.id];
        if (cell.error || cell.samples.length > round) continue;
        try {
          const ms = await time(host, workload, cell.n);
          if (!(ms > 0)) throw new Failure(`n ops took no time (${ms} ms): too noisy`);
          cell.samples.push(figure(workload, cell.n, ms));
        } catch (e) {
          results[workload.id][host.id] = { error: shortReason(e) };
        }
      }
    }
  }
  return results;
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
