// Tar in and out of a mount, against GNU tar both ways (and node-tar reading ours): names
// long and UTF-8, contents, symlinks, hard links, mtimes to the nanosecond, GNU sparse
// files; harmful entries refused with nothing made; devices and FIFOs skipped and reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nodeTar from 'tar';
import { BACKENDS, WASI, packTar, readTar } from '../pkg/node.js';

// (module (memory (export "memory") 1) (func (export "_start")))
const EMPTY = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 4, 1, 2, 0, 11]));

const backends = BACKENDS;
const tmp = mkdtempSync(join(tmpdir(), 'wasi-tar-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const LONG = 'd'.repeat(120);
const UTF8 = 'ñame-é😀.txt';
const BIG = Buffer.alloc(1_500_000).map((_, i) => (i * 7919) & 255);

/** A host tree with what a tar must carry; returns its path. */
function sourceTree() {
  const src = join(tmp, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(join(src, 'dir/sub'), { recursive: true });
  mkdirSync(join(src, LONG, LONG), { recursive: true });
  mkdirSync(join(src, 'empty'));
  writeFileSync(join(src, 'dir/a.txt'), 'hello\n');
  writeFileSync(join(src, 'dir/sub', UTF8), 'ünïcødé');
  writeFileSync(join(src, LONG, LONG, 'deep.txt'), 'deep');
  writeFileSync(join(src, 'big.bin'), BIG);
  writeFileSync(join(src, 'empty.txt'), '');
  symlinkSync('../a.txt', join(src, 'dir/sub/link'));
  symlinkSync('/etc/passwd', join(src, 'absolute-link'));
  linkSync(join(src, 'dir/a.txt'), join(src, 'hard'));
  execFileSync('touch', ['-d', '2001-02-03 04:05:06.123456789', join(src, 'dir/a.txt')]);
  execFileSync('touch', ['-h', '-d', '2002-01-01 00:00:00.5', join(src, 'dir/sub/link')]);
  execFileSync('touch', ['-d', '2300-01-01 00:00:00', join(src, 'big.bin')]);
  execFileSync('touch', ['-d', '1999-12-31 23:59:59.25', join(src, 'dir/sub'), join(src, 'empty')]);
  return src;
}

/** Each node below `dir` as `path type mtime(ns, or s for second-precision formats) link nlink` and its bytes. */
function listing(dir, { seconds = false, links = true } = {}) {
  const out = execFileSync('find', ['.', '-mindepth', '1', '-printf', '%p\t%y\t%T@\t%l\t%n\n'], { cwd: dir }).toString();
  return out
    .trim()
    .split('\n')
    .sort()
    .map((line) => {
      const [path, type, time, link, nlink] = line.split('\t');
      const [s, frac = ''] = time.split('.');
      const mtime = seconds ? s : `${s}.${frac.padEnd(9, '0').slice(0, 9)}`;
      const data = type === 'f' ? readFileSync(join(dir, path)).toString('base64') : '';
      return `${path} ${type} ${type === 'd' ? '' : mtime} ${link} ${links ? nlink : ''} ${data.length > 64 ? data.length + ':' + data.slice(0, 64) : data}`;
    });
}

/** GNU tar, from `dir` (as `.`) in `format`. */
function gnuTar(dir, format) {
  return execFileSync('tar', [`--format=${format}`, '-C', dir, '-cf', '-', '.'], { maxBuffer: 1 << 28 });
}

/** Extracts `archive` with GNU tar into a fresh directory. */
function gnuExtract(archive, name) {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  // (GNU tar warns of times in the future.)
  execFileSync('tar', ['-C', dir, '-xf', '-'], { input: archive, stdio: 'pipe' });
  return dir;
}

for (const format of ['pax', 'gnu', 'ustar']) {
  for (const backend of backends) {
    test(`GNU tar (${format}) into a ${backend} mount and back out through GNU tar`, () => {
      const src = sourceTree();
      if (format === 'ustar') {
        // ustar names stop at 255 bytes, its times in 2242.
        rmSync(join(src, LONG), { recursive: true });
        execFileSync('touch', ['-d', '2020-01-01 00:00:00', join(src, 'big.bin')]);
      }
      const tar = gnuTar(src, format);
      const wasi = new WASI({ mounts: [{ path: '/', backend, tar }] });
      assert.deepEqual(wasi.tarSkipped, []);
      assert.equal(Buffer.from(wasi.readFile('dir/a.txt')).toString(), 'hello\n');
      assert.equal(Buffer.from(wasi.readFile(`dir/sub/${UTF8}`)).toString(), 'ünïcødé');
      assert.deepEqual(Buffer.from(wasi.readFile('big.bin')), BIG);
      if (format !== 'ustar') assert.equal(Buffer.from(wasi.readFile(`${LONG}/${LONG}/deep.txt`)).toString(), 'deep');
      // A hard link shares its file where the backend has hard links; littlefs has none
      // and gets a copy.
      const other = new WASI({ mounts: [{ path: '/', backend, tar }] });
      other.writeFile('hard', 'changed');
      assert.equal(Buffer.from(other.readFile('dir/a.txt')).toString(), backend === 'memory' ? 'changed' : 'hello\n');
      const out = gnuExtract(wasi.exportTar(), `out-${format}-${backend}`);
      // ustar and GNU headers hold whole seconds; pax the nanoseconds.
      const seconds = format !== 'pax';
      const want = listing(src, { seconds, links: backend === 'memory' });
      // Extracting sets directories' mtimes from the archive; the host's own are those of
      // the archive's entries: compare what the archive said.
      assert.deepEqual(listing(out, { seconds, links: backend === 'memory' }), want);
    });
  }
}

test('node-tar reads exportTar back with the same names, contents, symlinks and mtimes', async () => {
  const src = sourceTree();
  const wasi = new WASI({ mounts: [{ path: '/', tar: gnuTar(src, 'pax') }] });
  const seen = new Map();
  const parser = new nodeTar.Parser({
    onReadEntry: (e) => {
      const chunks = [];
      e.on('data', (c) => chunks.push(c));
      e.on('end', () => seen.set(e.path, { type: e.type, mtime: e.mtime.getTime(), linkpath: e.linkpath, data: Buffer.concat(chunks) }));
    },
  });
  const ended = new Promise((resolve) => parser.on('end', resolve));
  parser.end(Buffer.from(wasi.exportTar()));
  await ended;
  assert.equal(seen.get('dir/a.txt').type, 'File');
  assert.equal(seen.get('dir/a.txt').data.toString(), 'hello\n');
  assert.equal(seen.get('dir/a.txt').mtime, statSync(join(src, 'dir/a.txt')).mtime.getTime());
  assert.equal(seen.get('hard').type, 'Link');
  assert.equal(seen.get('hard').linkpath, 'dir/a.txt');
  assert.equal(seen.get('dir/sub/link').type, 'SymbolicLink');
  assert.equal(seen.get('dir/sub/link').linkpath, '../a.txt');
  assert.equal(seen.get('absolute-link').linkpath, '/etc/passwd');
  assert.equal(seen.get(`dir/sub/${UTF8}`).data.toString(), 'ünïcødé');
  assert.deepEqual(seen.get('big.bin').data, BIG);
  assert.equal(seen.get('big.bin').mtime, statSync(join(src, 'big.bin')).mtime.getTime());
  assert.equal(seen.get(`${LONG}/${LONG}/deep.txt`).data.toString(), 'deep');
  assert.equal(seen.get('empty/').type, 'Directory');
  // And node-tar's own archives read in.
  const fromNode = await new Promise((resolve) => {
    const chunks = [];
    nodeTar.c({ cwd: src, portable: true }, ['.']).on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
  });
  const again = new WASI({ mounts: [{ path: '/', tar: fromNode }] });
  assert.equal(Buffer.from(again.readFile(`dir/sub/${UTF8}`)).toString(), 'ünïcødé');
  assert.deepEqual(Buffer.from(again.readFile('big.bin')), BIG);
});

test('an exported tar round-trips through the package unchanged', () => {
  const src = sourceTree();
  const first = new WASI({ mounts: [{ path: '/', tar: gnuTar(src, 'pax') }] }).exportTar();
  const second = new WASI({ mounts: [{ path: '/', tar: first }] }).exportTar();
  assert.deepEqual(Buffer.from(second), Buffer.from(first));
  // The package's reader and writer, as exported, do the same.
  assert.deepEqual(Buffer.from(packTar(readTar(first).entries)), Buffer.from(first));
});

/** A tar entry made by hand: a ustar header (with `pax` records before it if given), then data. */
function entry({ name, type = '0', data = '', linkname = '', pax }) {
  const parts = [];
  if (pax) {
    const body = Object.entries(pax).map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = Buffer.byteLength(rest) + 1;
      while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
      return `${len}${rest}`;
    });
    parts.push(...entry({ name: 'PaxHeader', type: 'x', data: body.join('') }));
  }
  const bytes = Buffer.from(data);
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644', 100);
  h.write(bytes.length.toString(8).padStart(11, '0'), 124);
  h.write('14000000000', 136);
  h.write(type, 156);
  h.write(linkname, 157, 100);
  h.write('ustar\x0000', 257);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  parts.push(h, bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512));
  return parts;
}
const archive = (...entries) => Buffer.concat([...entries.flatMap((e) => entry(e)), Buffer.alloc(1024)]);

