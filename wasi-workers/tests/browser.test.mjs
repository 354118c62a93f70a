// The package in a browser: headless Chromium loads the "browser" entry from a local server
// and runs every conformance guest on both backends, as conformance/guests/expectations.json says,
// and the cases recorded from wasmtime (replay.mjs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { expected, loadExpectations } from './expectations.mjs';

const root = new URL('../../', import.meta.url).pathname;
const names = readdirSync(join(root, 'conformance/guests/src/bin')).map((f) => f.replace(/\.rs$/, '')).sort();
const data = await loadExpectations();
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  try {
    const body = await readFile(join(root, path));
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
after(() => server.close());

test('every guest runs in headless Chromium', async () => {
  const url = `http://127.0.0.1:${server.address().port}/wasi-workers/tests/browser/index.html?guests=${names.join(',')}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let json;
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('out').textContent !== 'running', null, { timeout: 120_000 });
    json = await page.textContent('#out');
  } finally {
    await browser.close();
  }
  const results = JSON.parse(json);
  for (const backend of data.start.backends) {
    for (const name of names) {
      const want = expected(data, name);
      const got = results[`${backend}/${name}`];
      assert.equal(got?.exit, want.exit, `${backend}/${name}: ${JSON.stringify(got)}`);
      if (want.stdout !== null) assert.equal(got.stdout, want.stdout, `${backend}/${name}`);
    }
    const r = results[`replay/${backend}`];
    assert.ok(r.cases > 1000, `${backend}: the replay of wasmtime's answers ran: ${JSON.stringify(r)}`);
    console.log(`Chromium ${backend}: ${r.cases} cases, ${r.same} the same, kept differences ${JSON.stringify(r.known)}, ${r.failures.length} differ`);
    assert.equal(r.failures.length, 0, r.failures.slice(0, 20).join('\n'));
  }
});
