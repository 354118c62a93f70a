// Tar archives in and out of a mount. Reading: ustar, pax (extended and global headers:
// long and UTF-8 names, precise mtimes, large sizes), GNU long names and base-256 numbers,
// GNU sparse files (the old GNU format and pax formats 0.0, 0.1 and 1.0), old v7
// archives. Writing: pax, as GNU tar and node-tar read it. The archive is read and
// written here rather than in the module, which it would make larger; the module only
// makes, links, lists and stamps one node at a time (src/tree.rs).

import { ERRNO_NAMES } from './abi.js';
import { check, checkPath } from './wasi.js';

const BLOCK = 512;
const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });
const ascii = new TextDecoder('latin1');

/** Entry types that carry a node, and those skipped with a report. */
const KINDS = { 0: 'file', 7: 'file', 1: 'link', 2: 'symlink', 5: 'directory', D: 'directory' };
const SKIPPED = { 3: 'character device', 4: 'block device', 6: 'FIFO', V: 'volume label', M: 'multi-volume continuation' };

/** What src/tree.rs `host_make` makes. */
export const MAKE_DIRECTORY = 0;
export const MAKE_SYMLINK = 1;
export const MAKE_FILE = 2;

/** src/tree.rs `host_list_dir`: a record's bytes before its name. */
const RECORD_HEAD = 43;
/** wasi_abi::Filetype */
const FILETYPES = { 3: 'directory', 4: 'file', 7: 'symlink' };

const pad = (n) => Math.ceil(n / BLOCK) * BLOCK;
const SLASH = new Uint8Array([0x2f]);
const bytesOf = (p) => (typeof p === 'string' ? encoder.encode(p) : p);

/** The bytes of a header field up to its first NUL. */
function field(block, at, len) {
  const f = block.subarray(at, at + len);
  const nul = f.indexOf(0);
  return nul < 0 ? f : f.subarray(0, nul);
}

/** A numeric field: octal text, or GNU base-256 (high bit set; two's complement); null
 * for anything else. */
function number(block, at, len) {
  if (block[at] & 0x80) {
    let n = block[at] & 0x40 ? -1n : 0n;
    n = (n << 6n) | BigInt(block[at] & 0x3f);
    for (let i = 1; i < len; i++) n = (n << 8n) | BigInt(block[at + i]);
    return n;
  }
  const text = ascii.decode(field(block, at, len)).trim();
  return /^[0-7]*$/.test(text) ? BigInt('0o' + (text || '0')) : null;
}

/** A pax or header time `[-]secs[.fraction]` as { secs, nanos } (nanos within [0, 1e9)). */
function timeOf(text) {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (m === null) return null;
  let secs = BigInt(m[2]);
  let nanos = Number((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  if (m[1] === '-') {
    secs = -secs;
    if (nanos > 0) {
      secs -= 1n;
      nanos = 1e9 - nanos;
    }
  }
  return { secs, nanos };
}

/** Where `paxRecords` keeps the values of sparse format 0.0's repeated records. */
const SPARSE_00 = 'GNU.sparse.offset,numbytes';

/** The records of a pax header's data: `LEN key=value\n` each, LEN counting the record. */
function paxRecords(data, fail) {
  const out = new Map();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = space < 0 ? NaN : Number(ascii.decode(data.subarray(at, space)));
    if (!(len > 0) || at + len > data.length || data[at + len - 1] !== 0x0a) fail('has a malformed pax header');
    const record = data.subarray(space + 1, at + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) fail('has a malformed pax header');
    const key = ascii.decode(record.subarray(0, eq));
    const value = record.subarray(eq + 1);
    // Sparse format 0.0 repeats these two, in turn, once per segment: kept in order.
    if (key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes') out.set(SPARSE_00, [...(out.get(SPARSE_00) ?? []), value]);
    else out.set(key, value);
    at += len;
  }
  return out;
}

/** The [offset, length] pairs of an old GNU sparse header's map: `count` entries of two
 * 12-byte numbers from `at`, up to the first empty one. */
function gnuSparseMap(block, at, count, fail) {
  const map = [];
  for (let i = 0; i < count && block[at + 24 * i] !== 0; i++) {
    const offset = number(block, at + 24 * i, 12);
    const length = number(block, at + 24 * i + 12, 12);
    if (offset === null || length === null) fail('has a malformed sparse map');
    map.push([Number(offset), Number(length)]);
  }
  return map;
}

/** Decimal numbers separated by commas in `bytes` (none for no bytes), or a failure. */
function decimals(bytes, fail) {
  if (bytes.length === 0) return [];
  const parts = ascii.decode(bytes).split(',');
  if (!parts.every((p) => /^\d+$/.test(p))) fail('has a malformed sparse map');
  return parts.map(Number);
}

/** The one decimal number in `bytes`, or a failure. */
function decimal(bytes, fail) {
  const numbers = decimals(bytes, fail);
  if (numbers.length !== 1) fail('has a malformed sparse map');
  return numbers[0];
}

/** Pairs of a flat list of numbers. */
const pairs = (list) => Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]]);

