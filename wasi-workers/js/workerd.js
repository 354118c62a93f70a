// Entry for Cloudflare Workers (workerd) and bundlers that import .wasm as a module:
// workerd refuses to compile wasm bytes at run time, so the module comes precompiled.
import module from './wasi_workers_bg.wasm';
import { initSync } from './wasi_workers.js';
import { setOwnMemory } from './bridge.js';
import { setRawExports } from './wasi.js';

const exports = initSync({ module });
setOwnMemory(exports.memory);
setRawExports(exports);

export { WASI, ProcessExit } from './wasi.js';
