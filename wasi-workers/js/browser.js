// Entry for browsers: fetches and compiles the wasm next to this file.
import { setModule } from './wasi.js';

const url = new URL('./wasi_workers.wasm', import.meta.url);
setModule(WebAssembly.compileStreaming ? await WebAssembly.compileStreaming(fetch(url)) : await WebAssembly.compile(await (await fetch(url)).arrayBuffer()));

export { BACKENDS, WASI, ProcessExit } from './wasi.js';
export { packTar, readTar } from './tar.js';