/**
 * A GNU sparse file of `size` bytes as { size, segments }, its segments ({ offset, data })
 * from its `map` ([offset, length] in the file) and `stored` (the segments' bytes one
 * after another), once checked: lengths add up to what is stored, segments ascend
 * without overlapping and end by `size`.
 */
function sparseFile(map, stored, size, fail) {
  if (!Number.isSafeInteger(size) || size < 0) fail('has a bad sparse file size');
  const segments = [];
  let end = 0;
  let at = 0;
  for (const [offset, length] of map) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < end || offset + length > size) fail('has a malformed sparse map');
    if (at + length > stored.length) fail("has a sparse map that wants more data than it stores");
    if (length > 0) segments.push({ offset, data: stored.subarray(at, at + length) });
    at += length;
    end = offset + length;
  }
  if (at !== stored.length) fail("has a sparse map that wants less data than it stores");
  return { size, segments };
}

/** UTF-8 text of `bytes`, or a failure naming `what`. */
function text(bytes, what, fail) {
  if (bytes.includes(0)) fail(`${what} contains a NUL character`);
  try {
    return utf8.decode(bytes);
  } catch {
    return fail(`${what} is not valid UTF-8`);
  }
}

/**
 * Reads a whole archive and checks every entry before anything is made of it: names are
 * relative, without `..` or NUL, each entry fits with the ones before it in `capacity`
 * bytes, no entry lies below a file or symlink of the archive, and hard links name an
 * earlier file. Throws a TypeError naming the first harmful entry. Returns { entries,
 * skipped }: entries as `packTar` takes them ({ path, kind, data, mtime: { secs, nanos },
 * target }, a sparse file with `size`, `segments` and `read` for `data`; paths
 * normalised, '' for the root), in archive order; skipped as { path, type } (devices,
 * FIFOs, types it does not know).
 */
