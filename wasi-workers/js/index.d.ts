/** Thrown (or caught by start()) when the guest calls proc_exit. */
export class ProcessExit extends Error {
  readonly code: number;
}

/** A mount's backend: fast memory, or littlefs (bounded memory, exportable image). */
export type Backend = 'memory' | 'littlefs';

/** The backends' names, in that order. */
export const BACKENDS: readonly Backend[];

export interface Mount {
  /** The guest path of the preopened directory, e.g. "/" or "/data". */
  path: string;
  /** "memory" (default) or "littlefs" (bounded memory, exportable image). */
  backend?: Backend;
  /** Bytes: a memory mount's quota (ENOSPC past it; default 64 MiB) or a littlefs disk's size (a whole number of blocks, at least 16; default 16 MiB). */
  capacity?: number;
  /** Bytes per block of a new littlefs disk (128 to 1 MiB; default 4096, or less for a capacity under 1 MiB or not a multiple of it). An image's block size is read from it. */
  blockSize?: number;
  /** A littlefs disk image to mount (from exportImage), instead of an empty disk. */
  image?: Uint8Array | ArrayBuffer;
  /** Files to seed, by path relative to the mount: contents as string or bytes. */
  files?: Record<string, string | Uint8Array | ArrayBuffer>;
  /** Refuse every change below this mount with EPERM, as wasmtime does. */
  readOnly?: boolean;
  /** A tar archive (ustar, pax, GNU) to seed the mount with: directories, files, symlinks,
   * hard links (copies on littlefs) and mtimes. Bytes are read by the constructor, a
   * stream by start() before the guest runs; a harmful entry (absolute path, `..`, NUL,
   * more than the capacity) is a TypeError naming it, and nothing is made. Devices, FIFOs
   * and unknown types are skipped: see `tarSkipped`. */
  tar?: Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;
}

export interface Options {
  args?: string[];
  env?: Record<string, string>;
  /** Guest paths of empty in-memory preopens (the @cloudflare/workers-wasi shape). */
  preopens?: string[] | Record<string, unknown>;
  /** Files seeded into the first mount (a "/" mount is made if there is none). */
  fs?: Record<string, string | Uint8Array | ArrayBuffer>;
  mounts?: Mount[];
  /** Read fully before the guest starts. */
  stdin?: ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer | string;
  /** Receives each chunk as the guest writes it; closed when the guest ends. */
  stdout?: WritableStream<Uint8Array> | ((chunk: Uint8Array) => void);
  stderr?: WritableStream<Uint8Array> | ((chunk: Uint8Array) => void);
  /** Resolve start() with the exit code (default) instead of rejecting with ProcessExit. */
  returnOnExit?: boolean;
  /** Accepted for @cloudflare/workers-wasi compatibility; output is always streamed. */
  streamStdio?: boolean;
  version?: 'preview1';
  /** Deterministic clocks for tests: now(0) realtime, now(1) monotonic, in nanoseconds. */
  clock?: { now(id: 0 | 1): number | bigint; sleep?(ns: number): void };
  /** The guest's memory, for a guest that imports it rather than exporting "memory". */
  memory?: WebAssembly.Memory;
  /** Run start() through JSPI (stdin streamed as it arrives, real sleeps, stdout
   * back-pressure): true requires it, false never; by default, where the runtime has it. */
  jspi?: boolean;
  /** Deterministic randomness for tests: fill the array. */
  random?: (bytes: Uint8Array) => void;
}

export class WASI {
  constructor(options?: Options);
  readonly version: 'preview1';
  /** Whether start() runs the guest through JSPI. */
  readonly jspi: boolean;
  /** The 46 wasi_snapshot_preview1 imports. */
  readonly wasiImport: Record<string, Function>;
  getImportObject(): { wasi_snapshot_preview1: Record<string, Function> };
  /** Runs `_start`; resolves with the exit code (0 when `_start` returns). */
  start(instance: WebAssembly.Instance): Promise<number>;
  /** For reactor modules: binds the memory and calls `_initialize` if present. */
  initialize(instance: WebAssembly.Instance): void;
  /** Reads a file back from a mount (0 = the first). */
  readFile(path: string, mount?: number): Uint8Array | undefined;
  /** The disk image of a littlefs mount (0 = the first). */
  exportImage(mount?: number): Uint8Array;
  /** A pax tar archive of a mount (0 = the first), as GNU tar and node-tar read it. */
  exportTar(mount?: number): Uint8Array;
  /** Entries of `tar` options that were skipped: devices, FIFOs, unknown types. */
  readonly tarSkipped: { mount: number; path: string; type: string }[];
  /** Drops this host's filesystems now rather than when the object is collected. The
   * object is unusable afterwards. */
  close(): void;
  /** Writes a file into a mount (0 = the first), creating directories. */
  writeFile(path: string, contents: string | Uint8Array | ArrayBuffer, mount?: number): void;
}

/** An entry of a tar archive, as `readTar` returns them and `packTar` takes them. */
export interface TarEntry {
  /** Relative to the archive's root, without a leading `./` or trailing `/` ('' for the root). */
  path: string | Uint8Array;
  /** 'link' is a hard link to the earlier file at `target`. */
  kind: 'file' | 'directory' | 'symlink' | 'link';
  /** A file's contents (absent for a sparse file: see `segments`). */
  data?: Uint8Array;
  /** A sparse file's size, holes included. */
  size?: number;
  /** What of a sparse file is not a hole, in order: the rest reads as zeros. */
  segments?: { offset: number; data: Uint8Array }[];
  /** Lays a sparse file out at `at` of `into` (zeroed), as `packTar` writes it. */
  read?(into: Uint8Array, at: number): void;
  /** Seconds and nanoseconds since the epoch. */
  mtime: { secs: bigint; nanos: number };
  /** A symlink's target, or the path a hard link shares its file with. */
  target?: string | Uint8Array;
}

/** Reads a tar archive (ustar, pax, GNU, GNU sparse files), checking every entry as `mounts[].tar` does;
 * throws a TypeError naming the first harmful one. */
export function readTar(bytes: Uint8Array | ArrayBuffer): { entries: TarEntry[]; skipped: { path: string; type: string }[] };

/** Writes entries as a pax tar archive, as `exportTar` does. */
export function packTar(entries: TarEntry[]): Uint8Array;
