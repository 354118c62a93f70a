// Peak memory of one op of a workload per host. Each host runs in a worker thread of its
// own, with fresh copies of every module, so that what one host leaves allocated (a wasm
// memory never shrinks, a JS heap keeps its high-water mark) is not counted for or
// against the next.
import { Worker } from 'node:worker_threads';

const MiB = 1024 * 1024;

/** The worker's next message, or { error } if it fails or exits first. */
function nextMessage(worker) {
  return new Promise((resolve) => {
    const settle = (value) => {
      worker.off('message', settle).off('error', onError).off('exit', onExit);
      resolve(value);
    };
    const onError = (e) => settle({ error: `worker: ${e.message}` });
    const onExit = (code) => settle({ error: `worker exited with ${code}` });
    worker.on('message', settle).on('error', onError).on('exit', onExit);
  });
}

/**
 * { hostId: { mib } or { error } }: the growth of the process's resident set, sampled
 * every millisecond from this (idle) thread, between the worker having loaded its host
 * library and the op (host creation included) having ended. Files that node:wasi writes
 * go to the page cache, which is not in it.
 */
export async function peakMemory({ hosts, workload, guest, pkgUrl, log }) {
  const results = {};
  for (const host of hosts) {
    if (host.error) {
      results[host.adapter.id] = { error: host.error };
      continue;
    }
    log(`memory of ${workload.id} on ${host.adapter.id}`);
    const worker = new Worker(new URL('./memory-worker.mjs', import.meta.url), {
      workerData: { hostId: host.adapter.id, workloadId: workload.id, guestBytes: guest.bytes, pkgUrl },
    });
    try {
      const ready = await nextMessage(worker);
      if (ready.error) {
        results[host.adapter.id] = ready;
        continue;
      }
      const base = process.memoryUsage.rss();
      let peak = base;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 1);
      worker.postMessage('go');
      const done = await nextMessage(worker);
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage.rss());
      results[host.adapter.id] = done.error ? done : { mib: (peak - base) / MiB };
    } finally {
      await worker.terminate();
    }
  }
  return results;
}