export function readTar(bytes, where = 'readTar(bytes)', capacity = Infinity) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  check(bytes instanceof Uint8Array, `${where} must be a Uint8Array or ArrayBuffer`);
  const entries = [];
  const skipped = [];
  /** What each path of the archive is so far: a kind, or the file entry a link shares. */
  const nodes = new Map();
  let globals = new Map();
  let local = new Map();
  let longName = null;
  let longLink = null;
  let total = 0;
  let index = 0;
  let at = 0;
  let name = '';
  /** The entry being read, as messages name it: its number (from 1) and name. */
  const label = () => `${where}: tar entry ${index + 1}${name ? ` ${JSON.stringify(name)}` : ''}`;
  const fail = (reason) => {
    throw new TypeError(`${label()} ${reason}`);
  };
  while (at + BLOCK <= bytes.length) {
    const block = bytes.subarray(at, at + BLOCK);
    if (block.every((b) => b === 0)) break;
    name = '';
    let sum = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
      const b = i >= 148 && i < 156 ? 0x20 : block[i];
      sum += b;
      signed += b > 127 ? b - 256 : b;
    }
    const stored = number(block, 148, 8);
    if (stored === null || (Number(stored) !== sum && Number(stored) !== signed)) fail(`has a bad header checksum (not a tar archive, or a damaged one)`);
    const type = String.fromCharCode(block[156] || 0x30);
    // A pax size is the next entry's, never that of a header's own data.
    const paxSize = 'xgLK'.includes(type) ? undefined : (local.get('size') ?? globals.get('size'));
    const size = Number(paxSize !== undefined && /^\d+$/.test(ascii.decode(paxSize)) ? BigInt(ascii.decode(paxSize)) : number(block, 124, 12) ?? -1);
    if (!Number.isSafeInteger(size) || size < 0) fail('has a bad size');
    let dataAt = at + BLOCK;
    // An old GNU sparse file: its map, continued in extension blocks before its data.
    let gnuMap = null;
    if (type === 'S') {
      gnuMap = gnuSparseMap(block, 386, 4, fail);
      for (let extended = block[482]; extended; dataAt += BLOCK) {
        if (dataAt + BLOCK > bytes.length) fail('is cut short: the archive ends inside its sparse map');
        const ext = bytes.subarray(dataAt, dataAt + BLOCK);
        gnuMap.push(...gnuSparseMap(ext, 0, 21, fail));
        extended = ext[504];
      }
    }
    const cutShort = dataAt + size > bytes.length;
    const data = bytes.subarray(dataAt, dataAt + size);
    at = dataAt + pad(size);
    if ('xgLK'.includes(type) && cutShort) fail('is cut short: the archive ends inside its extended header');
    if (type === 'x' || type === 'g') {
      const records = paxRecords(data, fail);
      if (type === 'g') globals = new Map([...globals, ...records]);
      else local = records;
      continue;
    }
    if (type === 'L' || type === 'K') {
      let end = data.length;
      while (end > 0 && data[end - 1] === 0) end--;
      if (type === 'L') longName = data.subarray(0, end);
      else longLink = data.subarray(0, end);
      continue;
    }
    // The entry itself: pax records, then GNU long names, then the header's fields.
    const pax = (key) => local.get(key) ?? globals.get(key);
    const ustar = ascii.decode(block.subarray(257, 263)) === 'ustar\0';
    let rawName = pax('GNU.sparse.name') ?? pax('path') ?? longName ?? field(block, 0, 100);
    if (pax('GNU.sparse.name') === undefined && pax('path') === undefined && longName === null && ustar && block[345] !== 0) {
      rawName = new Uint8Array([...field(block, 345, 155), 0x2f, ...rawName]);
    }
    name = text(rawName, 'its name', fail);
    if (cutShort) fail(`is cut short: the archive ends before its ${size} bytes`);
    const rawLink = pax('linkpath') ?? longLink ?? field(block, 157, 100);
    const mtimeText = pax('mtime');
    const mtime = mtimeText !== undefined ? timeOf(ascii.decode(mtimeText)) : { secs: number(block, 136, 12), nanos: 0 };
    if (mtime === null || mtime.secs === null) fail('has a malformed mtime');
    // A sparse file: its size, and its segments (what is not a hole) as { offset, data }.
    let sparse = null;
    let unreadable = null;
    const sizeOf = (key) => (pax(key) === undefined ? -1 : decimal(pax(key), fail));
    if (gnuMap !== null) {
      sparse = sparseFile(gnuMap, data, Number(number(block, 483, 12) ?? -1), fail);
    } else if (pax('GNU.sparse.major') !== undefined) {
      // Format 1.0: the map leads the data, as decimal lines padded to a block.
      if (ascii.decode(pax('GNU.sparse.major')) !== '1' || ascii.decode(pax('GNU.sparse.minor') ?? new Uint8Array(0)) !== '0') {
        unreadable = 'GNU sparse file of an unknown format';
      } else {
        let end = 0;
        const line = () => {
          const nl = data.indexOf(0x0a, end);
          if (nl < 0) fail('has a malformed sparse map');
          const value = decimal(data.subarray(end, nl), fail);
          end = nl + 1;
          return value;
        };
        const count = line();
        if (!Number.isSafeInteger(count) || count > data.length) fail('has a malformed sparse map');
        const map = Array.from({ length: count }, () => [line(), line()]);
        sparse = sparseFile(map, data.subarray(Math.min(pad(end), data.length)), sizeOf('GNU.sparse.realsize'), fail);
      }
    } else if (pax('GNU.sparse.map') !== undefined) {
      // Format 0.1: the map in one record.
      const list = decimals(pax('GNU.sparse.map'), fail);
      if (list.length % 2 !== 0) fail('has a malformed sparse map');
      sparse = sparseFile(pairs(list), data, sizeOf('GNU.sparse.size'), fail);
    } else if (pax(SPARSE_00) !== undefined) {
      // Format 0.0: an offset and a length record per segment, in turn.
      const list = pax(SPARSE_00).map((v) => decimal(v, fail));
      if (list.length % 2 !== 0) fail('has a malformed sparse map');
      sparse = sparseFile(pairs(list), data, sizeOf('GNU.sparse.size'), fail);
    } else if ([...local.keys(), ...globals.keys()].some((k) => k.startsWith('GNU.sparse.'))) {
      unreadable = 'GNU sparse file of an unknown format';
    }
    local = new Map();
    longName = null;
    longLink = null;
    let kind = sparse !== null ? 'file' : KINDS[type];
    if (kind === 'file' && name.endsWith('/') && sparse === null) kind = 'directory';
    if (kind === undefined || unreadable !== null) {
      skipped.push({ path: name, type: unreadable ?? SKIPPED[type] ?? `unknown type ${JSON.stringify(type)}` });
      index++;
      continue;
    }
    // The name: relative, no '..', no NUL (above), each name at most 255 bytes.
    if (name.startsWith('/')) fail('has an absolute path');
    const path = name.split('/').filter((p) => p !== '' && p !== '.').join('/');
    if (path === '') {
      if (kind !== 'directory') fail('names the mount itself but is not a directory');
    } else {
      checkPath(`${label()}: the path`, name);
    }
    const parts = path === '' ? [] : path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const up = parts.slice(0, i).join('/');
      const node = nodes.get(up);
      if (node !== undefined && node !== 'directory') fail(`lies below ${JSON.stringify(up)}, which the archive made a ${node === 'symlink' ? 'symlink' : 'file'}`);
    }
    const entry = sparse === null ? { path, kind, data: kind === 'file' ? data : new Uint8Array(0), mtime, target: '' } : sparseEntry(path, sparse, mtime);
    const before = nodes.get(path);
    if (before !== undefined && (before === 'directory') !== (kind === 'directory')) fail(`replaces a ${before === 'directory' ? 'directory' : 'file'} of the archive with a ${kind}`);
    if (kind === 'symlink') entry.target = text(rawLink, 'its link target', fail);
    if (kind === 'link') {
      const target = text(rawLink, 'its link target', fail);
      if (target.startsWith('/')) fail('links to an absolute path');
      checkPath(`${label()}: the link target`, target);
      const source = nodes.get(target.split('/').filter((p) => p !== '' && p !== '.').join('/'));
      if (typeof source !== 'object') fail(`links to ${JSON.stringify(target)}, which is not a file earlier in the archive`);
      entry.target = source.path;
      entry.source = source;
    }
    if (kind === 'file') {
      total += size;
      if (total > capacity) fail(`does not fit: the archive's files take ${total} bytes by here, and the mount holds at most ${capacity}`);
    }
    nodes.set(path, kind === 'file' ? entry : kind === 'link' ? entry.source : kind);
    entries.push(entry);
    index++;
  }
  name = '';
  if (at < bytes.length && at + BLOCK > bytes.length && !bytes.subarray(at).every((b) => b === 0)) fail('is cut short: the archive ends inside its header');
  return { entries, skipped };
}

