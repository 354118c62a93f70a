// A mount's tree kept in a Durable Object's SQLite storage, file by file, each file in
// chunks of 16 KiB: committing a run compares its tree with the last one and writes only
// the entries and chunks that changed, in one transaction. The object keeps the last
// committed tree in memory as a tar archive, so a request restores from memory; after a
// restart the first request rebuilds it from storage.
import { packTar, readTar } from 'wasi-workers';

/** Bytes per stored chunk: a small change (an SQLite page, say) rewrites one or two. */
export const CHUNK = 16 * 1024;

const NONE = new Uint8Array(0);

/** Whether two byte ranges hold the same bytes (a word at a time where both allow it). */
function same(a, b) {
  if (a.length !== b.length) return false;
  const words = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.length >>> 2 : 0;
  const wa = new Uint32Array(a.buffer, a.byteOffset, words);
  const wb = new Uint32Array(b.buffer, b.byteOffset, words);
  for (let i = 0; i < words; i++) if (wa[i] !== wb[i]) return false;
  for (let i = words * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The stored form of an entry's attributes. */
const attributes = (e) => [e.kind, Number(e.mtime.secs), e.mtime.nanos, e.target, e.kind === 'file' ? e.data.length : 0];

export class TreeStore {
  #storage;
  #sql;
  /** The committed tree: a tar archive, and its entries by path (their data lies in it). */
  #tar = null;
  #entries = null;

  /** @param {DurableObjectStorage} storage a SQLite-backed object's storage */
  constructor(storage) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS tree_entries (
        path TEXT PRIMARY KEY, kind TEXT NOT NULL, secs INTEGER NOT NULL, nanos INTEGER NOT NULL,
        target TEXT NOT NULL, size INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tree_chunks (
        path TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (path, n)) WITHOUT ROWID;`);
  }

  /** The committed tree as a tar archive, for `mounts: [{ path, tar }]`. */
  tar() {
    if (this.#tar === null) this.#load();
    return this.#tar;
  }

  /** Reads the tree from storage: files first, then hard links (which name a file). */
  #load() {
    const entries = [];
    const files = new Map();
    for (const row of this.#sql.exec('SELECT path, kind, secs, nanos, target, size FROM tree_entries ORDER BY kind = \'link\', path')) {
      const e = { path: row.path, kind: row.kind, mtime: { secs: BigInt(row.secs), nanos: row.nanos }, target: row.target, data: NONE };
      if (e.kind === 'file') {
        e.data = new Uint8Array(row.size);
        files.set(e.path, e);
      }
      entries.push(e);
    }
    for (const row of this.#sql.exec('SELECT path, n, data FROM tree_chunks')) {
      files.get(row.path)?.data.set(new Uint8Array(row.data), row.n * CHUNK);
    }
    this.#tar = packTar(entries);
    this.#entries = new Map(entries.map((e) => [e.path, e]));
  }

  /**
   * Makes `tar` (a mount's `exportTar()`) the committed tree: writes what differs from
   * the last one in one transaction, so storage holds the old tree or the new one, never
   * a mix. Returns what it wrote: { entries, chunks, bytes } (bytes: chunk data and
   * entry rows' text).
   */
  commit(tar) {
    if (this.#tar === null) this.#load();
    const next = new Map(readTar(tar).entries.map((e) => [e.path, e]));
    const written = { entries: 0, chunks: 0, bytes: 0 };
    this.#storage.transactionSync(() => {
      for (const path of this.#entries.keys()) {
        if (next.has(path)) continue;
        this.#sql.exec('DELETE FROM tree_entries WHERE path = ?', path);
        this.#sql.exec('DELETE FROM tree_chunks WHERE path = ?', path);
        written.entries++;
      }
      for (const [path, e] of next) {
        const before = this.#entries.get(path);
        const row = attributes(e);
        if (before === undefined || attributes(before).some((v, i) => v !== row[i])) {
          this.#sql.exec('INSERT OR REPLACE INTO tree_entries VALUES (?, ?, ?, ?, ?, ?)', path, ...row);
          written.entries++;
          written.bytes += path.length + e.kind.length + e.target.length + 24;
        }
        const old = before?.kind === 'file' ? before.data : NONE;
        const data = e.kind === 'file' ? e.data : NONE;
        for (let at = 0; at < data.length; at += CHUNK) {
          const piece = data.subarray(at, at + CHUNK);
          if (same(piece, old.subarray(at, at + CHUNK))) continue;
          this.#sql.exec('INSERT OR REPLACE INTO tree_chunks VALUES (?, ?, ?)', path, at / CHUNK, piece.slice().buffer);
          written.chunks++;
          written.bytes += piece.length;
        }
        if (old.length > data.length) {
          this.#sql.exec('DELETE FROM tree_chunks WHERE path = ? AND n >= ?', path, Math.ceil(data.length / CHUNK));
        }
      }
    });
    this.#tar = tar;
    this.#entries = next;
    return written;
  }
}
