// Guest-chosen sizes through the npm package (a wasm32 module): lengths are bounded before
// anything is allocated for them, and sizes and offsets past 4 GiB are 64-bit end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRNO_NAMES } from '../pkg/abi.js';
import { WASI } from '../pkg/node.js';
import { Driver, O_CREAT } from './driver.mjs';

const GiB = 2 ** 30;
const errno = (name) => ERRNO_NAMES.indexOf(name);

test('a path length of 2 GiB or 1 GiB is refused before anything is allocated', () => {
  const wasi = new WASI({ mounts: [{ path: '/' }] });
  const d = new Driver(wasi);
  const before = wasi.hostMemoryBytes();
  assert.equal(d.call('path_open', 3, 0, 0, 2 ** 31, O_CREAT, 0, 0, 0, 0), errno('EFAULT'), 'beyond the guest memory');
  assert.equal(d.call('path_create_directory', 3, 0, 0xffffffff), errno('EFAULT'));
  d.grow(GiB / 65536 + 1);
  assert.equal(d.call('path_open', 3, 0, 0, GiB, O_CREAT, 0, 0, 0, 0), errno('ENAMETOOLONG'), 'within the guest memory');
  assert.equal(d.call('path_symlink', 0, GiB, 3, 0, 1), errno('ENAMETOOLONG'));
  assert.equal(wasi.hostMemoryBytes(), before, 'the host did not grow');
});

test('iovec and subscription counts that overflow 32-bit offsets fault, without looping', () => {
  const d = new Driver(new WASI({ mounts: [{ path: '/' }] }));
  assert.equal(d.call('fd_write', 1, 0, 2 ** 29 + 1, 8), errno('EFAULT'));
  assert.equal(d.call('fd_read', 0, 0, 0xffffffff, 8), errno('EFAULT'));
  assert.equal(d.call('poll_oneoff', 0, 0, 2 ** 27, 8), errno('EFAULT'));
});

test('a file past 4 GiB reads back in full around and beyond the 4 GiB mark', () => {
  const wasi = new WASI({ mounts: [{ path: '/' }] });
  const d = new Driver(wasi);
  const fd = d.open(4096, d.put(4096, 'sparse'), O_CREAT);
  d.put(8192, 'end');
  assert.equal(d.write(fd, 8192, 3, 5 * GiB), 0);
  // 8 MiB across the 4 GiB mark, then the last bytes.
  d.grow(160);
  const view = () => new DataView(d.memory.buffer);
  view().setUint32(16, 65536, true);
  view().setUint32(20, 8 << 20, true);
  assert.equal(d.call('fd_pread', fd, 16, 1, 4 * GiB - (4 << 20), 8), 0);
  assert.equal(d.u32(8), 8 << 20);
  view().setUint32(20, 100, true);
  assert.equal(d.call('fd_pread', fd, 16, 1, 5 * GiB + 3 - 100, 8), 0);
  assert.equal(d.u32(8), 100);
  assert.equal(new TextDecoder().decode(d.bytes.subarray(65536 + 97, 65536 + 100)), 'end');
  assert.throws(() => wasi.readFile('sparse'), { name: 'TypeError', message: /5368709123 bytes.*offset, length/ });
  assert.equal(new TextDecoder().decode(wasi.readFile('sparse', 0, { offset: 5 * GiB, length: 10 })), 'end');
  assert.deepEqual([...wasi.readFile('sparse', 0, { offset: 4 * GiB, length: 4 })], [0, 0, 0, 0]);
});

test('a write of more than 4 GiB in one call moves u32::MAX bytes and says so', () => {
  const d = new Driver(new WASI({ mounts: [{ path: '/' }] }));
  d.grow(1.5 * GiB / 65536);
  const view = new DataView(d.memory.buffer);
  for (let i = 0; i < 3; i++) {
    view.setUint32(64 + 8 * i, 0, true);
    view.setUint32(68 + 8 * i, 1.5 * GiB, true);
  }
  assert.equal(d.call('fd_write', 1, 64, 3, 8), 0);
  assert.equal(d.u32(8), 2 ** 32 - 1);
});
