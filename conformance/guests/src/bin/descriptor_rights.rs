//! What a descriptor may do, as wasmtime answers where public conformance suites found
//! hosts differ: the open mode decides (rights are reported, not enforced), size changes
//! need a file open for writing, time changes do not, stdio and directories refuse file
//! operations, the sync fdflags cannot be opened with, and a symlink may not point at an
//! absolute path.

use conformance_guests::{
    check_errno, close, create_file, open, pread, scratch, small_backend, write_all, FILE_RW_RIGHTS, OPENED_DIR_RIGHTS,
    PREOPEN_BASE, PREOPEN_INHERITING, SANDBOX,
};

fn rights(fd: wasi::Fd) -> (wasi::Rights, wasi::Rights) {
    // SAFETY: WASI call with a valid out-pointer.
    let st = unsafe { wasi::fd_fdstat_get(fd) }.unwrap();
    (st.fs_rights_base, st.fs_rights_inheriting)
}

fn main() {
    let dir = scratch("descriptor_rights");
    create_file(dir, "f", b"0123456789");
    // SAFETY: WASI calls with valid arguments.
    unsafe {
        // Size changes: only through a file open for writing (EINVAL otherwise, as Linux's
        // ftruncate answers under wasmtime); EBADF for a directory or stdio.
        let ro = wasi::path_open(dir, 0, "f", 0, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
        let wo = wasi::path_open(dir, 0, "f", 0, wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        check_errno!(wasi::fd_filestat_set_size(ro, 3), ERRNO_INVAL);
        wasi::fd_filestat_set_size(wo, 8).unwrap();
        assert_eq!(wasi::fd_filestat_get(ro).unwrap().size, 8);
        check_errno!(wasi::fd_filestat_set_size(wo, 1 << 63), ERRNO_INVAL);
        for fd in [dir, SANDBOX, 0, 1, 2] {
            check_errno!(wasi::fd_filestat_set_size(fd, 0), ERRNO_BADF);
        }
        // Time changes: through any file or directory fd, read-only ones too; EBADF for
        // stdio.
        for fd in [ro, wo, dir, SANDBOX] {
            wasi::fd_filestat_set_times(fd, 5_000, 6_000, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM).unwrap();
            assert_eq!(wasi::fd_filestat_get(fd).unwrap().mtim, 6_000);
        }
        for fd in [0, 1, 2] {
            check_errno!(wasi::fd_filestat_set_times(fd, 1, 1, wasi::FSTFLAGS_MTIM), ERRNO_BADF);
            check_errno!(wasi::fd_fdstat_set_flags(fd, 0), ERRNO_BADF);
            check_errno!(wasi::fd_sync(fd), ERRNO_BADF);
            check_errno!(wasi::fd_advise(fd, 0, 0, wasi::ADVICE_NORMAL), ERRNO_BADF);
            check_errno!(wasi::fd_readdir(fd, [0u8; 8].as_mut_ptr(), 8, 0), ERRNO_BADF);
            check_errno!(wasi::path_open(fd, 0, "f", 0, 0, 0, 0), ERRNO_BADF);
            check_errno!(wasi::path_filestat_get(fd, 0, "f"), ERRNO_BADF);
        }
        // A file where a directory is needed: EBADF, but for path_open (ENOTDIR).
        check_errno!(wasi::path_filestat_get(ro, 0, "x"), ERRNO_BADF);
        check_errno!(wasi::path_create_directory(ro, "x"), ERRNO_BADF);
        check_errno!(wasi::fd_readdir(ro, [0u8; 8].as_mut_ptr(), 8, 0), ERRNO_BADF);
        check_errno!(wasi::path_open(ro, 0, "x", 0, 0, 0, 0), ERRNO_NOTDIR);
        close(ro);
        close(wo);

        // The sync fdflags cannot be opened with (ENOTSUP), file or directory, and nothing
        // is created.
        for sync in [wasi::FDFLAGS_SYNC, wasi::FDFLAGS_DSYNC, wasi::FDFLAGS_RSYNC] {
            check_errno!(wasi::path_open(dir, 0, "f", 0, FILE_RW_RIGHTS, 0, sync), ERRNO_NOTSUP);
            check_errno!(wasi::path_open(dir, 0, "new", wasi::OFLAGS_CREAT, FILE_RW_RIGHTS, 0, sync), ERRNO_NOTSUP);
            check_errno!(wasi::path_open(dir, 0, ".", wasi::OFLAGS_DIRECTORY, 0, 0, sync), ERRNO_NOTSUP);
        }
        check_errno!(wasi::path_filestat_get(dir, 0, "new"), ERRNO_NOENT);
        let append = wasi::path_open(dir, 0, "f", 0, FILE_RW_RIGHTS, 0, wasi::FDFLAGS_APPEND).unwrap();
        assert_eq!(wasi::fd_fdstat_get(append).unwrap().fs_flags, wasi::FDFLAGS_APPEND);
        close(append);

        // A directory opened with the rights the preopen reports, and a file opened through
        // it for writing: the file is writable (the rights asked for and inherited limit
        // nothing), and each reports wasmtime's rights.
        wasi::path_create_directory(dir, "sub").unwrap();
        let sub = wasi::path_open(dir, 0, "sub", wasi::OFLAGS_DIRECTORY, PREOPEN_BASE, PREOPEN_INHERITING, 0).unwrap();
        assert_eq!(rights(sub), (OPENED_DIR_RIGHTS, OPENED_DIR_RIGHTS));
        let inner = wasi::path_open(
            sub,
            0,
            "inner",
            wasi::OFLAGS_CREAT,
            wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE,
            PREOPEN_INHERITING,
            0,
        )
        .unwrap();
        assert_eq!(rights(inner), (FILE_RW_RIGHTS, FILE_RW_RIGHTS));
        write_all(inner, b"written");
        assert_eq!(pread(inner, 16, 0), b"written");
        close(inner);
        // Even a directory opened with no rights at all.
        let bare = wasi::path_open(dir, 0, "sub", wasi::OFLAGS_DIRECTORY, 0, 0, 0).unwrap();
        let inner = wasi::path_open(bare, 0, "inner", 0, wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        write_all(inner, b"W");
        close(inner);
        close(bare);
        close(sub);

        // A file reached through a hard link reports the rights of its open mode, as any
        // file does (littlefs has no hard links).
        if small_backend() {
            check_errno!(wasi::path_link(dir, 0, "f", dir, "linked"), ERRNO_NOTSUP);
        } else {
            wasi::path_link(dir, 0, "f", dir, "linked").unwrap();
            let l = open(dir, "linked", 0).unwrap();
            assert_eq!(rights(l), (FILE_RW_RIGHTS, FILE_RW_RIGHTS));
            assert_eq!(wasi::fd_filestat_get(l).unwrap().nlink, 2);
            write_all(l, b"L");
            assert_eq!(pread(l, 1, 0), b"L");
            close(l);
            let lro = wasi::path_open(dir, 0, "linked", 0, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
            assert_eq!(rights(lro).0 & wasi::RIGHTS_FD_WRITE, 0);
            close(lro);
        }

        // A symlink to an absolute path cannot be made (EPERM), nor one with an empty target
        // (ENOENT), before the link's own name is looked at.
        check_errno!(wasi::path_symlink("/etc/passwd", dir, "abs"), ERRNO_PERM);
        check_errno!(wasi::path_symlink("/", dir, "f"), ERRNO_PERM);
        check_errno!(wasi::path_symlink("", dir, "f"), ERRNO_NOENT);
        check_errno!(wasi::path_filestat_get(dir, 0, "abs"), ERRNO_NOENT);
        // One that climbs out is made, and refused when followed.
        wasi::path_symlink("../../..", dir, "up").unwrap();
        check_errno!(open(dir, "up/x", 0), ERRNO_PERM);
    }
    close(dir);
    println!("descriptor_rights: ok");
}
