//! fd-level calls: `fd_close`, bad fd numbers, `fd_fdstat_get` (the rights wasmtime
//! reports), `fd_fdstat_set_flags`, `fd_fdstat_set_rights`, `fd_sync`, `fd_datasync`,
//! `fd_advise`, `fd_allocate`, `fd_prestat_get`, `fd_prestat_dir_name`, `fd_renumber`.

use conformance_guests::{
    check_errno, close, create_file, open, pread, scratch, write_all, ALL_RIGHTS, FILE_RO_RIGHTS, FILE_RW_RIGHTS,
    FILE_WO_RIGHTS, OPENED_DIR_RIGHTS, PREOPEN_BASE, PREOPEN_INHERITING, SANDBOX,
};

fn rights(fd: wasi::Fd) -> (wasi::Rights, wasi::Rights) {
    // SAFETY: WASI call with a valid out-pointer.
    let st = unsafe { wasi::fd_fdstat_get(fd) }.unwrap();
    (st.fs_rights_base, st.fs_rights_inheriting)
}

fn main() {
    let dir = scratch("fd_basics");
    create_file(dir, "f", b"0123456789");
    let mut buf = [0u8; 16];
    // SAFETY: WASI calls with valid arguments, raw calls with deliberately bad ones.
    unsafe {
        // Bad fd numbers, including ones a signed host would see as negative: EBADF
        // everywhere (fd_prestat_dir_name too: the fd lookup comes first).
        for bad in [77u32, 0x7fff_ffff, 0x8000_0000, u32::MAX] {
            check_errno!(wasi::fd_close(bad), ERRNO_BADF);
            check_errno!(wasi::fd_fdstat_get(bad), ERRNO_BADF);
            check_errno!(wasi::fd_fdstat_set_flags(bad, 0), ERRNO_BADF);
            check_errno!(wasi::fd_fdstat_set_rights(bad, 0, 0), ERRNO_BADF);
            check_errno!(wasi::fd_filestat_get(bad), ERRNO_BADF);
            check_errno!(wasi::fd_seek(bad, 0, wasi::WHENCE_SET), ERRNO_BADF);
            check_errno!(wasi::fd_tell(bad), ERRNO_BADF);
            check_errno!(wasi::fd_sync(bad), ERRNO_BADF);
            check_errno!(wasi::fd_datasync(bad), ERRNO_BADF);
            check_errno!(wasi::fd_advise(bad, 0, 0, wasi::ADVICE_NORMAL), ERRNO_BADF);
            check_errno!(wasi::fd_allocate(bad, 0, 1), ERRNO_BADF);
            check_errno!(wasi::fd_prestat_get(bad), ERRNO_BADF);
            check_errno!(wasi::fd_prestat_dir_name(bad, buf.as_mut_ptr(), buf.len()), ERRNO_BADF);
            check_errno!(wasi::fd_renumber(bad, dir), ERRNO_BADF);
            check_errno!(wasi::fd_readdir(bad, buf.as_mut_ptr(), buf.len(), 0), ERRNO_BADF);
            check_errno!(wasi::path_open(bad, 0, "f", 0, 0, 0, 0), ERRNO_BADF);
        }

        // Preopen description: a directory named `/sandbox`, no NUL written.
        let pre = wasi::fd_prestat_get(SANDBOX).unwrap();
        assert_eq!(pre.tag, wasi::PREOPENTYPE_DIR.raw());
        let len = pre.u.dir.pr_name_len;
        assert_eq!(len, "/sandbox".len());
        let mut name = vec![0xAAu8; len + 4];
        wasi::fd_prestat_dir_name(SANDBOX, name.as_mut_ptr(), len + 4).unwrap();
        assert_eq!(&name[..len], b"/sandbox");
        assert_eq!(&name[len..], [0xAA; 4], "fd_prestat_dir_name writes the name only");
        // A buffer one byte short: ENAMETOOLONG (wasmtime preview1.rs).
        check_errno!(wasi::fd_prestat_dir_name(SANDBOX, name.as_mut_ptr(), len - 1), ERRNO_NAMETOOLONG);
        check_errno!(wasi::fd_prestat_dir_name(SANDBOX, name.as_mut_ptr(), 0), ERRNO_NAMETOOLONG);
        // Not a preopen: fd_prestat_get is EBADF, fd_prestat_dir_name ENOTDIR (wasmtime
        // keeps the legacy answers), for an opened directory, a file and stdio alike.
        let f = open(dir, "f", 0).unwrap();
        for fd in [dir, f, 0, 1, 2] {
            check_errno!(wasi::fd_prestat_get(fd), ERRNO_BADF);
            check_errno!(wasi::fd_prestat_dir_name(fd, name.as_mut_ptr(), len), ERRNO_NOTDIR);
        }

        // Rights as wasmtime reports them (crates/wasi/src/preview1.rs, fd_fdstat_get).
        let st = wasi::fd_fdstat_get(SANDBOX).unwrap();
        assert_eq!(st.fs_filetype, wasi::FILETYPE_DIRECTORY);
        assert_eq!(st.fs_flags, 0);
        assert_eq!(rights(SANDBOX), (PREOPEN_BASE, PREOPEN_INHERITING), "preopen rights");
        // A directory opened with path_open: every right but seek, set_size and write.
        assert_eq!(rights(dir), (OPENED_DIR_RIGHTS, OPENED_DIR_RIGHTS), "opened directory rights");
        // Files: every right, less fd_write when not open for writing, less fd_read and
        // fd_readdir when not open for reading. The open mode comes from the rights asked
        // for (fd_read, fd_write); not asking for fd_write also opens for reading; CREAT and
        // TRUNC imply writing (wasmtime's filesystem open_at).
        assert_eq!(rights(f), (FILE_RW_RIGHTS, FILE_RW_RIGHTS), "read-write file rights");
        let ro = wasi::path_open(dir, 0, "f", 0, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
        assert_eq!(rights(ro), (FILE_RO_RIGHTS, FILE_RO_RIGHTS), "read-only file rights");
        assert_eq!(wasi::fd_fdstat_get(ro).unwrap().fs_filetype, wasi::FILETYPE_REGULAR_FILE);
        let wo = wasi::path_open(dir, 0, "f", 0, wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        assert_eq!(rights(wo), (FILE_WO_RIGHTS, FILE_WO_RIGHTS), "write-only file rights");
        let none = wasi::path_open(dir, 0, "f", 0, 0, 0, 0).unwrap();
        assert_eq!(rights(none), (FILE_RO_RIGHTS, FILE_RO_RIGHTS), "no rights asked: read-only");
        assert_eq!(pread(none, 4, 0), b"0123", "opened with no rights, a file still reads");
        let created = wasi::path_open(dir, 0, "made", wasi::OFLAGS_CREAT, 0, 0, 0).unwrap();
        assert_eq!(rights(created), (FILE_RW_RIGHTS, FILE_RW_RIGHTS), "CREAT opens for writing, and reading");
        write_all(created, b"w");
        assert_eq!(pread(created, 4, 0), b"w");
        let created_wo = wasi::path_open(dir, 0, "made2", wasi::OFLAGS_CREAT, wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        assert_eq!(rights(created_wo), (FILE_WO_RIGHTS, FILE_WO_RIGHTS), "asking for fd_write alone: write-only");
        check_errno!(
            wasi::fd_read(created_wo, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 1 }]),
            ERRNO_BADF | ERRNO_PERM
        );
        let trunc = wasi::path_open(dir, 0, "made", wasi::OFLAGS_TRUNC, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
        assert_eq!(rights(trunc), (FILE_RW_RIGHTS, FILE_RW_RIGHTS), "TRUNC opens for writing");
        for fd in [none, created, created_wo, trunc] {
            close(fd);
        }
        // The inheriting rights asked for at open change nothing.
        let inh = wasi::path_open(dir, 0, "f", 0, wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        assert_eq!(rights(inh), (FILE_RW_RIGHTS, FILE_RW_RIGHTS));
        close(inh);

        // Flags: append and nonblock on and off; the sync flags cannot be set (EINVAL).
        assert_eq!(wasi::fd_fdstat_get(f).unwrap().fs_flags, 0);
        wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_APPEND).unwrap();
        assert_eq!(wasi::fd_fdstat_get(f).unwrap().fs_flags, wasi::FDFLAGS_APPEND);
        wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_NONBLOCK).unwrap();
        assert_eq!(wasi::fd_fdstat_get(f).unwrap().fs_flags, wasi::FDFLAGS_NONBLOCK, "set_flags replaces the flags");
        wasi::fd_fdstat_set_flags(f, 0).unwrap();
        assert_eq!(wasi::fd_fdstat_get(f).unwrap().fs_flags, 0);
        for sync in
            [wasi::FDFLAGS_SYNC, wasi::FDFLAGS_DSYNC, wasi::FDFLAGS_RSYNC, wasi::FDFLAGS_APPEND | wasi::FDFLAGS_SYNC]
        {
            check_errno!(wasi::fd_fdstat_set_flags(f, sync), ERRNO_INVAL);
        }
        assert_eq!(wasi::fd_fdstat_get(f).unwrap().fs_flags, 0, "a refused set_flags changes nothing");
        // On a directory: EBADF (wasmtime changes flags of files only).
        check_errno!(wasi::fd_fdstat_set_flags(dir, 0), ERRNO_BADF);

        // Rights cannot be changed (wasmtime reports rights and enforces only the open
        // mode): fd_fdstat_set_rights is ENOTSUP for a file or directory, EBADF for stdio,
        // and every later call behaves as before it.
        let rw = open(dir, "f", 0).unwrap();
        let keep = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_FILESTAT_GET;
        for fd in [rw, dir, SANDBOX] {
            check_errno!(wasi::fd_fdstat_set_rights(fd, keep, 0), ERRNO_NOTSUP);
            check_errno!(wasi::fd_fdstat_set_rights(fd, 0, 0), ERRNO_NOTSUP);
            check_errno!(wasi::fd_fdstat_set_rights(fd, ALL_RIGHTS, ALL_RIGHTS), ERRNO_NOTSUP);
        }
        for fd in [0, 1, 2] {
            check_errno!(wasi::fd_fdstat_set_rights(fd, 0, 0), ERRNO_BADF);
        }
        assert_eq!(rights(rw), (FILE_RW_RIGHTS, FILE_RW_RIGHTS), "the rights are as before");
        assert_eq!(rights(SANDBOX), (PREOPEN_BASE, PREOPEN_INHERITING));
        assert_eq!(wasi::fd_write(rw, &[wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 }]).unwrap(), 1);
        assert_eq!(wasi::fd_seek(rw, 0, wasi::WHENCE_SET).unwrap(), 0);
        assert_eq!(wasi::fd_read(rw, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 4 }]).unwrap(), 4);
        assert_eq!(&buf[..4], b"x123");
        wasi::fd_filestat_get(rw).unwrap();
        wasi::fd_pwrite(rw, &[wasi::Ciovec { buf: b"0".as_ptr(), buf_len: 1 }], 0).unwrap();
        close(rw);

        // Sync, advise, allocate.
        wasi::fd_sync(f).unwrap();
        wasi::fd_datasync(f).unwrap();
        wasi::fd_sync(ro).unwrap();
        for advice in [
            wasi::ADVICE_NORMAL,
            wasi::ADVICE_SEQUENTIAL,
            wasi::ADVICE_RANDOM,
            wasi::ADVICE_WILLNEED,
            wasi::ADVICE_DONTNEED,
            wasi::ADVICE_NOREUSE,
        ] {
            wasi::fd_advise(f, 0, 10, advice).unwrap();
        }
        wasi::fd_advise(f, 1 << 40, 0, wasi::ADVICE_DONTNEED).unwrap();
        // fd_allocate: ENOTSUP for every file, as wasmtime answers; EBADF for anything else.
        for fd in [f, ro] {
            check_errno!(wasi::fd_allocate(fd, 0, 100), ERRNO_NOTSUP);
            check_errno!(wasi::fd_allocate(fd, 1 << 62, 1 << 62), ERRNO_NOTSUP);
        }
        for fd in [dir, SANDBOX, 0, 1, 2] {
            check_errno!(wasi::fd_allocate(fd, 0, 1), ERRNO_BADF);
        }
        assert_eq!(wasi::fd_filestat_get(f).unwrap().size, 10, "fd_allocate changed nothing");

        // Renumbering a file onto another fd closes the target; the source number is free.
        let size_f = wasi::fd_filestat_get(f).unwrap().size;
        wasi::fd_renumber(f, wo).unwrap();
        check_errno!(wasi::fd_close(f), ERRNO_BADF);
        assert_eq!(wasi::fd_filestat_get(wo).unwrap().size, size_f);
        assert_eq!(rights(wo), (FILE_RW_RIGHTS, FILE_RW_RIGHTS), "the renumbered fd keeps its rights");
        check_errno!(wasi::fd_renumber(f, wo), ERRNO_BADF);
        // Onto a number that is not open: EBADF, as wasmtime answers, and nothing moves.
        check_errno!(wasi::fd_renumber(wo, 100), ERRNO_BADF);
        check_errno!(wasi::fd_fdstat_get(100), ERRNO_BADF);
        assert_eq!(wasi::fd_filestat_get(wo).unwrap().size, size_f);
        // Onto itself: nothing changes.
        wasi::fd_renumber(wo, wo).unwrap();
        assert_eq!(wasi::fd_filestat_get(wo).unwrap().size, size_f);

        // Closing twice is EBADF. An open takes the highest freed number, as wasmtime hands
        // them out (POSIX would take the lowest): `a` and `b` come back in that order.
        close(wo);
        check_errno!(wasi::fd_close(wo), ERRNO_BADF);
        let (a, b) = (open(dir, "f", 0).unwrap(), open(dir, "f", 0).unwrap());
        assert!(a > b, "the highest freed number first: {a}, then {b}");
        close(b);
        close(a);
        assert_eq!(open(dir, "f", 0).unwrap(), a);
        assert_eq!(open(dir, "f", 0).unwrap(), b);
        close(a);
        close(b);
        close(ro);

        // A preopen can be closed like any fd; fds opened through it stay usable.
        wasi::fd_close(SANDBOX).unwrap();
        check_errno!(wasi::fd_fdstat_get(SANDBOX), ERRNO_BADF);
        check_errno!(wasi::fd_prestat_get(SANDBOX), ERRNO_BADF);
        check_errno!(wasi::path_open(SANDBOX, 0, "fd_basics", 0, 0, 0, 0), ERRNO_BADF);
        assert_eq!(conformance_guests::read_file(dir, "f")[..10], *b"0123456789");
        close(dir);
    }
    println!("fd_basics: ok");
}
