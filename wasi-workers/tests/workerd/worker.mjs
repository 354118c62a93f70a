// A test Worker: runs the conformance guest named by ?guest= (on ?backend=) through the package, started
// as conformance/guests/expectations.json says, and answers {code, stdout, stderr}; or, for
// ?replay=1, replays wasmtime's recorded answers on ?backend= (../replay.mjs) and answers
// with its counts and failures. The guests are imported precompiled: workerd refuses to
// compile wasm at run time.
import { WASI } from '../../pkg/workerd.js';
import { guests } from './guests.mjs';
import { guestOptions } from '../expectations.mjs';
import { replay } from '../replay.mjs';
import answers from './answers-data.mjs';
import data from './expectations-data.mjs';

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const name = params.get('guest');
    const backend = params.get('backend') ?? 'memory';
    if (params.has('replay')) return Response.json(await replay({ WASI, data, answers, driver: guests.syscall_driver, backend }));
    const module = guests[name];
    if (!module) return new Response(`no guest ${name}`, { status: 404 });
    const out = [];
    const err = [];
    const wasi = new WASI(guestOptions(data, name, backend, (b) => out.push(b), (b) => err.push(b)));
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    let code;
    try {
      code = await wasi.start(instance);
    } catch (e) {
      code = `trap: ${e}`;
    } finally {
      wasi.close();
    }
    const text = (chunks) => chunks.map((c) => new TextDecoder().decode(c)).join('');
    return Response.json({ code, stdout: text(out), stderr: text(err) });
  },
};
