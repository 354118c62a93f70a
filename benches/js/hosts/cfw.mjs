// @cloudflare/workers-wasi 0.0.5: its own littlefs-based memfs.wasm. No Node-only static
// imports: workerd/ loads this file too, with the package itself as `lib`.

export const cfw = {
  id: 'cfw',
  /** Why the package does not load in plain Node, once load() has run (else null). */
  plainNodeError: null,
  /**
   * The package imports `./memfs.wasm` as a compiled WebAssembly.Module, a rule of workerd
   * and its bundlers that Node does not have. Tried plainly first (to report why it fails),
   * then through wasm-hooks.mjs, which gives Node that rule.
   */
  async load() {
    const url = import.meta.resolve('@cloudflare/workers-wasi');
    try {
      return await import(url);
    } catch (e) {
      this.plainNodeError = `${e.code ?? e.name}: ${e.message}`;
    }
    const { register } = await import('node:module');
    register('./wasm-hooks.mjs', import.meta.url);
    // A new URL: the failed import above stays cached under the plain one.
    return import(`${url}?compiled-wasm`);
  },
  /**
   * A fresh host with its root preopened (a preopen of another path is not created in its
   * filesystem: files under it answer ENOENT); no stdout or stderr stream means /dev/null.
   */
  create(lib, { args, env }) {
    const wasi = new lib.WASI({ args, env, preopens: ['/'], returnOnExit: true });
    return { imports: wasi.wasiImport, start: (instance) => wasi.start(instance), close() {} };
  },
};
