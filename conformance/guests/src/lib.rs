//! Helpers shared by the conformance guests. Each guest in `src/bin` checks one concern of
//! a preview1 host from the inside and exits 0 when every check passes; a failed check
//! panics, which prints what failed (file, line, call, errno got and expected) to stderr
//! and traps.
//!
//! Conventions the runners follow (see EXPECTATIONS.md): fd 3 is a writable, empty
//! directory preopened as `/sandbox`; args are `[guest name]`; the environment holds
//! `CONFORMANCE=1` and `GUEST_ENV_A=alpha` (plus `WASI_BACKEND=littlefs` on that backend);
//! stdin is `hello stdin\n` then end of file.
//!
//! Where wasmtime's answer is one errno the guests expect exactly that one; where
//! wasmtime's own test programs accept several, the guests accept the same set.

/// Whether the runner says the sandbox's backend has no hard links and no files of 2 GiB
/// or more (`WASI_BACKEND=littlefs`): those checks then expect `ENOTSUP` and `EFBIG`.
pub fn small_backend() -> bool {
    std::env::var("WASI_BACKEND").is_ok_and(|b| b == "littlefs")
}

/// The preopened sandbox directory.
pub const SANDBOX: wasi::Fd = 3;

/// Every right preview1 defines (bits 0 to 29).
pub const ALL_RIGHTS: wasi::Rights = (1 << 30) - 1;

/// The base rights wasmtime reports for a preopened directory
/// (crates/wasi/src/preview1.rs, `fd_fdstat_get`).
pub const PREOPEN_BASE: wasi::Rights = wasi::RIGHTS_PATH_CREATE_DIRECTORY
    | wasi::RIGHTS_PATH_CREATE_FILE
    | wasi::RIGHTS_PATH_LINK_SOURCE
    | wasi::RIGHTS_PATH_LINK_TARGET
    | wasi::RIGHTS_PATH_OPEN
    | wasi::RIGHTS_FD_READDIR
    | wasi::RIGHTS_PATH_READLINK
    | wasi::RIGHTS_PATH_RENAME_SOURCE
    | wasi::RIGHTS_PATH_RENAME_TARGET
    | wasi::RIGHTS_PATH_SYMLINK
    | wasi::RIGHTS_PATH_REMOVE_DIRECTORY
    | wasi::RIGHTS_PATH_UNLINK_FILE
    | wasi::RIGHTS_PATH_FILESTAT_GET
    | wasi::RIGHTS_PATH_FILESTAT_SET_TIMES
    | wasi::RIGHTS_FD_FILESTAT_GET
    | wasi::RIGHTS_FD_FILESTAT_SET_TIMES;

/// The inheriting rights wasmtime reports for a preopened directory.
pub const PREOPEN_INHERITING: wasi::Rights = PREOPEN_BASE
    | wasi::RIGHTS_FD_DATASYNC
    | wasi::RIGHTS_FD_READ
    | wasi::RIGHTS_FD_SEEK
    | wasi::RIGHTS_FD_FDSTAT_SET_FLAGS
    | wasi::RIGHTS_FD_SYNC
    | wasi::RIGHTS_FD_TELL
    | wasi::RIGHTS_FD_WRITE
    | wasi::RIGHTS_FD_ADVISE
    | wasi::RIGHTS_FD_ALLOCATE
    | wasi::RIGHTS_FD_FILESTAT_GET
    | wasi::RIGHTS_FD_FILESTAT_SET_SIZE
    | wasi::RIGHTS_FD_FILESTAT_SET_TIMES
    | wasi::RIGHTS_POLL_FD_READWRITE;

/// What wasmtime reports (base and inheriting alike) for a file opened for reading and
/// writing: every right. Opened read-only it lacks `FD_WRITE`; write-only it lacks
/// `FD_READ` and `FD_READDIR`.
pub const FILE_RW_RIGHTS: wasi::Rights = ALL_RIGHTS;
/// A file opened read-only (see [`FILE_RW_RIGHTS`]).
pub const FILE_RO_RIGHTS: wasi::Rights = ALL_RIGHTS & !wasi::RIGHTS_FD_WRITE;
/// A file opened write-only (see [`FILE_RW_RIGHTS`]).
pub const FILE_WO_RIGHTS: wasi::Rights = ALL_RIGHTS & !(wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_READDIR);
/// What wasmtime reports for a directory opened with `path_open` (not a preopen): every
/// right but seeking, resizing (through the fd or a path) and writing.
pub const OPENED_DIR_RIGHTS: wasi::Rights = ALL_RIGHTS
    & !(wasi::RIGHTS_FD_SEEK
        | wasi::RIGHTS_FD_FILESTAT_SET_SIZE
        | wasi::RIGHTS_PATH_FILESTAT_SET_SIZE
        | wasi::RIGHTS_FD_WRITE);

