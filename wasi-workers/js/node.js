// Entry for Node: reads and compiles the wasm next to this file.
import { readFileSync } from 'node:fs';
import { initSync } from './wasi_workers.js';
import { setOwnMemory } from './bridge.js';
import { setRawExports } from './wasi.js';

const module = new WebAssembly.Module(readFileSync(new URL('./wasi_workers_bg.wasm', import.meta.url)));
const exports = initSync({ module });
setOwnMemory(exports.memory);
setRawExports(exports);

export { WASI, ProcessExit } from './wasi.js';
