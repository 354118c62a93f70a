// Compares the wasi-workers npm package with other WASI hosts for JS, in this one Node
// process (and in workerd through Miniflare). Usage and the meaning of each column:
// README.md. `node bench.mjs [--quick] [--pkg DIR]`
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { hosts as adapters } from './hosts/index.mjs';
import { workloads } from './workloads.mjs';
import { compileGuests } from './guests.mjs';
import { inProcessTimer, measureAll } from './timing.mjs';
import { peakMemory } from './memory.mjs';
import { measureWorkerd } from './workerd.mjs';
import { kB, packageDir, shippedSizes } from './sizes.mjs';
import { cell, markdown } from './table.mjs';
import { coldStartBreakdown, GC, PARTS } from './cold-parts.mjs';
import { PHASES, scaleCurve } from './scale.mjs';
import { manyHosts } from './many-hosts.mjs';

const here = fileURLToPath(new URL('./', import.meta.url));
const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, pkg: { type: 'string' } } });
/** Files in one directory for the scale curve; --quick stops short of 100,000. */
const scaleSizes = flags.quick ? [1000, 10000] : [1000, 10000, 100000];
const pkgDir = resolve(flags.pkg ?? process.env.WASI_WORKERS_PKG ?? join(here, '../../wasi-workers/pkg'));
/**
 * --quick: one round of ~20 ms measurements (a smoke test); else five of ~100 ms. In
 * workerd a sample is a difference of request times, whose noise is a few ms: longer.
 */
const { rounds, target, workerdTarget } = flags.quick ? { rounds: 1, target: 20, workerdTarget: 50 } : { rounds: 5, target: 100, workerdTarget: 150 };
const log = (line) => process.stderr.write(`[${(performance.now() / 1000).toFixed(0)} s] ${line}\n`);

if (!existsSync(join(pkgDir, 'node.js'))) {
  console.error(`no package at ${pkgDir}: build it with \`bash scripts/build-npm.sh\` or pass --pkg DIR`);
  process.exit(1);
}
if (!existsSync(join(here, 'node_modules'))) execFileSync('npm', ['ci'], { cwd: here, stdio: 'inherit' });

const pkgUrl = pathToFileURL(`${pkgDir}/`).href;
const guests = await compileGuests();
/** { id, adapter, lib } or { id, adapter, error } when the library does not load. */
const hosts = [];
for (const adapter of adapters) {
  try {
    hosts.push({ id: adapter.id, adapter, lib: await adapter.load({ pkgUrl }) });
  } catch (e) {
    hosts.push({ id: adapter.id, adapter, error: `does not load: ${e.message}` });
  }
}

// Memory first, while this process has made little garbage of its own.
const file64 = workloads.find((w) => w.id === 'file64');
const memory = await peakMemory({ hosts, workload: file64, guest: guests[file64.guest], pkgUrl, log });
// Processes of their own, while this one is still small (it forks them).
const many = manyHosts({ hosts, pkgUrl, log });
const node = await measureAll({ hosts, workloads, time: inProcessTimer(guests), rounds, target, log });
const hello = workloads.find((w) => w.id === 'hello');
const parts = await coldStartBreakdown({ hosts, workload: hello, module: guests.hello.module, rounds, n: flags.quick ? 200 : 2000, log });
const scale = await scaleCurve({ hosts, module: guests.tree.module, sizes: scaleSizes, rounds: Math.min(rounds, 3), log });
let workerd;
try {
  workerd = await measureWorkerd({ pkgDir, workloads, guests, rounds, target: workerdTarget, nodeResults: node, log });
} catch (e) {
  workerd = { error: e.message };
}
const sizes = await shippedSizes(pkgDir);

const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const cfwError = hosts.find((h) => h.id === 'cfw').adapter.plainNodeError;
const labels = {
  'ours-memory': `wasi-workers ${version(pkgDir)} from ${pkgDir}, memory backend`,
  'ours-littlefs': 'the same, littlefs backend (16 MiB disk; 160 MiB for the 64 MiB workload)',
  cfw: `@cloudflare/workers-wasi ${version(packageDir('@cloudflare/workers-wasi'))}${cfwError ? ' (loaded through hosts/wasm-hooks.mjs, see below)' : ''}`,
  bws: `@bjorn3/browser_wasi_shim ${version(packageDir('@bjorn3/browser_wasi_shim'))}, PreopenDirectory`,
  tybys: `@tybys/wasm-util ${version(packageDir('@tybys/wasm-util'))} + memfs ${version(packageDir('memfs'))}`,
  'node-wasi': `node:wasi (Node ${process.versions.node}), a temporary directory`,
};

