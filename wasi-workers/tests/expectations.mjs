// The conventions of conformance/guests/EXPECTATIONS.md, shared by the Node and workerd
// tests: how a guest is started, and what it ends with when not "exit 0, any output".

/** The backends every guest runs on. */
export const backends = ['memory', 'littlefs'];

/** WASI options for guest `name` on `backend`, its output handed to `stdout` and `stderr`. */
export function guestOptions(name, backend, stdout, stderr) {
  const env = { CONFORMANCE: '1', GUEST_ENV_A: 'alpha' };
  if (backend === 'littlefs') env.WASI_BACKEND = 'littlefs';
  return {
    args: [name],
    env,
    mounts: [{ path: '/sandbox', backend }],
    stdin: 'hello stdin\n',
    stdout,
    stderr,
  };
}

export const special = {
  proc_exit: { code: 42, stdout: 'exiting with 42\n' },
  demo: { code: 3 },
  stdio: { code: 0, stdout: 'to stdout\n' },
  streams: { code: 0, stdout: 'hello stdin\n' },
  upcase: { code: 0, stdout: 'args: []\nHELLO STDIN\n' },
};
