// Entry for browsers: fetches and compiles the wasm next to this file.
import { setModules } from './wasi.js';

const compile = async (name) => {
  const url = new URL(name, import.meta.url);
  return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(fetch(url)) : WebAssembly.compile(await (await fetch(url)).arrayBuffer());
};
setModules(...(await Promise.all([compile('./wasi_workers.wasm'), compile('./thunk.wasm')])));

export { BACKENDS, WASI, ProcessExit } from './wasi.js';
export { packTar, readTar } from './tar.js';