// Entry 1 of each archive is a plain file, made first if anything were.
const HARMFUL = [
  ['an absolute path', [{ name: '/etc/passwd', data: 'x' }], /tar entry 2 "\/etc\/passwd" has an absolute path/],
  ['a .. component', [{ name: 'a/../../escape', data: 'x' }], /tar entry 2 "a\/\.\.\/\.\.\/escape".*'\.\.' component/],
  ['a NUL in a pax name', [{ name: 'x', pax: { path: 'a\0b' }, data: 'x' }], /tar entry 2 its name contains a NUL character/],
  ['a NUL in a GNU long name', [{ name: '././@LongLink', type: 'L', data: 'a\0b\0' }, { name: 'x', data: 'x' }], /tar entry 2 its name contains a NUL character/],
  ['a name that is not UTF-8', [{ name: '././@LongLink', type: 'L', data: Buffer.from([0x66, 0xff, 0]) }, { name: 'x' }], /tar entry 2 its name is not valid UTF-8/],
  ['a name over 255 bytes', [{ name: 'n', pax: { path: 'n'.repeat(256) } }], /tar entry 2 "n{256}".*longer than 255 bytes/],
  ['a hard link out of the archive', [{ name: 'l', type: '1', linkname: '../../etc/passwd' }], /tar entry 2 "l": the link target.*'\.\.' component/],
  ['a hard link to nothing before it', [{ name: 'l', type: '1', linkname: 'later' }, { name: 'later', data: 'x' }], /tar entry 2 "l" links to "later", which is not a file earlier/],
  ['a file below a symlink of the archive', [{ name: 'evil', type: '2', linkname: '/etc' }, { name: 'evil/passwd', data: 'x' }], /tar entry 3 "evil\/passwd" lies below "evil", which the archive made a symlink/],
  ['more than the mount holds', [{ name: 'a', data: 'x'.repeat(40000) }, { name: 'b', data: 'x'.repeat(40000) }], /tar entry 3 "b" does not fit: the archive's files take 80010 bytes by here, and the mount holds at most 65536/],
];

for (const [what, entries, message] of HARMFUL) {
  for (const backend of backends) {
    test(`a harmful tar entry is refused, naming it, with nothing made (${backend}): ${what}`, async () => {
      const tar = archive({ name: 'first.txt', data: 'made first' }, ...entries);
      const mount = { path: '/', backend, capacity: 65536 };
      // As bytes: the constructor throws before anything exists.
      assert.throws(() => new WASI({ mounts: [{ ...mount, tar }] }), (e) => e instanceof TypeError && e.message.startsWith('options.mounts[0].tar: ') && message.test(e.message));
      // As a stream, read by start(): it rejects, and the mount holds nothing of the archive.
      const wasi = new WASI({ mounts: [{ ...mount, tar: new Blob([tar]).stream() }] });
      await assert.rejects(wasi.start(new WebAssembly.Instance(EMPTY, wasi.getImportObject())), (e) => e instanceof TypeError && message.test(e.message));
      assert.equal(wasi.readFile('first.txt'), undefined);
    });
  }
}

/** `archive` without its end: GNU tar pads to whole records of zeros. */
function withoutEnd(tar) {
  let end = tar.length;
  while (end >= 512 && tar.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return tar.subarray(0, end);
}

test('devices and FIFOs are skipped and reported; the rest is made', () => {
  const dir = join(tmp, 'special');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'plain'), 'plain');
  const tar = Buffer.concat([
    withoutEnd(execFileSync('tar', ['--format=pax', '-C', dir, '-cf', '-', 'fifo', 'plain'])),
    Buffer.concat([...entry({ name: 'tty', type: '3' }), ...entry({ name: 'disk', type: '4' }), ...entry({ name: 'odd', type: 'Z' }), Buffer.alloc(1024)]),
  ]);
  for (const backend of backends) {
    const wasi = new WASI({ mounts: [{ path: '/', backend }, { path: '/data', backend, tar }] });
    assert.deepEqual(wasi.tarSkipped, [
      { mount: 1, path: 'fifo', type: 'FIFO' },
      { mount: 1, path: 'tty', type: 'character device' },
      { mount: 1, path: 'disk', type: 'block device' },
      { mount: 1, path: 'odd', type: 'unknown type "Z"' },
    ]);
    assert.equal(Buffer.from(wasi.readFile('plain', 1)).toString(), 'plain');
    assert.equal(wasi.readFile('fifo', 1), undefined);
  }
});

