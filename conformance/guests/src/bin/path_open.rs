//! `path_open`: flags, errors, trailing slashes, `.`/`..`, escapes, bad path bytes.

use conformance_guests::{check_errno, create_file, open, open_dir, scratch, ALL_RIGHTS};
use wasi::wasi_snapshot_preview1 as raw;

fn raw_open(dir: wasi::Fd, path: &[u8]) -> i32 {
    let mut fd = 0u32;
    // SAFETY: `path` and `fd` outlive the call.
    unsafe {
        raw::path_open(
            dir as i32,
            0,
            path.as_ptr() as i32,
            path.len() as i32,
            0,
            ALL_RIGHTS as i64,
            ALL_RIGHTS as i64,
            0,
            &mut fd as *mut u32 as i32,
        )
    }
}

fn main() {
    let dir = scratch("path_open");
    // SAFETY: WASI calls with valid arguments, raw calls with deliberately bad ones.
    unsafe {
        wasi::path_create_directory(dir, "sub").unwrap();
        create_file(dir, "sub/file", b"data");

        // Missing files, CREAT, EXCL.
        check_errno!(open(dir, "missing", 0), ERRNO_NOENT);
        check_errno!(open(dir, "missing/file", wasi::OFLAGS_CREAT), ERRNO_NOENT);
        let fd = open(dir, "new", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL).unwrap();
        wasi::fd_close(fd).unwrap();
        check_errno!(open(dir, "new", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL), ERRNO_EXIST);
        let fd = open(dir, "new", wasi::OFLAGS_CREAT).unwrap();
        wasi::fd_close(fd).unwrap();

        // DIRECTORY: only directories; not with CREAT/EXCL/TRUNC.
        check_errno!(open(dir, "new", wasi::OFLAGS_DIRECTORY), ERRNO_NOTDIR);
        let sub = open_dir(dir, "sub").unwrap();
        assert_eq!(wasi::fd_fdstat_get(sub).unwrap().fs_filetype, wasi::FILETYPE_DIRECTORY);
        check_errno!(open(dir, "sub2", wasi::OFLAGS_DIRECTORY | wasi::OFLAGS_CREAT), ERRNO_INVAL);
        // A directory opened for writing is EISDIR.
        check_errno!(wasi::path_open(dir, 0, "sub", 0, wasi::RIGHTS_FD_WRITE, 0, 0), ERRNO_ISDIR);
        // A path relative to an opened subdirectory.
        assert_eq!(conformance_guests::read_file(sub, "file"), b"data");

        // A file in the middle of a path is ENOTDIR; a trailing slash on a file too.
        check_errno!(open(dir, "new/x", 0), ERRNO_NOTDIR);
        check_errno!(open(dir, "sub/file/", 0), ERRNO_NOTDIR);
        check_errno!(open(dir, "sub/file//", 0), ERRNO_NOTDIR);
        check_errno!(open(dir, "fresh/", wasi::OFLAGS_CREAT), ERRNO_ISDIR | ERRNO_NOENT);
        // A trailing slash on a directory is fine.
        wasi::fd_close(open_dir(dir, "sub/").unwrap()).unwrap();

        // `.` and `..` inside the sandbox.
        wasi::fd_close(open_dir(dir, ".").unwrap()).unwrap();
        assert_eq!(conformance_guests::read_file(dir, "sub/./../sub//file"), b"data");

        // Leaving the sandbox: absolute paths and `..` above the directory fd are EPERM,
        // and so is `..` above an opened subdirectory, which is its own sandbox.
        check_errno!(open(dir, "/sandbox/path_open/new", 0), ERRNO_PERM | ERRNO_NOTCAPABLE);
        check_errno!(open_dir(dir, ".."), ERRNO_PERM | ERRNO_NOTCAPABLE);
        check_errno!(open(dir, "sub/../../path_open/new", 0), ERRNO_PERM | ERRNO_NOTCAPABLE);
        check_errno!(open(sub, "../../x", 0), ERRNO_PERM | ERRNO_NOTCAPABLE);

        // Empty, NUL, invalid UTF-8 and over-long paths.
        check_errno!(open(dir, "", 0), ERRNO_NOENT);
        let inval = wasi::ERRNO_INVAL.raw() as i32;
        let ilseq = wasi::ERRNO_ILSEQ.raw() as i32;
        let r = raw_open(dir, b"new\0");
        assert!(r == inval || r == ilseq, "NUL in path: {r}");
        assert_eq!(raw_open(dir, b"\xff\xfe"), ilseq, "invalid UTF-8");
        let long = "a".repeat(256);
        check_errno!(open(dir, &long, wasi::OFLAGS_CREAT), ERRNO_NAMETOOLONG);

        // Rights asked for at open do not limit what a directory fd can do (wasmtime ignores
        // them): a directory opened with no rights still creates, lists and removes.
        let bare = wasi::path_open(dir, 0, ".", wasi::OFLAGS_DIRECTORY, 0, 0, 0).unwrap();
        let f = wasi::path_open(bare, 0, "made-with-no-rights", wasi::OFLAGS_CREAT, 0, 0, 0).unwrap();
        wasi::fd_close(f).unwrap();
        assert!(conformance_guests::list(bare, 256).iter().any(|e| e.0 == "made-with-no-rights"));
        wasi::path_unlink_file(bare, "made-with-no-rights").unwrap();
        // The same directory asked for read and write is EISDIR.
        check_errno!(
            wasi::path_open(dir, 0, ".", wasi::OFLAGS_DIRECTORY, wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE, 0, 0),
            ERRNO_ISDIR
        );
        wasi::fd_close(bare).unwrap();

        // A file fd is not a directory.
        let f = open(dir, "new", 0).unwrap();
        check_errno!(open(f, "x", 0), ERRNO_NOTDIR);
        wasi::fd_close(f).unwrap();
        wasi::fd_close(sub).unwrap();
    }
    println!("path_open: ok");
}
