// What the embedder may do while a guest waits under JSPI (its stdin has not arrived, it
// sleeps): read and write files, and close the host, which ends the guest at once (and
// keeps its instance of our module from other hosts until the run has ended). Each
// scenario takes the package's WASI class and the compiled `streams` guest; shared by
// Node 24 (jspi-node24.mjs) and workerd (streams-handler.mjs, `/host?scenario=NAME`).

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** A REPL waiting for its first line. */
function waitingRepl(WASI, guest) {
  let input;
  const stdin = new ReadableStream({ start: (c) => { input = c; } });
  const out = [];
  const wasi = new WASI({ args: ['streams', 'repl'], stdin, stdout: (b) => out.push(decoder.decode(b)), mounts: [{ path: '/', files: { keep: 'precious' } }] });
  check(wasi.jspi, 'this runtime runs the guest through JSPI');
  const run = wasi.start(new WebAssembly.Instance(guest, wasi.getImportObject()));
  return { wasi, input, out, run };
}

export const scenarios = {
  /** Files can be read and written while the guest waits for stdin. */
  async filesWhileWaiting(WASI, guest) {
    const { wasi, input, out, run } = waitingRepl(WASI, guest);
    await tick();
    check(decoder.decode(wasi.readFile('keep')) === 'precious', 'readFile while the guest waits');
    wasi.writeFile('during', 'written while it waited');
    check(decoder.decode(wasi.readFile('during')) === 'written while it waited', 'writeFile while the guest waits');
    input.enqueue(encoder.encode('hello\n'));
    input.close();
    const code = await run;
    check(code === 0, `the guest exited with ${code}`);
    check(out.join('') === '> hello\n', `the guest wrote ${JSON.stringify(out.join(''))}`);
    check(decoder.decode(wasi.readFile('during')) === 'written while it waited', 'the file written during the run');
  },

  /** close() while the guest waits ends it at once: start() rejects. */
  async closeWhileWaiting(WASI, guest) {
    const { wasi, run } = waitingRepl(WASI, guest);
    await tick();
    wasi.close();
    const outcome = await Promise.race([run.then(() => 'resolved', (e) => e.message), tick(2000).then(() => 'still running')]);
    check(/closed while its guest ran/.test(outcome), `start() after close(): ${outcome}`);
  },

  /** A guest waiting when its host closes waits inside the host's instance of our module
   * (js/pool.js): a host made meanwhile does not get that instance; the next one after
   * the run has ended does, reset. The instance is told by its memory's size: 512 KiB of
   * files give it one no fresh instance has. */
  async closedWhileWaitingKeepsItsInstance(WASI, guest) {
    let input;
    const stdin = new ReadableStream({ start: (c) => { input = c; } });
    const a = new WASI({ args: ['streams', 'repl'], stdin, stdout: () => {}, mounts: [{ path: '/', files: { ballast: new Uint8Array(512 << 10) } }] });
    const size = a.hostMemoryBytes();
    const run = a.start(new WebAssembly.Instance(guest, a.getImportObject()));
    await tick();
    a.close();
    const meanwhile = new WASI();
    check(meanwhile.hostMemoryBytes() !== size, "a host made while the closed host's guest waits gets another instance");
    const outcome = await run.then(() => 'resolved', (e) => e.message);
    check(/closed while its guest ran/.test(outcome), `start() after close(): ${outcome}`);
    input.close();
    const out = [];
    const next = new WASI({ args: ['streams', 'repl'], stdin: 'hi\n', stdout: (b) => out.push(decoder.decode(b)) });
    check(next.hostMemoryBytes() === size, 'the next host after the run has ended gets its instance');
    const code = await next.start(new WebAssembly.Instance(guest, next.getImportObject()));
    check(code === 0 && out.join('') === '> hi\n', `the next host's guest exited with ${code} and wrote ${JSON.stringify(out.join(''))}`);
    check(next.readFile('ballast') === undefined, "the closed host's files are gone");
    meanwhile.close();
    next.close();
  },

  /** A sleep of 2^63 ns waits on timers that do not fire early (no spinning), until
   * close(). `countTimers(during)` says how many timers fired during `during()`, where the
   * runtime lets the test see that; else null. */
  async longSleepDoesNotSpin(WASI, guest, countTimers = async (during) => (await during(), null)) {
    const wasi = new WASI({ args: ['streams', 'sleep', '9223372036854'], stdout: () => {} });
    const run = wasi.start(new WebAssembly.Instance(guest, wasi.getImportObject()));
    const fired = await countTimers(() => tick(300));
    check(fired === null || fired <= 3, `${fired} timers fired in 300 ms`);
    wasi.close();
    const outcome = await Promise.race([run.then(() => 'resolved', (e) => e.message), tick(2000).then(() => 'still running')]);
    check(/closed while its guest ran/.test(outcome), `start() after close(): ${outcome}`);
  },
};
