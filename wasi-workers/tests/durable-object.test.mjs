// The Durable Object example (examples/durable-object) in workerd through Miniflare, its
// storage persisted to a temporary directory: the program's /data survives requests and
// a restart; a run that traps or fails leaves the state as it was; concurrent requests
// run one after the other; a small change to a large state writes little.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notesMiniflare } from '../../examples/durable-object/miniflare.mjs';

const persist = mkdtempSync(join(tmpdir(), 'wasi-do-'));
let mf = notesMiniflare(persist);
after(async () => {
  await mf.dispose();
  rmSync(persist, { recursive: true, force: true });
});

/** Runs `notes ARGS...` on store `store`: { status, text, written }. */
async function notes(store, ...args) {
  const url = new URL('http://localhost/');
  url.searchParams.set('store', store);
  for (const a of args) url.searchParams.append('arg', a);
  const res = await mf.dispatchFetch(url);
  const written = res.headers.get('x-written');
  return { status: res.status, text: await res.text(), written: written && JSON.parse(written) };
}

test('notes persist across requests and across a restart of Miniflare', async () => {
  let r = await notes('a', 'add', 'first');
  assert.equal(r.text, '1 notes\n');
  assert.equal(r.status, 200);
  assert.ok(r.written.chunks > 0);
  assert.equal((await notes('a', 'add', 'second')).text, '2 notes\n');
  assert.equal((await notes('a', 'list')).text, 'first\nsecond\n');
  // Another store is another object, with its own files.
  assert.equal((await notes('b', 'list')).text, '');
  await mf.dispose();
  mf = notesMiniflare(persist);
  r = await notes('a', 'list');
  assert.equal(r.text, 'first\nsecond\n');
  // Reading changed nothing: SQLite wrote no page, the store wrote no chunk.
  assert.deepEqual(r.written, { entries: 0, chunks: 0, bytes: 0 });
  assert.equal((await notes('a', 'add', 'third')).text, '3 notes\n');
});

test('a run that traps, or exits with an error, leaves the state as it was', async () => {
  await notes('c', 'add', 'kept');
  const trapped = await notes('c', 'trap', 'lost');
  assert.equal(trapped.status, 500);
  assert.match(trapped.text, /failed \(.*unreachable.*\): nothing kept/);
  const failed = await notes('c', 'fail', 'lost too');
  assert.equal(failed.status, 500);
  assert.match(failed.text, /exited with 1: nothing kept/);
  assert.equal((await notes('c', 'list')).text, 'kept\n');
  // After a restart too: nothing of the failed runs reached storage.
  await mf.dispose();
  mf = notesMiniflare(persist);
  assert.equal((await notes('c', 'list')).text, 'kept\n');
});

test('concurrent requests run one at a time, each on the state the last one left', async () => {
  // Each run reads the counter, sleeps 300 ms (a real timer, through JSPI), then writes it
  // plus one: two runs on the same state would both write 1.
  const both = await Promise.all([notes('d', 'bump', '300'), notes('d', 'bump', '300'), notes('d', 'bump', '0')]);
  assert.deepEqual(both.map((r) => r.text).sort(), ['1\n', '2\n', '3\n']);
  assert.equal((await notes('d', 'bump', '0')).text, '4\n');
});

test('a small change to 16 MiB of state writes a few chunks, not the state', async () => {
  const filled = await notes('e', 'fill', String(16 << 20));
  assert.equal(filled.status, 200, filled.text);
  assert.ok(filled.written.bytes >= 16 << 20, JSON.stringify(filled.written));
  const added = await notes('e', 'add', 'a small change');
  assert.equal(added.text, '1 notes\n');
  // SQLite rewrites the pages it changed (a leaf, the header): a chunk or a few of 16 KiB,
  // and the file's row for its mtime.
  assert.ok(added.written.bytes <= 4 * 16384 + 1024, JSON.stringify(added.written));
  assert.ok(added.written.entries >= 1);
});
