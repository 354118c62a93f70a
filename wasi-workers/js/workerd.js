// Entry for Cloudflare Workers (workerd) and bundlers that import .wasm as a module:
// workerd refuses to compile wasm bytes at run time, so the module comes precompiled.
import module from './wasi_workers.wasm';
import { setModule } from './wasi.js';

setModule(module);

export { BACKENDS, WASI, ProcessExit } from './wasi.js';
export { packTar, readTar } from './tar.js';
