// 10,000 hosts back to back: each host library's hello-world cold start 10,000 times in a
// process of its own (many-hosts-child.mjs), so that what one library leaves behind (or a
// crash) is its own: how long a host takes in the first and the last thousand, and how far
// the JS heap and the resident set grew, measured after a collection.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./many-hosts-child.mjs', import.meta.url));

/** { hostId: { perChunk, heap, rss } or { error } }. */
export function manyHosts({ hosts, pkgUrl, log }) {
  const results = {};
  for (const host of hosts) {
    if (host.error) {
      results[host.id] = { error: host.error };
      continue;
    }
    log(`10,000 hosts of ${host.id}`);
    const r = spawnSync(process.execPath, ['--expose-gc', child, host.id, pkgUrl], { encoding: 'utf8', timeout: 600_000 });
    if (r.error) results[host.id] = { error: `not run: ${r.error.message}` };
    else if (r.status === 0) results[host.id] = JSON.parse(r.stdout.trim().split('\n').pop());
    else results[host.id] = { error: r.signal ? `crashed (${r.signal})` : `exited ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  }
  return results;
}
