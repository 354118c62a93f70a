// Our package (wasi-workers), on one of its two backends. No Node-only imports: workerd/
// loads this file too, with the package's workerd entry as `lib`.

/** @param {'memory' | 'littlefs'} backend */
export function ours(backend) {
  return {
    id: `ours-${backend}`,
    /** The package's Node entry, from the --pkg directory (a file: URL ending in /). */
    load: ({ pkgUrl }) => import(new URL('node.js', pkgUrl).href),
    /** A fresh host with an empty /sandbox; stdout and stderr are discarded (no option). */
    create(lib, { args, env, capacity }) {
      const mount = { path: '/sandbox', backend };
      // The package's defaults (a 64 MiB memory quota; a 16 MiB littlefs disk, allocated up
      // front) unless a workload needs more.
      if (capacity !== undefined) mount.capacity = capacity;
      const wasi = new lib.WASI({ args, env, mounts: [mount], returnOnExit: true });
      return { imports: wasi.wasiImport, start: (instance) => wasi.start(instance), close: () => wasi.close() };
    },
  };
}
