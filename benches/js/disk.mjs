// The littlefs backend against the memory backend, in one Node process: the workloads
// where a disk differs from memory, the SQLite program, and how directory work scales with
// the number of entries and the depth of nesting. Usage and meaning: README.md.
// `node benches/js/disk.mjs [--quick] [--pkg DIR]`
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ours } from './hosts/ours.mjs';
import { workloads as mainWorkloads } from './workloads.mjs';
import { compileGuests } from './guests.mjs';
import { inProcessTimer, measureAll, median } from './timing.mjs';
import { timeCalls as timeGuestCalls } from './measure.mjs';
import { cell, formatFigure, markdown } from './table.mjs';

const here = fileURLToPath(new URL('./', import.meta.url));
const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, pkg: { type: 'string' } } });
const pkgDir = resolve(flags.pkg ?? process.env.WASI_WORKERS_PKG ?? join(here, '../../wasi-workers/pkg'));
const { rounds, target } = flags.quick ? { rounds: 1, target: 20 } : { rounds: 5, target: 100 };
const sqlitePath = join(here, '../../target/wasm32-wasip1/release/sqlite-bench.wasm');
const log = (line) => process.stderr.write(`[${(performance.now() / 1000).toFixed(0)} s] ${line}\n`);
const MiB = 1024 * 1024;

if (!existsSync(join(pkgDir, 'node.js'))) {
  console.error(`no package at ${pkgDir}: build it with \`bash scripts/build-npm.sh\` or pass --pkg DIR`);
  process.exit(1);
}
const lib = await import(new URL('node.js', pathToFileURL(`${pkgDir}/`)).href);
const guests = await compileGuests();
const hosts = ['memory', 'littlefs'].map((backend) => ({ id: `ours-${backend}`, backend, adapter: ours(backend), lib }));

/** Rows measured as rates or cold starts (timing.mjs), each with the goal it must meet. */
const byId = Object.fromEntries(mainWorkloads.map((w) => [w.id, w]));
const rateWorkloads = [
  { id: 'overwrite64k', title: '4 KiB overwrites in a 64 KiB file', guest: 'overwrite', setup: [64 * 1024], unit: 'ops/s', goal: (r) => r >= 0.02, goalText: '≥ 2%' },
  { id: 'overwrite1m', title: '4 KiB writes cycling through a 1 MiB file', guest: 'overwrite', setup: [MiB], unit: 'ops/s' },
  { ...byId.file64, goal: (r) => r >= 0.25, goalText: '≥ 25%' },
  byId.stat8,
  byId['write4k-file'],
  byId.read4k,
  byId['open-close'],
  byId.readdir,
  { ...byId.hello, goal: (_, lfs, mem) => lfs - mem <= 0.2, goalText: '≤ memory + 0.2 ms' },
];

/** ms of each export call `calls` ([name, ...args]) on a new host, after the guest's setup. */
const timeCalls = (host, module, calls, capacity) => timeGuestCalls(host.adapter, host.lib, module, calls, { args: ['bench'], env: {}, capacity });

/** ms of one run of the SQLite program, and what it printed. */
async function sqliteRun(backend, module) {
  let out = '';
  const decoder = new TextDecoder();
  const wasi = new lib.WASI({
    args: ['sqlite-bench', '/sandbox'],
    mounts: [{ path: '/sandbox', backend }],
    stdout: (chunk) => (out += decoder.decode(chunk)),
    returnOnExit: true,
  });
  try {
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    const t0 = performance.now();
    const code = await wasi.start(instance);
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`the SQLite program exited ${code}`);
    return { ms, out };
  } finally {
    wasi.close();
  }
}

/** Median ms per backend of `measure(host)` (an array of ms) over the rounds, element-wise. */
function medians(samples) {
  return samples[0].map((_, i) => median(samples.map((s) => s[i])));
}

log('rates');
const rates = await measureAll({ hosts, workloads: rateWorkloads, time: inProcessTimer(guests), rounds, target, log });

