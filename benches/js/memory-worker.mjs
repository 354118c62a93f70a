// One host's run for memory.mjs: loads the host, says 'ready', and on 'go' runs one op of
// the workload on a new host and answers {} or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { hosts } from './hosts/index.mjs';
import { workloads, configOf } from './workloads.mjs';
import { prepare, shortReason } from './measure.mjs';
import { collect } from './gc.mjs';

const { hostId, workloadId, guestBytes, pkgUrl } = workerData;
const adapter = hosts.find((h) => h.id === hostId);
const workload = workloads.find((w) => w.id === workloadId);

try {
  const lib = await adapter.load({ pkgUrl });
  const module = new WebAssembly.Module(guestBytes);
  // Start from a collected heap, so that loading's garbage is not freed (or not) mid-run.
  collect();
  parentPort.postMessage({});
  await once(parentPort, 'message');
  const prepared = await prepare(adapter, lib, workload, module, configOf(workload));
  try {
    prepared.run(1);
  } finally {
    prepared.close();
  }
  parentPort.postMessage({});
} catch (e) {
  parentPort.postMessage({ error: shortReason(e) });
}
