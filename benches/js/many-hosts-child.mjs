// One host library's 10,000 cold starts back to back, in a process of its own (see
// many-hosts.mjs): `node --expose-gc many-hosts-child.mjs HOST_ID PKG_URL` prints JSON
// { perChunk: [µs per host, for each 1,000], heap, rss } (bytes grown, after a collection).
import { hosts } from './hosts/index.mjs';
import { compileGuests } from './guests.mjs';
import { coldStarts } from './measure.mjs';
import { configOf, workloads } from './workloads.mjs';

const CHUNK = 1000;
const CHUNKS = 10;

const [id, pkgUrl] = process.argv.slice(2);
const adapter = hosts.find((h) => h.id === id);
const lib = await adapter.load({ pkgUrl });
const module = (await compileGuests()).hello.module;
const config = configOf(workloads.find((w) => w.id === 'hello'));
// Warm up: the JIT, and whatever a library makes once (ours: its first instances).
await coldStarts(adapter, lib, module, config, 200);
const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  globalThis.gc();
};
await settle();
const before = process.memoryUsage();
const perChunk = [];
for (let c = 0; c < CHUNKS; c++) perChunk.push(((await coldStarts(adapter, lib, module, config, CHUNK)) * 1000) / CHUNK);
await settle();
const after = process.memoryUsage();
console.log(JSON.stringify({ perChunk, heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss }));