/** The entry of a sparse file of `size` bytes whose `segments` are all that is not a
 * hole: `read` lays it out for `packTar`, which writes it whole. */
function sparseEntry(path, { size, segments }, mtime) {
  const read = (into, at) => {
    for (const s of segments) into.set(s.data, at + s.offset);
  };
  return { path, kind: 'file', size, segments, read, mtime, target: '' };
}

/** Writes file entry `e` (whole, or a sparse file's segments and then its size) at
 * `path` through `fs`, calling `done` with each code. */
function writeFileEntry(fs, path, e, done) {
  done(fs.make(path, MAKE_FILE));
  if (e.segments === undefined) return done(fs.write(path, e.data));
  for (const s of e.segments) done(fs.write(path, s.data, s.offset));
  done(fs.setSize(path, e.size));
}

/**
 * Makes the entries of `readTar` in a mount through `fs` (see WASI#tree). Directories get
 * their mtimes last, deepest first, since making what they hold changes them. A backend
 * without hard links (littlefs) gets a copy of the linked file instead. Throws a TypeError
 * naming the entry a call failed at (a name the mount already holds as another kind, or a
 * mount too full for what the capacity check could see).
 */
export function writeEntries(fs, { entries }, where) {
  const dirs = [];
  for (const e of entries) {
    const done = (code, what = '') => {
      if (code !== 0) fs.fail(code, `${where}: tar entry ${JSON.stringify(e.path || '.')}${what}`);
    };
    switch (e.kind) {
      case 'directory':
        if (e.path !== '') done(fs.make(e.path, MAKE_DIRECTORY));
        dirs.push(e);
        continue;
      case 'symlink':
        done(fs.make(e.path, MAKE_SYMLINK, e.target));
        break;
      case 'link': {
        const code = fs.link(e.path, e.target);
        if (code !== ERRNO_NAMES.indexOf('ENOTSUP')) {
          done(code);
          continue;
        }
        // No hard links here: a copy of the file, with its time.
        writeFileEntry(fs, e.path, e.source, done);
        done(fs.setMtime(e.path, e.source.mtime), ' (its mtime)');
        continue;
      }
      default:
        writeFileEntry(fs, e.path, e, done);
    }
    done(fs.setMtime(e.path, e.mtime), ' (its mtime)');
  }
  dirs.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  for (const d of dirs) {
    const code = fs.setMtime(d.path, d.mtime);
    if (code !== 0) fs.fail(code, `${where}: tar entry ${JSON.stringify(d.path || '.')} (its mtime)`);
  }
}

