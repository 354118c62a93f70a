// An example Worker: runs a WASI program per request. The request body is the program's
// stdin, its stdout streams back as the response body, and ?arg=... become its arguments.
import { WASI } from 'wasi-workers';
// Built by scripts/run.sh from conformance/guests/src/bin/upcase.rs (not committed).
import program from './upcase.wasm';

export default {
  async fetch(request, env, ctx) {
    const args = new URL(request.url).searchParams.getAll('arg');
    const { readable, writable } = new TransformStream();
    const wasi = new WASI({
      args: ['upcase', ...args],
      stdin: request.body ?? '',
      stdout: writable,
      preopens: ['/tmp'],
    });
    const instance = new WebAssembly.Instance(program, wasi.getImportObject());
    ctx.waitUntil(wasi.start(instance).finally(() => wasi.close()));
    return new Response(readable, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
  },
};
