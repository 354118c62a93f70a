// The conformance guests through the package inside workerd (Miniflare), with the same
// expectations as in Node (conformance/guests/expectations.json, handed to the Worker as a
// generated module), and the differential check's cases recorded from wasmtime
// (conformance/wasmtime/answers.json, likewise).
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
    { type: 'ESModule', path: rel('wasi-workers/tests/workerd/answers-data.mjs'), contents: `export default ${readFileSync(new URL('conformance/wasmtime/answers.json', root), 'utf8')};\n` },
    { type: 'ESModule', path: rel('wasi-workers/tests/expectations.mjs') },
    { type: 'ESModule', path: rel('wasi-workers/tests/replay.mjs') },
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
      assert.equal(got.exit, want.exit, `${name} exited ${got.exit} ${got.error ?? ''}\nstdout:\n${got.stdout}\nstderr:\n${got.stderr}`);
      if (want.stdout !== null) assert.equal(got.stdout, want.stdout);
    });
  }
  test(`workerd ${backend}: the cases recorded from wasmtime answer as in Node`, async () => {
    const res = await mf.dispatchFetch(`http://localhost/?replay=1&backend=${backend}`);
    assert.equal(res.status, 200, await res.clone().text());
    const r = await res.json();
    console.log(`workerd ${backend}: ${r.cases} cases, ${r.same} the same, kept differences ${JSON.stringify(r.known)}, ${r.failures.length} differ`);
    assert.equal(r.failures.length, 0, r.failures.slice(0, 20).join('\n'));
    assert.ok(r.cases > 1000 && r.same > r.cases / 2, `${r.same} of ${r.cases} the same`);
  });
}
