//! Helpers shared by the conformance guests. Each guest in `src/bin` checks one concern of
//! a preview1 host from the inside and exits 0 when every check passes; a failed check
//! panics, which prints what failed to stderr and traps.
//!
//! Conventions the runners follow (see EXPECTATIONS.md): fd 3 is a writable, empty
//! directory preopened as `/sandbox`; args are `[guest name]`; the environment holds
//! `CONFORMANCE=1` and `GUEST_ENV_A=alpha` (plus `WASI_BACKEND=littlefs` on that backend);
//! stdin is `hello stdin\n`.

/// Whether the runner says the sandbox's backend has no hard links and no files of 2 GiB
/// or more (`WASI_BACKEND=littlefs`): those checks then expect `ENOTSUP` and `EFBIG`.
pub fn small_backend() -> bool {
    std::env::var("WASI_BACKEND").is_ok_and(|b| b == "littlefs")
}

/// The preopened sandbox directory.
pub const SANDBOX: wasi::Fd = 3;

/// Every right preview1 defines.
pub const ALL_RIGHTS: wasi::Rights = (1 << 30) - 1;

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
    // SAFETY: closing an fd we own.
    unsafe { wasi::fd_close(fd).expect("closing") };
}

/// Writes all of `data` at the fd's position.
pub fn write_all(fd: wasi::Fd, mut data: &[u8]) {
    while !data.is_empty() {
        let iov = wasi::Ciovec { buf: data.as_ptr(), buf_len: data.len() };
        // SAFETY: the iovec points into `data`.
        let n = unsafe { wasi::fd_write(fd, &[iov]) }.expect("fd_write");
        assert!(n > 0, "fd_write wrote nothing");
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
        out.extend_from_slice(&buf[..n]);
    }
}

/// Reads the whole file `name` in `dir`.
pub fn read_file(dir: wasi::Fd, name: &str) -> Vec<u8> {
    let fd = open(dir, name, 0).expect("opening a file to read");
    let data = read_to_end(fd);
    // SAFETY: closing an fd we own.
    unsafe { wasi::fd_close(fd).expect("closing") };
    data
}

/// Lists a directory with `fd_readdir`, following cookies, as (name, type, d_next).
pub fn list(dir: wasi::Fd, buf_len: usize) -> Vec<(String, wasi::Filetype, u64)> {
    let mut entries = Vec::new();
    let mut cookie = 0;
    let mut buf = vec![0u8; buf_len];
    loop {
        // SAFETY: the buffer is `buf_len` bytes long.
        let used = unsafe { wasi::fd_readdir(dir, buf.as_mut_ptr(), buf.len(), cookie) }.expect("fd_readdir");
        let mut at = 0;
        let mut progressed = false;
        while at + 24 <= used {
            let next = u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
            let namlen = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
            let ty = buf[at + 20];
            if at + 24 + namlen > used {
                break;
            }
            let name = String::from_utf8(buf[at + 24..at + 24 + namlen].to_vec()).expect("utf-8 name");
            entries.push((name, filetype(ty), next));
            cookie = next;
            progressed = true;
            at += 24 + namlen;
        }
        if used < buf.len() {
            return entries;
        }
        assert!(progressed, "a {buf_len}-byte buffer holds no whole entry");
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
