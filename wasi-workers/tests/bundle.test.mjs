// The example Worker bundles the way a Worker author deploys it: `wrangler deploy
// --dry-run` resolves the package through its "workerd" export and keeps both wasm
// modules as precompiled modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples/worker');

test('wrangler deploy --dry-run bundles the example Worker', () => {
  copyFileSync(join(root, 'target/wasm32-wasip1/release/upcase.wasm'), join(example, 'src/upcase.wasm'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: example, stdio: 'pipe' });
  const out = mkdtempSync(join(tmpdir(), 'wrangler-'));
  const log = execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
    cwd: example,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    stdio: 'pipe',
  }).toString();
  assert.match(log, /--dry-run: exiting now/);
  const files = readdirSync(out);
  assert.ok(files.includes('index.js'), files.join(', '));
  assert.ok(files.some((f) => f.endsWith('wasi_workers.wasm')), 'the package wasm is a module of its own');
  assert.ok(files.some((f) => f.endsWith('upcase.wasm')), 'the program is a module of its own');
  const bundle = readFileSync(join(out, 'index.js'), 'utf8');
  assert.ok(!bundle.includes('readFileSync'), 'the workerd entry was chosen, not the Node one');
  assert.ok(bundle.includes('wasi_snapshot_preview1'));
});

test('wrangler deploy --dry-run bundles the Durable Object example', () => {
  const dir = join(root, 'examples/durable-object');
  copyFileSync(join(root, 'target/wasm32-wasip1/release/notes.wasm'), join(dir, 'src/notes.wasm'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'pipe' });
  const out = mkdtempSync(join(tmpdir(), 'wrangler-'));
  const log = execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
    cwd: dir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    stdio: 'pipe',
  }).toString();
  assert.match(log, /--dry-run: exiting now/);
  assert.match(log, /env\.NOTES \(Notes\)/);
  const files = readdirSync(out);
  assert.ok(files.some((f) => f.endsWith('notes.wasm')), files.join(', '));
  assert.match(readFileSync(join(out, 'index.js'), 'utf8'), /Notes = class extends DurableObject/);
});
