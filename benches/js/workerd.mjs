// The workerd part: ours (memory backend) and @cloudflare/workers-wasi inside workerd,
// through Miniflare (the repository root's devDependency), on the same workloads.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configOf } from './workloads.mjs';
import { Failure } from './measure.mjs';
import { measureAll } from './timing.mjs';

const root = fileURLToPath(new URL('./', import.meta.url));

/**
 * The modules of workerd/worker.mjs: our package from the --pkg directory (given by
 * contents, as if at workerd/pkg/), the guests as precompiled wasm (workerd compiles no
 * wasm at run time), and the files it imports from this directory.
 */
function modules(pkgDir, guests) {
  const names = Object.keys(guests);
  const guestIndex = names.map((n) => `import ${n} from './guests/${n}.wasm';`).join('\n') + `\nexport const guests = { ${names.join(', ')} };\n`;
  const pkgFiles = readdirSync(pkgDir);
  const cfwDist = `${root}node_modules/@cloudflare/workers-wasi/dist/`;
  return [
    { type: 'ESModule', path: `${root}workerd/worker.mjs` },
    { type: 'ESModule', path: `${root}workerd/guests.mjs`, contents: guestIndex },
    ...names.map((n) => ({ type: 'CompiledWasm', path: `${root}workerd/guests/${n}.wasm`, contents: guests[n].bytes })),
    ...pkgFiles.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: `${root}workerd/pkg/${f}`, contents: readFileSync(`${pkgDir}/${f}`, 'utf8') })),
    ...pkgFiles.filter((f) => f.endsWith('.wasm')).map((f) => ({ type: 'CompiledWasm', path: `${root}workerd/pkg/${f}`, contents: readFileSync(`${pkgDir}/${f}`) })),
    { type: 'ESModule', path: `${cfwDist}index.mjs` },
    { type: 'CompiledWasm', path: `${cfwDist}memfs.wasm` },
    ...['hosts/ours.mjs', 'hosts/cfw.mjs', 'measure.mjs'].map((f) => ({ type: 'ESModule', path: `${root}${f}` })),
  ];
}

/**
 * Like timing.mjs's measureAll, for ours-memory and cfw in workerd (`results`). A sample is
 * the wall time of a request running n ops minus the mean of two requests running none
 * (which still make the host and run setup), one just before and one just after, all timed
 * from Node. Calibration starts from the n found in Node (the same engine). Then 10,000
 * hello-world cold starts per host, a thousand per request (`many`: ms per request, and
 * how far workerd's resident set grew).
 */
export async function measureWorkerd({ pkgDir, workloads, guests, rounds, target, nodeResults, log }) {
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({ modules: modules(pkgDir, guests), modulesRoot: root, compatibilityDate: '2025-01-01', host: '127.0.0.1', cf: false });
  const request = async (host, workload, n) => {
    const body = JSON.stringify({ host: host.id, workload, config: configOf(workload), n });
    const t0 = performance.now();
    const answer = await (await mf.dispatchFetch('http://localhost/', { method: 'POST', body })).json();
    if (answer.error) throw new Failure(answer.error);
    return performance.now() - t0;
  };
  const time = async (host, workload, n) => {
    const before = await request(host, workload, 0);
    const ms = await request(host, workload, n);
    return ms - (before + (await request(host, workload, 0))) / 2;
  };
  try {
    await mf.ready;
    const hosts = [{ id: 'ours-memory' }, { id: 'cfw' }];
    const start = (workload, host) => nodeResults[workload.id][host.id]?.n ?? 1;
    const results = await measureAll({ hosts, workloads, time, rounds, target, start, log: (line) => log(`workerd: ${line}`) });
    const hello = workloads.find((w) => w.id === 'hello');
    const many = {};
    for (const host of hosts) {
      log(`workerd: 10,000 hosts of ${host.id}`);
      try {
        await request(host, hello, 200);
        const before = workerdRss();
        const perChunk = [];
        for (let c = 0; c < 10; c++) perChunk.push(await request(host, hello, 1000));
        many[host.id] = { perChunk, rss: workerdRss() - before };
      } catch (e) {
        many[host.id] = { error: e.message };
      }
    }
    return { results, many };
  } finally {
    await mf.dispose();
  }
}

/** The resident set of the workerd processes this process started, in bytes. */
function workerdRss() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (/^Name:\s+workerd$/m.test(status) && new RegExp(`^PPid:\\s+${process.pid}$`, 'm').test(status)) total += Number(/^VmRSS:\s+(\d+)/m.exec(status)[1]) * 1024;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}
