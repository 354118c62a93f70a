// The example in local workerd through Miniflare, its objects' storage persisted in a
// directory: what the tests and the benchmark run. Expects the package built
// (scripts/build-npm.sh) and the program built (see the README).
import { readFileSync, readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';

const root = new URL('../../', import.meta.url);
const path = (p) => new URL(p, root).pathname;

/** Miniflare running the example, with `extra` modules (ESModule sources by path under
 * examples/durable-object/src) and `objects` (more Durable Object classes they define). */
export function notesMiniflare(persist, { extra = {}, objects = {} } = {}) {
  const pkg = readdirSync(path('wasi-workers/pkg/'));
  return new Miniflare({
    modules: [
      { type: 'ESModule', path: path('examples/durable-object/src/index.js'), contents: readFileSync(path('examples/durable-object/src/index.js'), 'utf8') + Object.keys(extra).map((f) => `export * from './${f}';\n`).join('') },
      { type: 'ESModule', path: path('examples/durable-object/src/store.js') },
      ...Object.entries(extra).map(([f, contents]) => ({ type: 'ESModule', path: path(`examples/durable-object/src/${f}`), contents })),
      { type: 'CompiledWasm', path: path('examples/durable-object/src/notes.wasm'), contents: readFileSync(path('target/wasm32-wasip1/release/notes.wasm')) },
      // workerd resolves a bare specifier next to the importer: stand in for what a
      // bundler resolves 'wasi-workers' to (the package's "workerd" export).
      { type: 'ESModule', path: path('examples/durable-object/src/wasi-workers'), contents: "export * from '../../../wasi-workers/pkg/workerd.js';" },
      ...pkg.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: path(`wasi-workers/pkg/${f}`) })),
      ...pkg.filter((f) => f.endsWith('.wasm')).map((f) => ({ type: 'CompiledWasm', path: path(`wasi-workers/pkg/${f}`) })),
    ],
    modulesRoot: path(''),
    compatibilityDate: '2025-01-01',
    durableObjects: { NOTES: { className: 'Notes', useSQLite: true }, ...objects },
    durableObjectsPersist: persist,
    host: '127.0.0.1',
    cf: false,
  });
}
