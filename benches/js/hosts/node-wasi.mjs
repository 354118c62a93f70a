// node:wasi (uvwasi): real files, in a new temporary directory per host.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
};
