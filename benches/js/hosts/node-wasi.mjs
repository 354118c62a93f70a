// node:wasi (uvwasi): real files, in a new temporary directory per host.
import { closeSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where each host's temporary directory goes. */
const prefix = join(tmpdir(), 'wasi-bench-');

export const nodeWasi = {
  id: 'node-wasi',
  load: () => import('node:wasi'),
  /** A fresh host with an empty temporary directory as /sandbox; stdout goes to /dev/null. */
  create(lib, { args, env }) {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-bench-'));
    const devNull = openSync('/dev/null', 'w');
    const wasi = new lib.WASI({ version: 'preview1', args, env, preopens: { '/sandbox': dir }, returnOnExit: true, stdout: devNull, stderr: devNull });
    return {
      imports: wasi.wasiImport,
      start: (instance) => wasi.start(instance),
      close() {
        closeSync(devNull);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  /**
   * node:wasi never closes a host's preopened directory, not even once the host is
   * collected, and the cold-start rows make thousands of hosts: closes those of the hosts
   * made so far, between measurements (untimed), before the process runs out of file
   * descriptors.
   */
  release() {
    for (const fd of readdirSync('/proc/self/fd')) {
      let target;
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (target.startsWith(prefix)) closeSync(Number(fd));
    }
  },
};
