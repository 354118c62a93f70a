// Entry for Node: reads and compiles the wasm next to this file.
import { readFileSync } from 'node:fs';
import { setModule } from './wasi.js';

setModule(new WebAssembly.Module(readFileSync(new URL('./wasi_workers.wasm', import.meta.url))));

export { BACKENDS, WASI, ProcessExit } from './wasi.js';
export { packTar, readTar } from './tar.js';
