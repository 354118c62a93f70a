//! `path_symlink` and `path_readlink`, and how every path call follows symlinks: loops,
//! long chains, dangling links, escapes, trailing slashes, NOFOLLOW opens.

use conformance_guests::{check_errno, create_file, open, read_file, scratch, ALL_RIGHTS};

fn readlink(dir: wasi::Fd, path: &str, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    // SAFETY: the buffer is `len` bytes long.
    let n = unsafe { wasi::path_readlink(dir, path, buf.as_mut_ptr(), len) }.unwrap();
    buf.truncate(n);
    buf
}

fn main() {
    let dir = scratch("symlinks");
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        create_file(dir, "target", b"through the link");
        wasi::path_create_directory(dir, "d").unwrap();
        wasi::path_symlink("target", dir, "link").unwrap();
        wasi::path_symlink("../target", dir, "d/up").unwrap();
        wasi::path_symlink("d", dir, "dirlink").unwrap();

        assert_eq!(readlink(dir, "link", 64), b"target");
        assert_eq!(readlink(dir, "link", 3), b"tar", "a short buffer truncates");
        check_errno!(wasi::path_readlink(dir, "target", [0u8; 8].as_mut_ptr(), 8), ERRNO_INVAL);
        check_errno!(wasi::path_readlink(dir, "missing", [0u8; 8].as_mut_ptr(), 8), ERRNO_NOENT);

        // Following: open and stat with SYMLINK_FOLLOW see the target.
        assert_eq!(read_file(dir, "link"), b"through the link");
        assert_eq!(read_file(dir, "d/up"), b"through the link");
        assert_eq!(read_file(dir, "dirlink/up"), b"through the link");
        let target = wasi::path_filestat_get(dir, 0, "target").unwrap();
        let via = wasi::path_filestat_get(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "link").unwrap();
        assert_eq!(via.ino, target.ino);
        let link = wasi::path_filestat_get(dir, 0, "link").unwrap();
        assert_eq!(link.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
        assert_eq!(link.size, 6);
        assert_ne!(link.ino, target.ino);

        // Opening a symlink without following it: ELOOP (ENOTDIR with O_DIRECTORY).
        check_errno!(wasi::path_open(dir, 0, "link", 0, ALL_RIGHTS, ALL_RIGHTS, 0), ERRNO_LOOP);
        check_errno!(
            wasi::path_open(dir, 0, "dirlink", wasi::OFLAGS_DIRECTORY, ALL_RIGHTS, ALL_RIGHTS, 0),
            ERRNO_NOTDIR | ERRNO_LOOP
        );
        // A symlink in the middle of a path is always followed; with a trailing slash too.
        wasi::fd_close(conformance_guests::open_dir(dir, "dirlink/").unwrap()).unwrap();

        // Dangling links.
        wasi::path_symlink("nowhere", dir, "dangling").unwrap();
        check_errno!(open(dir, "dangling", 0), ERRNO_NOENT);
        assert_eq!(readlink(dir, "dangling", 64), b"nowhere");
        // O_CREAT through a dangling link follows it when following is asked.
        let fd = wasi::path_open(
            dir,
            wasi::LOOKUPFLAGS_SYMLINK_FOLLOW,
            "dangling",
            wasi::OFLAGS_CREAT,
            ALL_RIGHTS,
            ALL_RIGHTS,
            0,
        );
        if let Ok(fd) = fd {
            wasi::fd_close(fd).unwrap();
        }

        // Loops and long chains: ELOOP.
        wasi::path_symlink("loop", dir, "loop").unwrap();
        check_errno!(open(dir, "loop", 0), ERRNO_LOOP);
        check_errno!(open(dir, "loop/x", 0), ERRNO_LOOP);
        wasi::path_symlink("chain0", dir, "chain1").unwrap();
        create_file(dir, "chain0", b"end of chain");
        for i in 2..=45 {
            wasi::path_symlink(&format!("chain{}", i - 1), dir, &format!("chain{i}")).unwrap();
        }
        assert_eq!(read_file(dir, "chain30"), b"end of chain");
        check_errno!(open(dir, "chain45", 0), ERRNO_LOOP);

        // Escapes through links: absolute targets and `..` above the sandbox are EPERM.
        wasi::path_symlink("/etc/passwd", dir, "abs").unwrap_or(());
        if wasi::path_filestat_get(dir, 0, "abs").is_ok() {
            check_errno!(open(dir, "abs", 0), ERRNO_PERM | ERRNO_NOTCAPABLE);
        }
        wasi::path_symlink("../../..", dir, "out").unwrap();
        check_errno!(open(dir, "out/x", 0), ERRNO_PERM | ERRNO_NOTCAPABLE);
        check_errno!(
            wasi::path_filestat_get(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "out"),
            ERRNO_PERM | ERRNO_NOTCAPABLE
        );
        // Not following the last component, the link itself is fine.
        wasi::path_filestat_get(dir, 0, "out").unwrap();

        // Creating: an existing name is EEXIST; a trailing slash on a new name is ENOENT.
        check_errno!(wasi::path_symlink("target", dir, "link"), ERRNO_EXIST);
        check_errno!(wasi::path_symlink("target", dir, "target"), ERRNO_EXIST);
        check_errno!(wasi::path_symlink("target", dir, "d"), ERRNO_EXIST);
        check_errno!(wasi::path_symlink("target", dir, "fresh/"), ERRNO_NOENT);
        check_errno!(wasi::path_symlink("target", dir, "missing/x"), ERRNO_NOENT);

        // Unlinking a link removes the link, not the target.
        wasi::path_unlink_file(dir, "link").unwrap();
        assert_eq!(read_file(dir, "target"), b"through the link");
        // Unlinking a link to a directory works without a trailing slash.
        wasi::path_unlink_file(dir, "dirlink").unwrap();
        // A symlink cannot be removed with path_remove_directory.
        check_errno!(wasi::path_remove_directory(dir, "d/up"), ERRNO_NOTDIR);
    }
    println!("symlinks: ok");
}
