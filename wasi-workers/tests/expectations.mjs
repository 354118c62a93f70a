// Reads conformance/guests/expectations.json, the one list of the guests' expectations that
// every runner shares (the Rust tests too): how a guest is started, what it must end with,
// and the kept differences from wasmtime. Each runner hands in the parsed file: Node reads
// it from disk, the browser fetches it, the test Worker imports it as a generated module.

/** The parsed file, for a runner in Node. */
export async function loadExpectations() {
  const { readFileSync } = await import('node:fs');
  return JSON.parse(readFileSync(new URL('../../conformance/guests/expectations.json', import.meta.url), 'utf8'));
}

/**
 * WASI options for guest `name` on `backend`, its output handed to `stdout` and `stderr`;
 * `args` follow the name. `tellBackend` adds the backend's environment (the syscall driver,
 * compared with wasmtime, runs without it).
 */
export function guestOptions(data, name, backend, stdout, stderr, { args = [], tellBackend = true } = {}) {
  const { start } = data;
  const env = { ...start.env, ...(tellBackend ? start.backend_env[backend] : {}) };
  const mount = { path: start.preopen, backend };
  if (backend === 'littlefs') mount.capacity = start.littlefs_capacity;
  return { args: [name, ...args], env, mounts: [mount], stdin: start.stdin, stdout, stderr };
}

/** The text of output chunks. */
function textOf(chunks) {
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();
}

/**
 * Runs the compiled guest `module` as guest `name` on a new host of the package's `WASI`
 * class, started as `guestOptions` says (`options` as there), and closes the host:
 * { exit (start()'s code, or 'trap' when it threw), error (what it threw, or null),
 * stdout, stderr }.
 */
export async function runGuest(WASI, data, module, name, backend, options) {
  const out = [];
  const err = [];
  const wasi = new WASI(guestOptions(data, name, backend, (b) => out.push(b.slice()), (b) => err.push(b.slice()), options));
  let exit;
  let error = null;
  try {
    exit = await wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
  } catch (e) {
    exit = 'trap';
    error = String(e);
  } finally {
    wasi.close();
  }
  return { exit, error, stdout: textOf(out), stderr: textOf(err) };
}

/** What guest `name` must end with ({ exit, stdout }, stdout null when not fixed). */
export function expected(data, name) {
  const want = data.guests[name];
  if (!want) throw new Error(`guest ${name} has no expectation in conformance/guests/expectations.json`);
  return want;
}

/** Whether `text` matches `pattern`, where `*` matches any run of characters. */
function glob(pattern, text) {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
  return re.test(text);
}

/**
 * Compares a run of the package with wasmtime's line by line, then the exits, as the Rust
 * runner does (conformance::differential::compare): { same } | { known: id } |
 * { at, wasmtime, ours }.
 */
export function compare(data, wasmtime, ours, backend) {
  const end = (exit) => (exit === 'trap' ? '<trap>' : `<exit ${exit}>`);
  const lines = (text) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const w = lines(wasmtime.stdout);
  const o = lines(ours.stdout);
  let known = null;
  for (let at = 0; at <= Math.max(w.length, o.length); at++) {
    const wl = at < w.length ? w[at] : end(wasmtime.exit);
    const ol = at < o.length ? o[at] : end(ours.exit);
    if (wl === ol) {
      if (at >= w.length && at >= o.length) break;
      continue;
    }
    const d = data.differences.find(
      (d) => (!d.backend || d.backend === backend) && (!d.host || d.host === 'js') && glob(d.wasmtime, wl) && glob(d.ours, ol),
    );
    if (!d) return { at, wasmtime: wl, ours: ol };
    known ??= d.id;
    if (!d.continues) return { known };
  }
  return known ? { known } : { same: true };
}
