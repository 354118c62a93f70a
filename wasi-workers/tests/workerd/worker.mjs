// A test Worker: runs the conformance guest named by ?guest= (on ?backend=) through the
// package, started as conformance/guests/expectations.json says, and answers runGuest's
// { exit, error, stdout, stderr }; or, for ?replay=1, replays wasmtime's recorded answers
// on ?backend= (../replay.mjs) and answers with its counts and failures. The guests are
// imported precompiled: workerd refuses to compile wasm at run time.
import { WASI } from '../../pkg/workerd.js';
import { guests } from './guests.mjs';
import { runGuest } from '../expectations.mjs';
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
    return Response.json(await runGuest(WASI, data, module, name, backend));
  },
};
