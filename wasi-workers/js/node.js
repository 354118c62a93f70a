// Entry for Node: reads and compiles the wasm next to this file.
import { readFileSync } from 'node:fs';
import { setModules } from './wasi.js';

const compile = (name) => new WebAssembly.Module(readFileSync(new URL(name, import.meta.url)));
setModules(compile('./wasi_workers.wasm'), compile('./thunk.wasm'));

export { BACKENDS, WASI, ProcessExit } from './wasi.js';
export { packTar, readTar } from './tar.js';
