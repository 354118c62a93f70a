// @bjorn3/browser_wasi_shim: pure JS, with its in-memory PreopenDirectory.

export const bws = {
  id: 'bws',
  load: () => import('@bjorn3/browser_wasi_shim'),
  /**
   * A fresh host with an empty /sandbox at fd 3; stdout and stderr are discarded. Its
   * WASI logs every call to the console unless given `debug: false`.
   */
  create(lib, { args, env }) {
    const discard = () => new lib.ConsoleStdout(() => {});
    const fds = [new lib.OpenFile(new lib.File([])), discard(), discard(), new lib.PreopenDirectory('/sandbox', new Map())];
    const wasi = new lib.WASI(args, Object.entries(env).map(([k, v]) => `${k}=${v}`), fds, { debug: false });
    return { imports: wasi.wasiImport, start: (instance) => wasi.start(instance), close() {} };
  },
};
