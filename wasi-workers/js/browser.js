// Entry for browsers: fetches and compiles the wasm next to this file.
import init from './wasi_workers.js';
import { setOwnMemory } from './bridge.js';
import { setRawExports } from './wasi.js';

const exports = await init({ module_or_path: new URL('./wasi_workers_bg.wasm', import.meta.url) });
setOwnMemory(exports.memory);
setRawExports(exports);

export { WASI, ProcessExit } from './wasi.js';
