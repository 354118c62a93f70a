// The workloads: which guest (guests/NAME.wat), its setup() arguments, the host's
// arguments and environment, and how a timing becomes the figure in the table.

const MiB = 1024 * 1024;

/** 100 arguments and 100 variables for args_env. */
const hundredArgs = ['bench', ...Array.from({ length: 99 }, (_, i) => `arg${String(i).padStart(2, '0')}`)];
const hundredVars = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`VAR${String(i).padStart(2, '0')}`, `value${i}`]));

/**
 * unit 'ops/s': n / seconds; 'MiB/s': n * mib / seconds (the file's size, written and read
 * back once per op); 'ms': milliseconds per op. `cold` ops run the guest's _start on a new
 * host each (see measure.mjs), or with no guest only make and close one. The stream ops make their file anew each time, so they get
 * no untimed first op (`warm: false`), which would double the time of the slowest hosts.
 * `n`: ops per measurement for every host, rather than as many as take ~100 ms. A guest's
 * cold start costs more the more guests' memories wait to be collected (V8 maps and
 * unmaps each: 25 µs a cold start 600 at a time, 60 µs 3,000 at a time, in Node 20), so
 * a host that ran more of them per measurement looked slower.
 */
export const workloads = [
  { id: 'clock', title: 'clock_time_get', guest: 'clock', unit: 'ops/s' },
  { id: 'write1-file', title: 'fd_write 1 B, file', guest: 'write', setup: [1, 0], unit: 'ops/s' },
  { id: 'write4k-file', title: 'fd_write 4 KiB, file', guest: 'write', setup: [4096, 0], unit: 'ops/s' },
  { id: 'write1-stdout', title: 'fd_write 1 B, stdout', guest: 'write', setup: [1, 1], unit: 'ops/s' },
  { id: 'write4k-stdout', title: 'fd_write 4 KiB, stdout', guest: 'write', setup: [4096, 1], unit: 'ops/s' },
  { id: 'read4k', title: 'fd_seek + fd_read 4 KiB', guest: 'read', unit: 'ops/s' },
  { id: 'open-close', title: 'path_open + fd_close', guest: 'open_close', unit: 'ops/s' },
  { id: 'stat8', title: 'path_filestat_get, 8 deep', guest: 'stat', unit: 'ops/s' },
  { id: 'readdir', title: 'fd_readdir, 1,000 entries', guest: 'readdir', unit: 'listings/s' },
  { id: 'args-env', title: 'args + environ, 100 each', guest: 'args_env', args: hundredArgs, env: hundredVars, unit: 'ops/s' },
  { id: 'append', title: 'append 1,024 x 8 KiB + read', guest: 'stream', setup: [8192, 1024, 1], mib: 8, warm: false, unit: 'MiB/s' },
  { id: 'file64', title: '64 MiB write + read, 64 KiB', guest: 'stream', setup: [65536, 1024, 0], mib: 64, capacity: 160 * MiB, warm: false, unit: 'MiB/s' },
  { id: 'hello', title: 'hello-world cold start', guest: 'hello', cold: true, n: 1000, unit: 'ms' },
  { id: 'host', title: 'host made and closed, no guest', guest: null, cold: true, unit: 'ms' },
];

/** The host configuration a workload asks for. */
export function configOf(workload) {
  return { args: workload.args ?? ['bench'], env: workload.env ?? {}, capacity: workload.capacity };
}

/** The table's figure for n ops in `ms` milliseconds. */
export function figure(workload, n, ms) {
  if (workload.unit === 'ms') return ms / n;
  return (n * (workload.mib ?? 1)) / (ms / 1000);
}

/** Whether a larger figure is better (not for times). */
export const higherIsBetter = (workload) => workload.unit !== 'ms';