/// Asserts that a WASI call failed with one of the listed errnos.
#[macro_export]
macro_rules! check_errno {
    ($call:expr, $($errno:ident)|+) => {{
        match $call {
            Ok(_) => panic!("{} succeeded; expected {}", stringify!($call), stringify!($($errno)|+)),
            Err(e) => assert!(
                [$(wasi::$errno),+].contains(&e),
                "{}: got {} ({}); expected {}",
                stringify!($call), e.name(), e.raw(), stringify!($($errno)|+)
            ),
        }
    }};
}

/// Asserts that a raw WASI import (returning the errno as an `i32`) answered one of the
/// listed errnos (`ERRNO_SUCCESS` included when listed).
#[macro_export]
macro_rules! check_raw {
    ($call:expr, $($errno:ident)|+) => {{
        let got: i32 = $call;
        assert!(
            [$(wasi::$errno.raw() as i32),+].contains(&got),
            "{}: got {} ({}); expected {}",
            stringify!($call), $crate::errno_name(got), got, stringify!($($errno)|+)
        );
    }};
}

/// The name of a raw errno, for messages.
pub fn errno_name(raw: i32) -> &'static str {
    match u16::try_from(raw) {
        // SAFETY: `Errno` is a `repr(transparent)` `u16`; `name` knows the values 0 to 76.
        Ok(n) if n <= 76 => unsafe { std::mem::transmute::<u16, wasi::Errno>(n) }.name(),
        _ => "out of range",
    }
}

/// Every right but `fd_write`: what a directory is opened with (asking to write a
/// directory is `EISDIR`).
pub const DIR_RIGHTS: wasi::Rights = ALL_RIGHTS & !wasi::RIGHTS_FD_WRITE;

/// Opens directory `name` in `dir`.
pub fn open_dir(dir: wasi::Fd, name: &str) -> Result<wasi::Fd, wasi::Errno> {
    // SAFETY: WASI call with valid string arguments.
    unsafe { wasi::path_open(dir, 0, name, wasi::OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0) }
}

/// Creates directory `name` in the sandbox and opens it.
pub fn scratch(name: &str) -> wasi::Fd {
    // SAFETY: WASI calls with valid string arguments.
    unsafe {
        wasi::path_create_directory(SANDBOX, name).expect("creating the scratch directory");
        open_dir(SANDBOX, name).expect("opening the scratch directory")
    }
}

/// Opens `name` in `dir` with read and write rights, following symlinks as libc's `open` does.
pub fn open(dir: wasi::Fd, name: &str, oflags: wasi::Oflags) -> Result<wasi::Fd, wasi::Errno> {
    // SAFETY: WASI call with valid string arguments.
    unsafe { wasi::path_open(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, name, oflags, ALL_RIGHTS, ALL_RIGHTS, 0) }
}

/// Creates (or truncates) file `name` in `dir` holding `contents`.
pub fn create_file(dir: wasi::Fd, name: &str, contents: &[u8]) {
    let fd = open(dir, name, wasi::OFLAGS_CREAT | wasi::OFLAGS_TRUNC).expect("creating a file");
    write_all(fd, contents);
    close(fd);
}

/// Closes an fd the guest owns.
pub fn close(fd: wasi::Fd) {
    // SAFETY: closing an fd; no memory is involved.
    unsafe { wasi::fd_close(fd) }.expect("fd_close");
}

/// Writes all of `data` at the fd's position. A host may write less than asked (wasmtime
/// writes only the first non-empty iovec), so this loops.
pub fn write_all(fd: wasi::Fd, mut data: &[u8]) {
    while !data.is_empty() {
        let iov = wasi::Ciovec { buf: data.as_ptr(), buf_len: data.len() };
        // SAFETY: the iovec points into `data`.
        let n = unsafe { wasi::fd_write(fd, &[iov]) }.expect("fd_write");
        assert!(n > 0 && n <= data.len(), "fd_write wrote {n} of {} bytes", data.len());
        data = &data[n..];
    }
}

