// Prints the text of thunk.wasm, the module a WASI host instantiates to give its guest
// the 46 wasi_snapshot_preview1 functions when the guest runs under JSPI, which suspends
// only wasm frames (other hosts give JS functions: wasi-workers/js/pool.js):
// `node scripts/thunk-wat.mjs pkg/abi.js`
// (scripts/build-npm.sh assembles it with wasm-as).
//
// A host runs on an instance of wasi_workers.wasm that earlier hosts may have run on
// (wasi-workers/js/pool.js keeps closed hosts' instances for the next ones). Its guest
// must never reach a later host through it, so it gets functions of its host's own: each
// calls the instance's one `syscall` export with the function's number (its place in
// witx order), the host's generation (`mine`, never given to two hosts), which the
// instance checks against its owner's before anything else, trapping on any other, and
// the function's arguments widened to i64, in the nine places of
// wasi-workers/src/syscalls.rs (`ARGS`); but `clock_time_get` of the realtime and
// monotonic clocks calls its host's `clock` (js/bridge.js `clockFor`), a JS function as
// much the host's own as the thunk. The functions are exported in a table, in witx
// order, rather than by name: an exported function costs V8 about half a microsecond at
// instantiation, a table entry a tenth of that until JS takes it out, and a guest imports
// a handful of the 46.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/** As wasi-workers/src/syscalls.rs `ARGS`. */
const ARGS = 9;

const { SYSCALLS } = await import(pathToFileURL(resolve(process.argv[2])).href);
const out = [];
out.push('(module');
out.push(`  (import "host" "syscall" (func $syscall (param i32 f64 ${'i64 '.repeat(ARGS).trim()}) (result i32)))`);
out.push('  (import "host" "mine" (global $mine f64))');
out.push('  (import "host" "clock" (func $clock (param i32 i32) (result i32)))');
for (const [i, [name, params]] of SYSCALLS.entries()) {
  const exits = name === 'proc_exit';
  const widened = params.map(([, type], at) => (type === 'i64' ? `(local.get ${at})` : `(i64.extend_i32_u (local.get ${at}))`));
  while (widened.length < ARGS) widened.push('(i64.const 0)');
  let call = `(call $syscall (i32.const ${i}) (global.get $mine) ${widened.join(' ')})`;
  // The realtime and monotonic clocks (ids 0 and 1) are read by the host's JS
  // (wasi-workers/js/bridge.js `clockFor`: id, then the result's address); the others by
  // the module.
  if (name === 'clock_time_get') call = `(if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (call $clock (local.get 0) (local.get 2))) (else ${call}))`;
  out.push(`  (func $${name} (param ${params.map(([, type]) => type).join(' ')})${exits ? '' : ' (result i32)'}`);
  out.push(`    ${exits ? `(drop ${call})` : call})`);
}
out.push(`  (table (export "calls") ${SYSCALLS.length} funcref)`);
out.push(`  (elem (i32.const 0) ${SYSCALLS.map(([name]) => `$${name}`).join(' ')}))`);
console.log(out.join('\n'));