const sizes = flags.quick ? [1000, 5000] : [1000, 5000, 20000];
const depths = [50, 100, 200];
const scaling = {};
for (const host of hosts) {
  scaling[host.id] = { files: {}, nest: {} };
  for (const n of sizes) {
    log(`${n} files on ${host.id}`);
    const samples = [];
    for (let r = 0; r < Math.min(rounds, n > 5000 ? 1 : 3); r++) {
      samples.push(await timeCalls(host, guests.tree.module, [['create', n], ['stat', n], ['remove', n]]));
    }
    scaling[host.id].files[n] = medians(samples);
  }
  for (const n of depths) {
    log(`${n} levels on ${host.id}`);
    const samples = [];
    for (let r = 0; r < Math.min(rounds, 3); r++) {
      samples.push(await timeCalls(host, guests.tree.module, [['nest', n], ['statnest', n], ['unnest', n]]));
    }
    scaling[host.id].nest[n] = medians(samples);
  }
}

let sqlite;
if (existsSync(sqlitePath)) {
  const module = new WebAssembly.Module(readFileSync(sqlitePath));
  sqlite = {};
  for (const { id, backend } of hosts) {
    log(`SQLite on ${id}`);
    const runs = [];
    for (let r = 0; r < Math.max(rounds, 3); r++) runs.push(await sqliteRun(backend, module));
    sqlite[id] = { ms: median(runs.map((r) => r.ms)), out: runs[0].out };
  }
  if (sqlite['ours-memory'].out !== sqlite['ours-littlefs'].out) {
    sqlite.error = `outputs differ: ${JSON.stringify(sqlite['ours-memory'].out)} / ${JSON.stringify(sqlite['ours-littlefs'].out)}`;
  }
}

const [mem, lfs] = hosts.map((h) => h.id);
const goalCell = (ok, text) => (text ? `${text}: ${ok ? 'met' : 'NOT met'}` : '');
const rows = rateWorkloads.map((w) => {
  const [m, l] = [rates[w.id][mem], rates[w.id][lfs]];
  let goal = '';
  if (w.goal && !m.error && !l.error) {
    const [mv, lv] = [median(m.samples), median(l.samples)];
    goal = goalCell(w.goal(w.unit === 'ms' ? mv / lv : lv / mv, lv, mv), w.goalText);
  }
  return [w.title, w.unit, cell(w, m), cell(w, l, m), goal];
});
const ms = (v) => formatFigure(v, 'ms');
const ratio = (l, m) => `${ms(l)} (×${(l / m).toPrecision(2)})`;
const create5k = scaling[lfs].files[5000][0] / scaling[mem].files[5000][0];
rows.push([
  'create 5,000 files in one directory',
  'ms',
  ms(scaling[mem].files[5000][0]),
  ratio(scaling[lfs].files[5000][0], scaling[mem].files[5000][0]),
  goalCell(create5k <= 20, '≤ 20× memory'),
]);
if (sqlite) {
  const r = sqlite[lfs].ms / sqlite[mem].ms;
  rows.push([
    'SQLite: 10,000 inserts, index, update, delete, VACUUM',
    'ms',
    ms(sqlite[mem].ms),
    sqlite.error ? `✗ ${sqlite.error}` : ratio(sqlite[lfs].ms, sqlite[mem].ms),
    goalCell(r <= 3 && !sqlite.error, '≤ 3× memory'),
  ]);
}

const out = [];
out.push(`# littlefs against memory in Node ${process.versions.node} on ${cpus()[0].model} (${cpus().length} cores)`);
out.push(`${rounds} round(s), medians. Rates: (×r) is littlefs over memory; times: (×r) is littlefs's time over memory's.\n`);
out.push(markdown(['workload', 'unit', 'memory', 'littlefs', 'goal'], rows));
if (!sqlite) out.push(`\nSQLite not run: build it first (${sqlitePath} is missing; see README.md).`);
else out.push(`\nThe SQLite program printed ${JSON.stringify(sqlite[mem].out.trim())} on both.`);
/** A scaling table: per n, each backend's ms per phase of `scaling[backend][kind][n]`,
 * and littlefs's over memory's. */
const scalingTable = (first, kind, ns) =>
  markdown(
    [first, 'memory', 'littlefs', 'littlefs ÷ memory'],
    ns.map((n) => {
      const [m, l] = [scaling[mem][kind][n], scaling[lfs][kind][n]];
      return [n, m.map(ms).join(' / '), l.map(ms).join(' / '), l.map((v, i) => (v / m[i]).toPrecision(2)).join(' / ')];
    }),
  );
out.push('\n## Scaling: ms for create / stat / remove of n files in one directory\n');
out.push(scalingTable('files', 'files', sizes));
out.push('\n## Scaling: ms for mkdir / stat / rmdir of each level of n nested directories\n');
out.push(scalingTable('levels', 'nest', depths));
console.log(out.join('\n'));
