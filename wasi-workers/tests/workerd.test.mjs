// The conformance guests through the package inside workerd (Miniflare), with the same
// expectations as in Node (conformance/guests/expectations.json, handed to the Worker as a
// generated module).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { expected, loadExpectations } from './expectations.mjs';
import { Miniflare } from 'miniflare';

const root = new URL('../../', import.meta.url);
const names = readdirSync(new URL('conformance/guests/src/bin/', root)).map((f) => f.replace(/\.rs$/, '')).sort();
const data = await loadExpectations();

const rel = (path) => new URL(path, root).pathname;
const pkg = readdirSync(new URL('wasi-workers/pkg/', root));
const guestsModule = names.map((n) => `import ${n} from '../../../target/wasm32-wasip1/release/${n}.wasm';`).join('\n') + `\nexport const guests = { ${names.join(', ')} };\n`;

const mf = new Miniflare({
  modules: [
    { type: 'ESModule', path: rel('wasi-workers/tests/workerd/worker.mjs'), contents: readFileSync(rel('wasi-workers/tests/workerd/worker.mjs'), 'utf8') },
    { type: 'ESModule', path: rel('wasi-workers/tests/workerd/guests.mjs'), contents: guestsModule },
    { type: 'ESModule', path: rel('wasi-workers/tests/workerd/expectations-data.mjs'), contents: `export default ${JSON.stringify(data)};\n` },
    { type: 'ESModule', path: rel('wasi-workers/tests/expectations.mjs') },
    ...pkg.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: rel(`wasi-workers/pkg/${f}`) })),
    ...pkg.filter((f) => f.endsWith('.wasm')).map((f) => ({ type: 'CompiledWasm', path: rel(`wasi-workers/pkg/${f}`) })),
    ...names.map((n) => ({ type: 'CompiledWasm', path: rel(`target/wasm32-wasip1/release/${n}.wasm`) })),
  ],
  modulesRoot: rel(''),
  compatibilityDate: '2025-01-01',
  host: '127.0.0.1',
  cf: false,
});
after(() => mf.dispose());

for (const backend of data.start.backends) {
  for (const name of names) {
    test(`workerd ${backend}: ${name}`, async () => {
      const res = await mf.dispatchFetch(`http://localhost/?guest=${name}&backend=${backend}`);
      assert.equal(res.status, 200, await res.clone().text());
      const got = await res.json();
      const want = expected(data, name);
      assert.equal(got.code, want.exit, `${name} exited ${got.code}\nstdout:\n${got.stdout}\nstderr:\n${got.stderr}`);
      if (want.stdout !== null) assert.equal(got.stdout, want.stdout);
    });
  }
}