test("GNU tar's sparse files, in each of its formats, come back whole; holes stay holes in memory", () => {
  // 30 segments of data (the old GNU format takes 4 in its header and the rest in
  // extension blocks), and a hole at the end, which only the file's size says.
  const dir = join(tmp, 'sparse');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const size = 8 << 20;
  const file = join(dir, 'sparse.bin');
  execFileSync('truncate', ['-s', String(size), file]);
  for (let i = 0; i < 30; i++) execFileSync('dd', [`of=${file}`, 'bs=4096', `seek=${i * 60 + 1}`, 'conv=notrunc', 'status=none'], { input: Buffer.alloc(4096, i + 1) });
  const want = readFileSync(file);
  for (const format of ['gnu', 'posix --sparse-version=0.0', 'posix --sparse-version=0.1', 'posix --sparse-version=1.0']) {
    const tar = execFileSync('tar', ['--sparse', ...`--format=${format}`.split(' '), '-C', dir, '-cf', '-', 'sparse.bin'], { maxBuffer: 1 << 28 });
    assert.ok(tar.length < 1 << 20, `${format}: GNU tar stored the holes (${tar.length} bytes)`);
    const { entries, skipped } = readTar(tar);
    assert.deepEqual(skipped, [], format);
    assert.deepEqual(entries.map((e) => [e.path, e.size, e.segments.length]), [['sparse.bin', size, 30]], format);
    assert.ok(Buffer.from(readTar(packTar(entries)).entries[0].data).equals(want), `${format}: packTar writes the file whole`);
    for (const backend of backends) {
      // A memory mount of 4 MiB holds the 8 MiB file: its holes take no room.
      const wasi = new WASI({ mounts: [{ path: '/', backend, tar, capacity: backend === 'memory' ? 4 << 20 : 16 << 20 }] });
      assert.deepEqual(wasi.tarSkipped, [], `${format} on ${backend}`);
      assert.ok(Buffer.from(wasi.readFile('sparse.bin')).equals(want), `${format} on ${backend}`);
      wasi.close();
    }
  }
});

