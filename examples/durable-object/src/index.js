// An example Worker whose WASI program keeps its files: each named store is a Durable
// Object that runs the program (`notes`, SQLite in /data) one request at a time, on the
// tree its last successful run left, and commits the new tree only when the program exits
// with 0. GET /?store=NAME&arg=add&arg=hello runs `notes add hello` on store NAME.
import { DurableObject } from 'cloudflare:workers';
import { WASI } from 'wasi-workers';
// Built from examples/durable-object/guest (not committed): see the README.
import program from './notes.wasm';
import { TreeStore } from './store.js';

/** The most the program's /data may hold: it lives in memory during a run, beside the
 * object's own copy of the last tree (a Worker has 128 MB). */
const CAPACITY = 32 * 1024 * 1024;

export class Notes extends DurableObject {
  #store;
  /** The run before the next one: runs go one at a time, in the order they came. */
  #last = Promise.resolve();

  constructor(ctx, env) {
    super(ctx, env);
    this.#store = new TreeStore(ctx.storage);
  }

  async fetch(request) {
    const args = new URL(request.url).searchParams.getAll('arg');
    const run = this.#last.then(() => this.#run(args));
    this.#last = run.catch(() => {});
    return run;
  }

  /** Runs the program on the committed tree; commits what it leaves if it exits with 0. */
  async #run(args) {
    const output = [];
    const collect = (chunk) => void output.push(chunk);
    const wasi = new WASI({
      args: ['notes', ...args],
      mounts: [{ path: '/data', capacity: CAPACITY, tar: this.#store.tar() }],
      stdout: collect,
      stderr: collect,
    });
    try {
      const code = await wasi.start(new WebAssembly.Instance(program, wasi.getImportObject()));
      if (code !== 0) return new Response(new Blob([...output, `\nexited with ${code}: nothing kept\n`]), { status: 500 });
      const written = this.#store.commit(wasi.exportTar());
      return new Response(new Blob(output), { headers: { 'x-written': JSON.stringify(written) } });
    } catch (e) {
      return new Response(new Blob([...output, `\nfailed (${e.message}): nothing kept\n`]), { status: 500 });
    } finally {
      wasi.close();
    }
  }
}

export default {
  async fetch(request, env) {
    const name = new URL(request.url).searchParams.get('store') ?? 'default';
    return env.NOTES.get(env.NOTES.idFromName(name)).fetch(request);
  },
};
