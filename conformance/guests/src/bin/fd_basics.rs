//! fd-level calls: `fd_close`, bad fd numbers, `fd_fdstat_get`/`set_flags`/`set_rights`,
//! `fd_sync`, `fd_datasync`, `fd_advise`, `fd_allocate`, `fd_prestat_get`,
//! `fd_prestat_dir_name`, `fd_renumber` of files.

use conformance_guests::{check_errno, create_file, open, scratch, ALL_RIGHTS, SANDBOX};
use wasi::wasi_snapshot_preview1 as raw;

fn main() {
    let dir = scratch("fd_basics");
    create_file(dir, "f", b"0123456789");
    // SAFETY: WASI calls with valid arguments, raw calls with deliberately bad ones.
    unsafe {
        // Bad fd numbers, including ones a signed host would see as negative.
        for bad in [77u32, 0x7fff_ffff, 0x8000_0000, u32::MAX] {
            check_errno!(wasi::fd_close(bad), ERRNO_BADF);
            check_errno!(wasi::fd_fdstat_get(bad), ERRNO_BADF);
            check_errno!(wasi::fd_filestat_get(bad), ERRNO_BADF);
            check_errno!(wasi::fd_seek(bad, 0, wasi::WHENCE_SET), ERRNO_BADF);
            check_errno!(wasi::path_open(bad, 0, "f", 0, 0, 0, 0), ERRNO_BADF);
        }

        // Preopen description.
        let pre = wasi::fd_prestat_get(SANDBOX).unwrap();
        assert_eq!(pre.tag, wasi::PREOPENTYPE_DIR.raw());
        let len = pre.u.dir.pr_name_len;
        assert_eq!(len, "/sandbox".len());
        let mut name = vec![0u8; len];
        wasi::fd_prestat_dir_name(SANDBOX, name.as_mut_ptr(), len).unwrap();
        assert_eq!(name, b"/sandbox");
        check_errno!(wasi::fd_prestat_dir_name(SANDBOX, name.as_mut_ptr(), len - 1), ERRNO_NAMETOOLONG);
        check_errno!(wasi::fd_prestat_get(dir), ERRNO_BADF);
        check_errno!(wasi::fd_prestat_get(1), ERRNO_BADF);
        check_errno!(wasi::fd_prestat_dir_name(dir, name.as_mut_ptr(), len), ERRNO_NOTDIR);
        assert_eq!(raw::fd_prestat_get(SANDBOX as i32, -2), wasi::ERRNO_FAULT.raw() as i32);

        // Preopen rights as wasmtime reports them.
        let st = wasi::fd_fdstat_get(SANDBOX).unwrap();
        assert_eq!(st.fs_filetype, wasi::FILETYPE_DIRECTORY);
        assert_ne!(st.fs_rights_base & wasi::RIGHTS_PATH_OPEN, 0);
        assert_ne!(st.fs_rights_inheriting & wasi::RIGHTS_FD_READ, 0);

        // A file opened read-only reports no write right; read-write reports both.
        let ro = wasi::path_open(dir, 0, "f", 0, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
        let st = wasi::fd_fdstat_get(ro).unwrap();
        assert_eq!(st.fs_filetype, wasi::FILETYPE_REGULAR_FILE);
        assert_ne!(st.fs_rights_base & wasi::RIGHTS_FD_READ, 0);
        assert_eq!(st.fs_rights_base & wasi::RIGHTS_FD_WRITE, 0);
        let rw = open(dir, "f", 0).unwrap();
        let st = wasi::fd_fdstat_get(rw).unwrap();
        assert_ne!(st.fs_rights_base & wasi::RIGHTS_FD_WRITE, 0);
        assert_eq!(st.fs_flags, 0);

        // Flags: append on and off; the sync flags cannot be set afterwards.
        wasi::fd_fdstat_set_flags(rw, wasi::FDFLAGS_APPEND).unwrap();
        assert_eq!(wasi::fd_fdstat_get(rw).unwrap().fs_flags, wasi::FDFLAGS_APPEND);
        wasi::fd_fdstat_set_flags(rw, 0).unwrap();
        assert_eq!(wasi::fd_fdstat_get(rw).unwrap().fs_flags, 0);
        check_errno!(wasi::fd_fdstat_set_flags(rw, wasi::FDFLAGS_SYNC), ERRNO_INVAL | ERRNO_NOTSUP);
        assert_eq!(raw::fd_fdstat_set_flags(rw as i32, 0x100), wasi::ERRNO_INVAL.raw() as i32);

        // Rights can be dropped, not regained.
        let keep = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_FILESTAT_GET;
        wasi::fd_fdstat_set_rights(rw, keep, 0).unwrap();
        let st = wasi::fd_fdstat_get(rw).unwrap();
        assert_eq!(st.fs_rights_base & !keep, 0, "dropped rights are gone");
        check_errno!(wasi::fd_fdstat_set_rights(rw, ALL_RIGHTS, 0), ERRNO_NOTCAPABLE);
        check_errno!(wasi::fd_write(rw, &[wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 }]), ERRNO_NOTCAPABLE | ERRNO_BADF);
        wasi::fd_filestat_get(rw).unwrap();

        // Sync, advise, allocate.
        let f = open(dir, "f", 0).unwrap();
        wasi::fd_sync(f).unwrap();
        wasi::fd_datasync(f).unwrap();
        wasi::fd_advise(f, 0, 10, wasi::ADVICE_SEQUENTIAL).unwrap();
        wasi::fd_advise(f, 0, 0, wasi::ADVICE_DONTNEED).unwrap();
        assert_eq!(raw::fd_advise(f as i32, 0, 0, 9), wasi::ERRNO_INVAL.raw() as i32);
        match wasi::fd_allocate(f, 0, 100) {
            Ok(()) => assert_eq!(wasi::fd_filestat_get(f).unwrap().size, 100),
            Err(e) => assert_eq!(e, wasi::ERRNO_NOTSUP),
        }
        // Allocating inside the file never shrinks it.
        if wasi::fd_allocate(f, 0, 5).is_ok() {
            assert_eq!(wasi::fd_filestat_get(f).unwrap().size, 100);
        }
        check_errno!(wasi::fd_allocate(ro, 0, 200), ERRNO_BADF | ERRNO_NOTSUP);

        // Renumbering a file onto another fd closes the target.
        wasi::fd_renumber(f, ro).unwrap();
        check_errno!(wasi::fd_close(f), ERRNO_BADF);
        assert_eq!(wasi::fd_filestat_get(ro).unwrap().size, 100);
        check_errno!(wasi::fd_renumber(f, ro), ERRNO_BADF);

        // Closing twice is EBADF; a closed number is reused.
        wasi::fd_close(ro).unwrap();
        check_errno!(wasi::fd_close(ro), ERRNO_BADF);
        let again = open(dir, "f", 0).unwrap();
        assert_eq!(again, ro.min(f), "the lowest free fd is reused");
        wasi::fd_close(again).unwrap();
        wasi::fd_close(rw).unwrap();
        wasi::fd_close(dir).unwrap();
    }
    println!("fd_basics: ok");
}