test('a sparse map that does not fit its data or its size is refused', () => {
  const sparse = (map, size, data) => Buffer.concat([...entry({ name: 'GNUSparseFile.0/x', data, pax: { 'GNU.sparse.map': map, 'GNU.sparse.size': size, 'GNU.sparse.name': 'x' } }), Buffer.alloc(1024)]);
  const made = new WASI({ mounts: [{ path: '/', tar: sparse('2,3,8,2', '12', 'abcde') }] });
  assert.equal(Buffer.from(made.readFile('x')).toString('latin1'), '\0\0abc\0\0\0de\0\0');
  made.close();
  for (const [map, size, data, reason] of [
    ['0,4,2,4', '10', 'aaaabbbb', /malformed sparse map/],
    ['0,4,8,4', '10', 'aaaabbbb', /malformed sparse map/],
    ['0,4', '10', 'aaaabbbb', /wants less data than it stores/],
    ['0,4,6,4', '10', 'aaaa', /wants more data than it stores/],
    ['0,4,x', '10', 'aaaa', /malformed sparse map/],
    ['0,4', '-1', 'aaaa', /malformed sparse map|bad sparse file size/],
  ]) {
    assert.throws(() => new WASI({ mounts: [{ path: '/', tar: sparse(map, size, data) }] }), (e) => e instanceof TypeError && reason.test(e.message), `${map} of ${size}`);
  }
});