/// Reads from the fd's position to the end.
pub fn read_to_end(fd: wasi::Fd) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let iov = wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: buf.len() };
        // SAFETY: the iovec points into `buf`.
        let n = unsafe { wasi::fd_read(fd, &[iov]) }.expect("fd_read");
        if n == 0 {
            return out;
        }
        assert!(n <= buf.len());
        out.extend_from_slice(&buf[..n]);
    }
}

/// Reads up to `len` bytes at `offset` with one `fd_pread`.
pub fn pread(fd: wasi::Fd, len: usize, offset: u64) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    // SAFETY: the iovec points into `buf`.
    let n = unsafe { wasi::fd_pread(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: len }], offset) }
        .expect("fd_pread");
    assert!(n <= len);
    buf.truncate(n);
    buf
}

/// Reads the whole file `name` in `dir`.
pub fn read_file(dir: wasi::Fd, name: &str) -> Vec<u8> {
    let fd = open(dir, name, 0).expect("opening a file to read");
    let data = read_to_end(fd);
    close(fd);
    data
}

/// `path_filestat_get` without following a last symlink.
pub fn lstat(dir: wasi::Fd, path: &str) -> wasi::Filestat {
    // SAFETY: WASI call with a valid path.
    unsafe { wasi::path_filestat_get(dir, 0, path) }
        .unwrap_or_else(|e| panic!("path_filestat_get({path}): {}", e.name()))
}

/// One `fd_readdir` call into a fresh buffer of `len` bytes; returns the bytes the host used.
pub fn readdir_raw(dir: wasi::Fd, len: usize, cookie: u64) -> Vec<u8> {
    let mut buf = vec![0xAAu8; len];
    // SAFETY: the buffer is `len` bytes long.
    let used = unsafe { wasi::fd_readdir(dir, buf.as_mut_ptr(), len, cookie) }.expect("fd_readdir");
    assert!(used <= len, "fd_readdir used {used} of {len} bytes");
    buf.truncate(used);
    buf
}

/// A decoded directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `d_name`.
    pub name: String,
    /// `d_type`.
    pub ty: wasi::Filetype,
    /// `d_next`: the cookie that resumes after this entry.
    pub next: u64,
    /// `d_ino`.
    pub ino: u64,
}

/// Decodes the whole entries of an `fd_readdir` buffer (a cut last entry is left out).
pub fn parse_dirents(buf: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 24 <= buf.len() {
        let next = u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
        let ino = u64::from_le_bytes(buf[at + 8..at + 16].try_into().unwrap());
        let namlen = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        let ty = buf[at + 20];
        assert!(ty <= 7, "d_type {ty} is no filetype");
        if at + 24 + namlen > buf.len() {
            break;
        }
        let name = String::from_utf8(buf[at + 24..at + 24 + namlen].to_vec()).expect("utf-8 name");
        out.push(Entry { name, ty: filetype(ty), next, ino });
        at += 24 + namlen;
    }
    out
}

/// Lists a directory with `fd_readdir`, following cookies, as (name, type, d_next).
pub fn list(dir: wasi::Fd, buf_len: usize) -> Vec<(String, wasi::Filetype, u64)> {
    let mut entries = Vec::new();
    let mut cookie = 0;
    loop {
        let buf = readdir_raw(dir, buf_len, cookie);
        let got = parse_dirents(&buf);
        let full = buf.len() == buf_len;
        for e in &got {
            entries.push((e.name.clone(), e.ty, e.next));
            cookie = e.next;
        }
        if !full {
            return entries;
        }
        assert!(!got.is_empty(), "a {buf_len}-byte buffer holds no whole entry");
    }
}

/// The `Filetype` for a raw tag.
pub fn filetype(raw: u8) -> wasi::Filetype {
    [
        wasi::FILETYPE_UNKNOWN,
        wasi::FILETYPE_BLOCK_DEVICE,
        wasi::FILETYPE_CHARACTER_DEVICE,
        wasi::FILETYPE_DIRECTORY,
        wasi::FILETYPE_REGULAR_FILE,
        wasi::FILETYPE_SOCKET_DGRAM,
        wasi::FILETYPE_SOCKET_STREAM,
        wasi::FILETYPE_SYMBOLIC_LINK,
    ][raw as usize]
}

/// The monotonic clock, in nanoseconds.
pub fn monotonic() -> u64 {
    // SAFETY: WASI call without pointers.
    unsafe { wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1) }.expect("clock_time_get")
}

/// Nanoseconds since 2020-09-13, a floor for any real clock reading here.
pub const AFTER_2020: u64 = 1_600_000_000_000_000_000;
