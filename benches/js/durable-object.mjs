// What the Durable Object example (examples/durable-object) costs per request, in local
// workerd through Miniflare with its storage persisted to a temporary directory: for 1 MiB
// and 16 MiB of state (the notes program's SQLite database), the time to restore the
// tree into a mount (from the object's memory; from its storage, as after a restart), to
// save it (exportTar, then the store's diff and commit), and what a small change (one
// note added) writes; then, for comparison, how much of a littlefs disk image one note
// changes. Expects the package and the program built (see the example's
// README section). Prints a Markdown table: means of ROUNDS requests (workerd's clock
// moves in whole milliseconds), and the median of what each wrote.
//
//   node benches/js/durable-object.mjs [--rounds N]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notesMiniflare } from '../../examples/durable-object/miniflare.mjs';
import { WASI } from '../../wasi-workers/pkg/node.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 25;

// The example's steps, timed one by one (local workerd's clocks move during a request;
// deployed Workers' do not).
const BENCH = `
import { DurableObject } from 'cloudflare:workers';
import { WASI } from 'wasi-workers';
import program from './notes.wasm';
import { TreeStore } from './store.js';

export class Bench extends DurableObject {
  #store = null;
  async fetch(request) {
    const url = new URL(request.url);
    const t0 = performance.now();
    if (this.#store === null || url.searchParams.has('cold')) this.#store = new TreeStore(this.ctx.storage);
    const tar = this.#store.tar();
    const t1 = performance.now();
    const wasi = new WASI({ args: ['notes', ...url.searchParams.getAll('arg')], mounts: [{ path: '/data', capacity: 64 << 20, tar }] });
    const t2 = performance.now();
    const code = await wasi.start(new WebAssembly.Instance(program, wasi.getImportObject()));
    const t3 = performance.now();
    const out = wasi.exportTar();
    const t4 = performance.now();
    const written = this.#store.commit(out);
    const t5 = performance.now();
    wasi.close();
    return Response.json({ code, load: t1 - t0, mount: t2 - t1, run: t3 - t2, export: t4 - t3, commit: t5 - t4, written, tar: tar.length });
  }
}
`;

const persist = mkdtempSync(join(tmpdir(), 'wasi-do-bench-'));
const mf = notesMiniflare(persist, { extra: { 'bench.js': BENCH }, objects: { BENCH: { className: 'Bench', useSQLite: true } } });
const ns = await mf.getDurableObjectNamespace('BENCH');

async function request(store, args, cold = false) {
  const url = new URL('http://localhost/');
  for (const a of args) url.searchParams.append('arg', a);
  if (cold) url.searchParams.set('cold', '');
  const res = await ns.get(ns.idFromName(store)).fetch(url);
  const r = await res.json();
  if (r.code !== 0) throw new Error(`notes ${args.join(' ')} exited with ${r.code}`);
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x) => x.toFixed(1);
const rows = [];
for (const mib of [1, 16]) {
  const store = `state-${mib}`;
  await request(store, ['fill', String(mib << 20)]);
  for (const cold of [false, true]) {
    const runs = [];
    await request(store, ['add', 'warm-up'], cold);
    for (let i = 0; i < rounds; i++) runs.push(await request(store, ['add', `note ${i}`], cold));
    const m = (k) => mean(runs.map((r) => r[k]));
    rows.push(`| ${mib} MiB (tar ${(m('tar') / 2 ** 20).toFixed(2)} MiB) | ${cold ? 'storage (after a restart)' : 'memory'} | ${ms(m('load'))} | ${ms(m('mount'))} | ${ms(m('run'))} | ${ms(m('export'))} | ${ms(m('commit'))} | ${median(runs.map((r) => r.written.bytes))} B in ${median(runs.map((r) => r.written.chunks))} chunks, ${median(runs.map((r) => r.written.entries))} entries |`);
    process.stderr.write(`${mib} MiB ${cold ? 'cold' : 'warm'} done\n`);
  }
}
console.log('| state | restored from | load tree (ms) | mount tar (ms) | run `notes add` (ms) | exportTar (ms) | diff + commit (ms) | written per request |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
await mf.dispose();
rmSync(persist, { recursive: true, force: true });

// The alternative kept per block: the same program on a littlefs mount (in Node), and how
// much of the disk image one note changes, which is what a store of littlefs blocks would
// write.
const program = new WebAssembly.Module(readFileSync(new URL('../../target/wasm32-wasip1/release/notes.wasm', import.meta.url)));
async function onLittlefs(image, capacity, ...args) {
  const wasi = new WASI({ args: ['notes', ...args], mounts: [{ path: '/data', backend: 'littlefs', ...(image ? { image } : { capacity }) }] });
  const code = await wasi.start(new WebAssembly.Instance(program, wasi.getImportObject()));
  if (code !== 0) throw new Error(`notes ${args.join(' ')} on littlefs exited with ${code}`);
  return wasi.exportImage();
}
console.log('\n| state on littlefs | 4 KiB blocks of the image one note changes |');
console.log('|---|---|');
for (const mib of [1, 16]) {
  const before = await onLittlefs(null, (3 * mib + 1) << 20, 'fill', String(mib << 20));
  const after = await onLittlefs(before, 0, 'add', 'a note');
  let changed = 0;
  for (let at = 0; at < after.length; at += 4096) {
    const a = before.subarray(at, at + 4096);
    if (a.some((x, i) => x !== after[at + i])) changed++;
  }
  console.log(`| ${mib} MiB | ${changed} (${((changed * 4096) / 2 ** 20).toFixed(1)} MiB) |`);
}
