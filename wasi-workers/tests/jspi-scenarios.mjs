// The JSPI behaviours, each against a `fetch(path, init)` reaching tests/streams-handler.mjs
// in some runtime: shared by jspi.test.mjs (workerd) and jspi-node24.mjs (Node 24).
import assert from 'node:assert/strict';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MIB = 1 << 20;

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

async function drain(reader) {
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}

/** An echo guest's first output comes back before the request body has ended. */
export async function echoStreams(fetch) {
  const input = pacedBody(['first\n', 'second\n']);
  input.next();
  const res = await fetch('/run?arg=echo', { method: 'POST', body: input.body, duplex: 'half' });
  assert.equal(res.headers.get('x-wasi-jspi'), 'true');
  const reader = res.body.getReader();
  assert.equal(await readChunk(reader), 'first\n', 'the first line comes back while the body is still open');
  input.next();
  assert.equal(await readChunk(reader), 'second\n');
  input.next();
  assert.equal(await readChunk(reader), null);
}

/** A REPL answers each line as it arrives. */
export async function replAnswers(fetch) {
  const input = pacedBody(['hello\n', 'world\n', 'quit\n']);
  input.next();
  const res = await fetch('/run?arg=repl', { method: 'POST', body: input.body, duplex: 'half' });
  const reader = res.body.getReader();
  assert.equal(await readChunk(reader), '> hello\n');
  input.next();
  assert.equal(await readChunk(reader), '> world\n');
  input.next();
  assert.equal(await readChunk(reader), null, 'quit ends the program and the response');
  input.next();
}

/** poll_oneoff sleeps 50 ms on a real timer. */
export async function sleepsForReal(fetch) {
  const started = performance.now();
  const res = await fetch('/run?arg=sleep&arg=50', { method: 'POST', body: '' });
  assert.equal(await res.text(), 'slept 50 ms\n');
  const took = performance.now() - started;
  assert.ok(took >= 50, `took ${took} ms`);
}

/** 64 MiB of stdout streams while the guest runs at most `bound` bytes ahead of a reader
 * that stopped after the first chunk. */
export async function floodIsBackPressured(fetch, bound) {
  const res = await fetch('/run?arg=flood&arg=64', { method: 'POST', body: '' });
  const reader = res.body.getReader();
  const first = await reader.read();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { written } = await (await fetch('/written')).json();
  assert.ok(written <= bound, `the guest ran ${written / MIB} MiB ahead of a reader that stopped`);
  assert.equal(first.value.byteLength + (await drain(reader)), 64 * MIB);
  return written;
}
