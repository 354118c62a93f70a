// Entry for Cloudflare Workers (workerd) and bundlers that import .wasm as a module:
// workerd refuses to compile wasm bytes at run time, so the modules come precompiled.
import host from './wasi_workers.wasm';
import thunk from './thunk.wasm';
import { setModules } from './wasi.js';

setModules(host, thunk);

export { BACKENDS, WASI, ProcessExit } from './wasi.js';
export { packTar, readTar } from './tar.js';
