// The conventions of conformance/guests/EXPECTATIONS.md, shared by the Node and workerd
// tests: how a guest is started, and what it ends with when not "exit 0, any output".

/** WASI options for guest `name`, its output handed to `stdout` and `stderr`. */
export function guestOptions(name, stdout, stderr) {
  return {
    args: [name],
    env: { CONFORMANCE: '1', GUEST_ENV_A: 'alpha' },
    preopens: ['/sandbox'],
    stdin: 'hello stdin\n',
    stdout,
    stderr,
  };
}

export const special = {
  proc_exit: { code: 42, stdout: 'exiting with 42\n' },
  demo: { code: 3 },
  stdio: { code: 0, stdout: 'to stdout\n' },
  upcase: { code: 0, stdout: 'args: []\nHELLO STDIN\n' },
};
