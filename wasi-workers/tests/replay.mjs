// Replays the differential check's recorded cases (conformance/wasmtime/answers.json: the
// syscall driver guest's scenarios and fuzz cases, with wasmtime's answers) through a
// build of the package, on one backend, and compares each run with wasmtime's answer,
// allowing only the kept differences of conformance/guests/expectations.json. Shared by
// the runners in Node (wasmtime.test.mjs), workerd (workerd/worker.mjs) and Chromium
// (browser/index.html), each of which hands in what it has loaded; no Node-only imports.
import { compare, runGuest } from './expectations.mjs';

/** Every case of `answers` on `backend`: { cases, same, known: { id: count }, failures: [text] }. */
export async function replay({ WASI, data, answers, driver, backend }) {
  const result = { cases: answers.cases.length, same: 0, known: {}, failures: [] };
  for (const c of answers.cases) {
    const args = [...(c.name.startsWith('fuzz ') ? answers.fuzz_preamble : []), ...c.lines];
    const ours = await runGuest(WASI, data, driver, 'syscall_driver', backend, { args, tellBackend: false });
    const verdict = compare(data, { exit: c.exit, stdout: c.stdout }, ours, backend);
    if (verdict.same) result.same++;
    else if (verdict.known) result.known[verdict.known] = (result.known[verdict.known] ?? 0) + 1;
    else result.failures.push(`${c.name} at line ${verdict.at}:\n  wasmtime: ${verdict.wasmtime}\n  ours:     ${verdict.ours}`);
  }
  return result;
}
