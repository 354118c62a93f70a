// What each host ships: the files an app loads, gzipped one by one (as served) at level 9.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The directory of an installed package (resolved from this file, as the hosts are). */
export function packageDir(name) {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!readdirSync(dir).includes('package.json') || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) dir = dirname(dir);
  return dir;
}

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** { files: n, bytes, gzip } of files on disk. */
function ofFiles(paths) {
  const all = paths.map((p) => readFileSync(p));
  return { files: all.length, bytes: all.reduce((s, b) => s + b.length, 0), gzip: all.reduce((s, b) => s + gz(b), 0) };
}

/**
 * memfs ships no bundle (memfs-browser's is of the old 4.6): what an app would ship is its
 * bundler's output, here esbuild's, minified, for Node (node: built-ins stay external).
 */
async function memfsBundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: "export { Volume, createFsFromVolume } from 'memfs';", resolveDir: dirname(fileURLToPath(import.meta.url)) },
    bundle: true, minify: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { files: 1, bytes: bytes.length, gzip: gz(bytes) };
}

/** hostId -> { files, bytes, gzip, what } or { builtIn: true, what }. */
export async function shippedSizes(pkgDir) {
  const ours = { ...ofFiles(readdirSync(pkgDir).filter((f) => /\.(js|wasm)$/.test(f)).map((f) => join(pkgDir, f))), what: 'pkg/*.js + pkg/*.wasm' };
  const cfwDist = join(packageDir('@cloudflare/workers-wasi'), 'dist');
  const bwsDist = join(packageDir('@bjorn3/browser_wasi_shim'), 'dist');
  const tybysMin = join(packageDir('@tybys/wasm-util'), 'dist', 'wasm-util.esm.min.js');
  const memfs = await memfsBundle();
  const tybys = ofFiles([tybysMin]);
  return {
    'ours-memory': ours,
    'ours-littlefs': ours,
    cfw: { ...ofFiles([join(cfwDist, 'index.mjs'), join(cfwDist, 'memfs.wasm')]), what: 'dist/index.mjs + dist/memfs.wasm' },
    bws: { ...ofFiles(readdirSync(bwsDist).filter((f) => f.endsWith('.js')).map((f) => join(bwsDist, f))), what: 'dist/*.js' },
    tybys: { files: 2, bytes: tybys.bytes + memfs.bytes, gzip: tybys.gzip + memfs.gzip, what: `dist/wasm-util.esm.min.js (${kB(tybys.gzip)}) + memfs bundled by esbuild (${kB(memfs.gzip)})` },
    'node-wasi': { builtIn: true, what: 'built into Node' },
  };
}

/** Bytes as kB with one decimal. */
export const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
