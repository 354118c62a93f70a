// What the conformance guests end with when it is not "exit 0, any output": the
// conventions of conformance/guests/EXPECTATIONS.md, shared by the Node and workerd tests.
export const special = {
  proc_exit: { code: 42, stdout: 'exiting with 42\n' },
  demo: { code: 3 },
  stdio: { code: 0, stdout: 'to stdout\n' },
  upcase: { code: 0, stdout: 'args: []\nHELLO STDIN\n' },
};