const rows = (results, ids) =>
  workloads.map((w) => [w.title, w.unit, ...ids.map((id) => cell(w, results[w.id][id], results[w.id]['ours-memory']))]);
const ids = hosts.map((h) => h.id);
const out = [];
out.push(`# WASI hosts in Node ${process.versions.node} on ${cpus()[0].model} (${cpus().length} cores)`);
out.push(`${rounds} round(s), medians; each measurement ~${target} ms (in workerd ~${workerdTarget} ms). (×r): r times as fast as ours-memory.\n`);
out.push(markdown(['workload', 'unit', ...ids], rows(node, ids)));
out.push('\n## In workerd (Miniflare), ours-memory against @cloudflare/workers-wasi\n');
out.push(workerd.error ? `✗ not run: ${workerd.error}` : markdown(['workload', 'unit', 'ours-memory', 'cfw'], rows(workerd.results, ['ours-memory', 'cfw'])));
const us = (v) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
out.push('\n## Hello-world cold start by part, µs (Node), and the collections per 1,000 cold starts\n');
const partColumns = [...PARTS, 'total'];
const gcColumns = { minor: 'scavenges', major: 'full GCs', ms: 'GC ms' };
out.push(
  markdown(
    ['host', ...partColumns, ...GC.map((g) => gcColumns[g])],
    ids.map((id) => [id, ...(parts[id].error ? [`✗ ${parts[id].error}`, ...new Array(partColumns.length + GC.length - 1).fill('')] : [...partColumns.map((p) => us(parts[id][p])), ...GC.map((g) => parts[id][g].toFixed(1))])]),
  ),
);
out.push('\n## One directory of n files: µs per file for create / stat / list / remove (Node)\n');
out.push(
  markdown(
    ['host', ...scaleSizes.map((n) => `${n.toLocaleString('en')} files`)],
    ids.map((id) => [id, ...scaleSizes.map((n) => (scale[id][n].error ? `✗ ${scale[id][n].error}` : PHASES.map((p) => us(scale[id][n][p])).join(' / ')))]),
  ),
);
const mib = (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
const chunks = (perChunk) => `${us(perChunk[0])} / ${us(perChunk[perChunk.length - 1])}`;
out.push('\n## 10,000 hosts back to back (hello-world cold starts)\n');
out.push('µs per host in the first and the last thousand; growth after a collection (Node: each host library in a process of its own; workerd: the workerd process, a thousand hosts per request).\n');
out.push(
  markdown(
    ['host', 'Node: first / last 1,000', 'JS heap growth', 'RSS growth', 'workerd: first / last 1,000', 'workerd RSS growth'],
    ids.map((id) => {
      const m = many[id];
      const w = workerd.many?.[id];
      const node = m.error ? [`✗ ${m.error}`, '', ''] : [chunks(m.perChunk), mib(m.heap), mib(m.rss)];
      // ms per request of 1,000 hosts are µs per host.
      const inWorkerd = !w ? ['', ''] : w.error ? [`✗ ${w.error}`, ''] : [chunks(w.perChunk), mib(w.rss)];
      return [id, ...node, ...inWorkerd];
    }),
  ),
);
out.push('\n## Code shipped (gzip -9, file by file) and peak memory of the 64 MiB write + read\n');
out.push(
  markdown(
    ['host', 'shipped, gzip', 'raw', 'what', 'peak RSS growth'],
    hosts.map(({ id }) => {
      const s = sizes[id];
      const m = memory[id];
      return [id, s.builtIn ? 'built in' : kB(s.gzip), s.builtIn ? '' : kB(s.bytes), s.what, m.error ? `✗ ${m.error}` : `${m.mib.toFixed(1)} MiB`];
    }),
  ),
);
out.push('\n## Hosts\n');
for (const id of ids) out.push(`- ${id}: ${labels[id]}`);
if (cfwError) out.push(`\n@cloudflare/workers-wasi in plain Node: ${cfwError}`);
console.log(out.join('\n'));
