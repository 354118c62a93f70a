// @tybys/wasm-util: its WASI over a Node-fs-like filesystem, here an in-memory one from
// memfs (the library that its README's memfs-browser bundles for browsers; that bundle is
// of memfs 4.6, whose files grow by exact size, making appends quadratic).

export const tybys = {
  id: 'tybys',
  load: async () => ({ ...(await import('@tybys/wasm-util')), memfs: (await import('memfs')).default }),
  /** A fresh host with an empty /sandbox in a new volume; stdout and stderr are discarded. */
  create(lib, { args, env }) {
    const fs = lib.memfs.createFsFromVolume(lib.memfs.Volume.fromJSON({ '/sandbox': null }));
    const discard = () => {};
    const wasi = new lib.WASI({ version: 'preview1', args, env, preopens: { '/sandbox': '/sandbox' }, fs, returnOnExit: true, print: discard, printErr: discard });
    return { imports: wasi.wasiImport, start: (instance) => wasi.start(instance), close() {} };
  },
};