/** The nodes below the mount's root as entries for `packTar`, parents first, names
 * sorted (by their bytes); a file's later names are links to its first, and file data is
 * read only when the archive is filled. */
function mountEntries(fs) {
  const out = [];
  const firstName = new Map();
  const visit = (dir) => {
    const here = [];
    for (let cookie = 0n; ; ) {
      const list = fs.list(dir, cookie);
      if (list.length === 0) break;
      const view = new DataView(list.buffer, list.byteOffset, list.byteLength);
      for (let at = 0; at < list.length; ) {
        cookie = view.getBigUint64(at, true);
        const nameLen = view.getUint16(at + 41, true);
        const name = list.slice(at + RECORD_HEAD, at + RECORD_HEAD + nameLen);
        const ns = view.getBigUint64(at + 32, true);
        here.push({
          path: dir.length === 0 ? name : concatBytes([dir, SLASH, name]),
          key: ascii.decode(name),
          kind: FILETYPES[list[at + 40]],
          ino: view.getBigUint64(at + 8, true),
          nlink: view.getBigUint64(at + 16, true),
          size: Number(view.getBigUint64(at + 24, true)),
          mtime: { secs: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) },
        });
        at += RECORD_HEAD + nameLen;
      }
    }
    here.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const node of here) {
      if (node.kind === undefined) continue;
      const { path, kind, mtime } = node;
      if (kind === 'symlink') out.push({ path, kind, mtime, target: fs.readlink(path) });
      else if (kind !== 'file') out.push({ path, kind, mtime });
      else if (node.nlink > 1n && firstName.has(node.ino)) out.push({ path, kind: 'link', mtime, target: firstName.get(node.ino) });
      else {
        if (node.nlink > 1n) firstName.set(node.ino, path);
        out.push({ path, kind, mtime, size: node.size, read: (into, at) => fs.read(path, into, at, node.size) });
      }
      if (kind === 'directory') visit(path);
    }
  };
  visit(new Uint8Array(0));
  return out;
}

/** A pax archive of the mount `fs` reaches (see `packTar`). */
export function writeTar(fs) {
  return packTar(mountEntries(fs));
}

/** Octal text of `n` in a field of `len` bytes (NUL-terminated), or null if it does not fit. */
function octal(n, len) {
  const s = n.toString(8);
  return s.length < len ? s.padStart(len - 1, '0') : null;
}

