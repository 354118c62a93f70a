// Blocking stdio: in workerd through JSPI (stdin streamed as it arrives, real sleeps,
// stdout back-pressure), and in Node 20, which has no JSPI, through the fallback (stdin
// read in full first, virtual sleeps, stdout without back-pressure). Same guest, same
// Worker code, each runtime with its own expectations.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { WASI } from '../pkg/node.js';
import { streamsHandler } from './streams-handler.mjs';

const root = new URL('../../', import.meta.url);
const rel = (path) => new URL(path, root).pathname;
const guest = rel('target/wasm32-wasip1/release/streams.wasm');
const pkg = readdirSync(new URL('wasi-workers/pkg/', root));

const mf = new Miniflare({
  modules: [
    { type: 'ESModule', path: rel('wasi-workers/tests/workerd/streams.mjs') },
    { type: 'ESModule', path: rel('wasi-workers/tests/streams-handler.mjs') },
    ...pkg.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: rel(`wasi-workers/pkg/${f}`) })),
    { type: 'CompiledWasm', path: rel('wasi-workers/pkg/wasi_workers.wasm') },
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A request body whose chunks are sent one at a time, when `next()` is called. */
function pacedBody(chunks) {
  let controller;
  const body = new ReadableStream({ start: (c) => { controller = c; } });
  return {
    body,
    next() {
      const chunk = chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  };
}

async function readChunk(reader) {
  const { value, done } = await reader.read();
  return done ? null : decoder.decode(value);
}

test('workerd has JSPI and uses it; Node 20 falls back', async () => {
  assert.equal((await runtimes.workerd('/run?arg=echo', { method: 'POST', body: 'x' })).headers.get('x-wasi-jspi'), 'true');
  assert.equal((await runtimes.node('/run?arg=echo', { method: 'POST', body: 'x' })).headers.get('x-wasi-jspi'), 'false');
  assert.equal((await runtimes.workerd('/run?arg=echo&jspi=false', { method: 'POST', body: 'x' })).headers.get('x-wasi-jspi'), 'false');
  assert.throws(() => new WASI({ jspi: true }), { name: 'TypeError', message: /options\.jspi/ });
});

test('workerd: echo streams its first output before the request body has ended', async () => {
  const input = pacedBody(['first\n', 'second\n']);
  input.next();
  const res = await runtimes.workerd('/run?arg=echo', { method: 'POST', body: input.body, duplex: 'half' });
  const reader = res.body.getReader();
  assert.equal(await readChunk(reader), 'first\n', 'the first line comes back while the body is still open');
  input.next();
  assert.equal(await readChunk(reader), 'second\n');
  input.next();
  assert.equal(await readChunk(reader), null);
});

test('workerd: a REPL answers each line as it arrives', async () => {
  const input = pacedBody(['hello\n', 'world\n', 'quit\n']);
  input.next();
  const res = await runtimes.workerd('/run?arg=repl', { method: 'POST', body: input.body, duplex: 'half' });
  const reader = res.body.getReader();
  assert.equal(await readChunk(reader), '> hello\n');
  input.next();
  assert.equal(await readChunk(reader), '> world\n');
  input.next();
  assert.equal(await readChunk(reader), null, 'quit ends the program and the response');
  input.next();
});

test('Node 20: stdin is read in full first, then the REPL answers everything', async () => {
  const res = await runtimes.node('/run?arg=repl', { method: 'POST', body: 'hello\nworld\n' });
  assert.equal(await res.text(), '> hello\n> world\n');
});

test('workerd: poll_oneoff sleeps 50 ms on a real timer', async () => {
  const started = performance.now();
  const res = await runtimes.workerd('/run?arg=sleep&arg=50', { method: 'POST', body: '' });
  assert.equal(await res.text(), 'slept 50 ms\n');
  assert.ok(performance.now() - started >= 50, `took ${performance.now() - started} ms`);
});

test('Node 20: poll_oneoff advances a virtual clock instead of spinning', async () => {
  const res = await runtimes.node('/run?arg=sleep&arg=50', { method: 'POST', body: '' });
  // The guest checks its monotonic clock moved by 50 ms; no wall time passes.
  assert.equal(await res.text(), 'slept 50 ms\n');
});

const MIB = 1 << 20;

async function drain(reader) {
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}

test('workerd: 64 MiB of stdout streams with back-pressure (the guest waits for the reader)', async () => {
  const res = await runtimes.workerd('/run?arg=flood&arg=64', { method: 'POST', body: '' });
  const reader = res.body.getReader();
  const first = await reader.read();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { written } = await (await runtimes.workerd('/written')).json();
  // What is in flight between workerd and this reader (socket buffers) lets it run a
  // few MiB ahead; without back-pressure it would have written all 64.
  assert.ok(written <= 16 * MIB, `the guest ran ${written / MIB} MiB ahead of a reader that stopped`);
  assert.equal(first.value.byteLength + (await drain(reader)), 64 * MIB);
});

test('Node 20: 64 MiB of stdout streams without back-pressure', async () => {
  const res = await runtimes.node('/run?arg=flood&arg=64', { method: 'POST', body: '' });
  const reader = res.body.getReader();
  const first = await reader.read();
  // No JSPI: the guest cannot wait, so it has written everything already.
  assert.equal((await (await runtimes.node('/written')).json()).written, 64 * MIB);
  assert.equal(first.value.byteLength + (await drain(reader)), 64 * MIB);
});