test('a tar from a ReadableStream is read by start(), before the guest runs', async () => {
  const src = sourceTree();
  const bytes = gnuTar(src, 'pax');
  const stream = new ReadableStream({
    start(c) {
      for (let at = 0; at < bytes.length; at += 100_000) c.enqueue(new Uint8Array(bytes.subarray(at, at + 100_000)));
      c.close();
    },
  });
  for (const backend of backends) {
    const wasi = new WASI({ mounts: [{ path: '/', backend, tar: backend === 'memory' ? stream : new Blob([bytes]).stream() }], jspi: false });
    assert.equal(wasi.readFile('dir/a.txt'), undefined);
    assert.equal(await wasi.start(new WebAssembly.Instance(EMPTY, wasi.getImportObject())), 0);
    assert.deepEqual(Buffer.from(wasi.readFile('big.bin')), BIG);
  }
});

test('tar options and exportTar are checked', () => {
  assert.throws(() => new WASI({ mounts: [{ path: '/', tar: 'text' }] }), { name: 'TypeError', message: /mounts\[0\]\.tar must be a Uint8Array, ArrayBuffer or ReadableStream/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', tar: new Uint8Array(512).fill(1) }] }), { name: 'TypeError', message: /bad header checksum/ });
  assert.throws(() => new WASI({ mounts: [{ path: '/', tar: archive({ name: 'a', data: 'x'.repeat(2000) }).subarray(0, 1024) }] }), { name: 'TypeError', message: /tar entry 1 "a" is cut short/ });
  assert.throws(() => new WASI().exportTar(3), { name: 'TypeError', message: /exportTar\(mount\): there is no mount 3/ });
  // An empty mount is an empty archive; the mount's own entry sets the root's mtime.
  assert.deepEqual(new WASI({ preopens: ['/'] }).exportTar(), new Uint8Array(1024));
  const wasi = new WASI({ mounts: [{ path: '/', tar: archive({ name: './', type: '5' }, { name: 'f', data: 'x' }) }] });
  assert.equal(Buffer.from(wasi.readFile('f')).toString(), 'x');
});

test('an archive over an image replaces files, keeps the rest; files options go on top', () => {
  const base = new WASI({ mounts: [{ path: '/', backend: 'littlefs', capacity: 256 * 1024, files: { keep: 'kept', over: 'old' } }] });
  const image = base.exportImage();
  const wasi = new WASI({ mounts: [{ path: '/', image, tar: archive({ name: 'over', data: 'new' }, { name: 'added', data: 'a' }), files: { added: 'from files' } }] });
  assert.equal(Buffer.from(wasi.readFile('keep')).toString(), 'kept');
  assert.equal(Buffer.from(wasi.readFile('over')).toString(), 'new');
  assert.equal(Buffer.from(wasi.readFile('added')).toString(), 'from files');
  // A name the image holds as a directory cannot become a file: the entry is named.
  base.writeFile('d/x', 'x');
  assert.throws(() => new WASI({ mounts: [{ path: '/', image: base.exportImage(), tar: archive({ name: 'd', data: 'x' }) }] }), { name: 'TypeError', message: /tar entry "d": EEXIST/ });
});

test('a damaged archive is a TypeError or a tree, never another exception', () => {
  const src = sourceTree();
  rmSync(join(src, 'big.bin'));
  // A small sparse file (6 segments: the old GNU format needs an extension block) in
  // each of GNU tar's sparse formats, whose maps get damaged too.
  const file = join(src, 'sparse.bin');
  execFileSync('truncate', ['-s', String(256 << 10), file]);
  for (let i = 0; i < 6; i++) execFileSync('dd', [`of=${file}`, 'bs=4096', `seek=${i * 9}`, 'conv=notrunc', 'status=none'], { input: Buffer.alloc(4096, i + 1) });
  const sparse = (format) => execFileSync('tar', ['--sparse', ...`--format=${format}`.split(' '), '-C', src, '-cf', '-', 'sparse.bin']);
  const sparseTars = ['gnu', 'posix --sparse-version=0.0', 'posix --sparse-version=0.1', 'posix --sparse-version=1.0'].map(sparse);
  rmSync(file);
  const goods = [gnuTar(src, 'pax'), ...sparseTars];
  let seed = 1;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (const [g, good] of goods.entries()) {
    for (let i = 0; i < 150; i++) {
      const bad = Buffer.from(good);
      for (let n = next() % 8; n >= 0; n--) bad[next() % Math.min(bad.length, 8192)] = next() & 255;
      for (const backend of backends) {
        try {
          new WASI({ mounts: [{ path: '/', backend, capacity: 1 << 20, tar: bad }] }).close();
        } catch (e) {
          assert.ok(e instanceof TypeError, `archive ${g}, case ${i}: ${e.stack}`);
        }
      }
    }
  }
});