/** One pax record, `LEN key=value\n`, LEN counting itself. */
function paxRecord(key, value) {
  const body = concatBytes([encoder.encode(` ${key}=`), value, encoder.encode('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return concatBytes([encoder.encode(String(len)), body]);
}

function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const isPlain = (bytes, max) => bytes.length <= max && bytes.every((b) => b > 0 && b < 0x80);

/** A ustar header block for `e` ({ name, type, size, secs, linkname }, names as bytes). */
function header(e) {
  const block = new Uint8Array(BLOCK);
  const put = (at, bytes) => block.set(bytes.subarray(0, Math.min(bytes.length, BLOCK - at)), at);
  put(0, e.name.subarray(0, 100));
  put(100, encoder.encode(e.type === '5' ? '0000755' : e.type === '2' ? '0000777' : '0000644'));
  put(108, encoder.encode('0000000'));
  put(116, encoder.encode('0000000'));
  put(124, encoder.encode(octal(e.size, 12) ?? '00000000000'));
  put(136, encoder.encode(octal(e.secs, 12) ?? '77777777777'));
  block[156] = e.type.charCodeAt(0);
  put(157, e.linkname.subarray(0, 100));
  put(257, encoder.encode('ustar\x0000'));
  put(329, encoder.encode('0000000'));
  put(337, encoder.encode('0000000'));
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  put(148, encoder.encode(sum.toString(8).padStart(6, '0') + '\0 '));
  return block;
}

/**
 * A pax archive of `entries`, in their order: { path, kind ('file', 'directory',
 * 'symlink' or 'link', a hard link to an earlier file), mtime: { secs, nanos }, target
 * (a link's), and for a file its `data`, or its `size` and `read(into, at)` }. Paths and
 * targets are strings or UTF-8 bytes. Names and targets that are long or not ASCII, sizes
 * past ustar's 8 GiB and times finer than a second go in pax records, as GNU tar and
 * node-tar read them. The archive is allocated once, and file data read straight into it.
 */
export function packTar(entries) {
  const parts = [];
  let total = 2 * BLOCK;
  for (const e of entries) {
    const type = { file: '0', link: '1', symlink: '2', directory: '5' }[e.kind];
    check(type !== undefined, `packTar: an entry's kind must be 'file', 'directory', 'symlink' or 'link'`);
    const path = bytesOf(e.path);
    const name = e.kind === 'directory' && path.at(-1) !== 0x2f ? concatBytes([path, SLASH]) : path;
    const linkname = e.kind === 'link' || e.kind === 'symlink' ? bytesOf(e.target) : new Uint8Array(0);
    const size = e.kind !== 'file' ? 0 : (e.data?.length ?? e.size);
    const secs = BigInt(e.mtime?.secs ?? 0);
    const nanos = e.mtime?.nanos ?? 0;
    const records = [];
    if (!isPlain(name, 100)) records.push(paxRecord('path', name));
    if (!isPlain(linkname, 100)) records.push(paxRecord('linkpath', linkname));
    if (octal(size, 12) === null) records.push(paxRecord('size', encoder.encode(String(size))));
    if (nanos !== 0 || secs < 0n || octal(secs, 12) === null) {
      records.push(paxRecord('mtime', encoder.encode(`${secs}${nanos === 0 ? '' : '.' + String(nanos).padStart(9, '0').replace(/0+$/, '')}`)));
    }
    if (records.length > 0) {
      const pax = concatBytes(records);
      parts.push({ block: header({ name: encoder.encode(`PaxHeaders/${parts.length}`), type: 'x', size: pax.length, secs: 0n, linkname: new Uint8Array(0) }), data: pax, size: pax.length });
      total += BLOCK + pad(pax.length);
    }
    parts.push({ block: header({ name, type, size, secs: secs < 0n ? 0n : secs, linkname }), data: e.data, read: e.read, size });
    total += BLOCK + pad(size);
  }
  check(total <= Number.MAX_SAFE_INTEGER, 'packTar: the archive would be too large');
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p.block, at);
    at += BLOCK;
    if (p.data !== undefined) out.set(p.data, at);
    else if (p.read !== undefined) p.read(out, at);
    at += pad(p.size);
  }
  return out;
}
