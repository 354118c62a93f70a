// The Worker behind the blocking-stdio tests, shared by workerd (tests/workerd/streams.mjs)
// and Node (called directly): runs the `streams` guest with the request body as stdin and
// its stdout as the response body, counting the bytes the guest has handed to stdout;
// `/host?scenario=NAME` runs one of jspi-host-scenarios.mjs here and answers "ok".
import { scenarios } from './jspi-host-scenarios.mjs';

let written = 0;

/** A fetch handler over the package's WASI class and the compiled `streams` guest. */
export function streamsHandler(WASI, module) {
  return async function fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/written') return Response.json({ written });
    if (url.pathname === '/host') {
      try {
        await scenarios[url.searchParams.get('scenario')](WASI, module);
        return new Response('ok');
      } catch (e) {
        return new Response(String(e?.stack ?? e), { status: 500 });
      }
    }
    const args = ['streams', ...url.searchParams.getAll('arg')];
    // What the guest writes goes through a one-chunk queue (so the WASI sink sees
    // back-pressure as soon as the response is not being read) into the response; the
    // writer handed to WASI counts the bytes as the guest writes them.
    const { readable, writable } = new TransformStream();
    const queue = new WritableStream(
      {
        async write(chunk) {
          const out = writable.getWriter();
          await out.ready;
          await out.write(chunk);
          out.releaseLock();
        },
        close: () => writable.close(),
        abort: (e) => writable.abort(e),
      },
      { highWaterMark: 1 },
    );
    written = 0;
    const counting = {
      getWriter() {
        const w = queue.getWriter();
        return {
          write(chunk) {
            written += chunk.byteLength;
            return w.write(chunk);
          },
          get desiredSize() {
            return w.desiredSize;
          },
          get ready() {
            return w.ready;
          },
          close: () => w.close(),
        };
      },
    };
    const jspi = url.searchParams.get('jspi');
    const wasi = new WASI({ args, stdin: request.body ?? '', stdout: counting, ...(jspi === null ? {} : { jspi: jspi === 'true' }) });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    // The run goes on while the response streams; its end closes stdout, ending the body.
    wasi.start(instance).finally(() => wasi.close());
    return new Response(readable, { headers: { 'x-wasi-jspi': String(wasi.jspi) } });
  };
}
