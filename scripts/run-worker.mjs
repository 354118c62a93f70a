// Runs the example Worker (examples/worker) in local workerd through Miniflare, sends it a
// request with a body and arguments, and prints what the WASI program wrote.
import { readFileSync, readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';

const root = new URL('../', import.meta.url);
const path = (p) => new URL(p, root).pathname;
const pkg = readdirSync(new URL('wasi-workers/pkg/', root));

const mf = new Miniflare({
  modules: [
    { type: 'ESModule', path: path('examples/worker/src/index.js') },
    { type: 'CompiledWasm', path: path('examples/worker/src/upcase.wasm') },
    // workerd resolves a bare specifier next to the importer: stand in for what a bundler
    // would resolve 'wasi-workers' to (the package's "workerd" export).
    { type: 'ESModule', path: path('examples/worker/src/wasi-workers'), contents: "export * from '../../../wasi-workers/pkg/workerd.js';" },
    ...pkg.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: path(`wasi-workers/pkg/${f}`) })),
    ...pkg.filter((f) => f.endsWith('.wasm')).map((f) => ({ type: 'CompiledWasm', path: path(`wasi-workers/pkg/${f}`) })),
  ],
  modulesRoot: path(''),
  compatibilityDate: '2025-01-01',
  host: '127.0.0.1',
  cf: false,
});

const body = process.argv[2] ?? 'hello from the request body\n';
const res = await mf.dispatchFetch('http://localhost/?arg=one&arg=two', { method: 'POST', body });
process.stdout.write(`HTTP ${res.status}\n`);
process.stdout.write(await res.text());
await mf.dispose();
