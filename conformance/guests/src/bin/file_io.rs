//! File data: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`, `fd_seek`, `fd_tell`,
//! append mode, open modes, `fd_filestat_get`, `fd_filestat_set_size`,
//! `fd_filestat_set_times`.

use conformance_guests::{check_errno, open, read_to_end, scratch, write_all};
use wasi::wasi_snapshot_preview1 as raw;

fn pread(fd: wasi::Fd, len: usize, offset: u64) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    // SAFETY: the iovec points into `buf`.
    let n = unsafe { wasi::fd_pread(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: len }], offset) }.unwrap();
    buf.truncate(n);
    buf
}

fn main() {
    let dir = scratch("file_io");
    // SAFETY: WASI calls with buffers that outlive them, raw calls with deliberately bad ones.
    unsafe {
        let fd = open(dir, "data", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL).unwrap();
        write_all(fd, b"hello world");
        assert_eq!(wasi::fd_tell(fd).unwrap(), 11);
        assert_eq!(wasi::fd_seek(fd, 0, wasi::WHENCE_SET).unwrap(), 0);
        assert_eq!(read_to_end(fd), b"hello world");
        assert_eq!(wasi::fd_seek(fd, -5, wasi::WHENCE_END).unwrap(), 6);
        assert_eq!(read_to_end(fd), b"world");
        assert_eq!(wasi::fd_seek(fd, -3, wasi::WHENCE_CUR).unwrap(), 8);
        check_errno!(wasi::fd_seek(fd, -100, wasi::WHENCE_CUR), ERRNO_INVAL);
        check_errno!(wasi::fd_seek(fd, -1, wasi::WHENCE_SET), ERRNO_INVAL);
        assert_eq!(raw::fd_seek(fd as i32, 0, 3, 0), wasi::ERRNO_INVAL.raw() as i32);
        assert_eq!(wasi::fd_tell(fd).unwrap(), 8, "a failed seek leaves the position");

        // Scatter/gather: two buffers filled in order.
        wasi::fd_seek(fd, 0, wasi::WHENCE_SET).unwrap();
        let (mut a, mut b) = ([0u8; 5], [0u8; 20]);
        let n = wasi::fd_read(fd, &[wasi::Iovec { buf: a.as_mut_ptr(), buf_len: 5 }, wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 20 }]).unwrap();
        assert_eq!(n, 11);
        assert_eq!(&a, b"hello");
        assert_eq!(&b[..6], b" world");
        assert_eq!(wasi::fd_read(fd, &[wasi::Iovec { buf: a.as_mut_ptr(), buf_len: 5 }]).unwrap(), 0, "EOF reads 0");

        // pread/pwrite leave the position alone; pwrite past EOF zero-fills.
        assert_eq!(pread(fd, 5, 6), b"world");
        assert_eq!(pread(fd, 5, 100), b"");
        assert_eq!(wasi::fd_pwrite(fd, &[wasi::Ciovec { buf: b"!".as_ptr(), buf_len: 1 }], 15).unwrap(), 1);
        assert_eq!(wasi::fd_tell(fd).unwrap(), 11);
        assert_eq!(pread(fd, 100, 0), b"hello world\0\0\0\0!");
        // Writing past EOF by seeking zero-fills too.
        wasi::fd_seek(fd, 20, wasi::WHENCE_SET).unwrap();
        write_all(fd, b"#");
        assert_eq!(pread(fd, 100, 16), b"\0\0\0\0#");

        // Bad iovec pointers are EFAULT.
        assert_eq!(raw::fd_write(fd as i32, -8, 1, 0), wasi::ERRNO_FAULT.raw() as i32);
        let bad_iov = [wasi::Ciovec { buf: usize::MAX as *const u8, buf_len: 10 }];
        check_errno!(wasi::fd_write(fd, &bad_iov), ERRNO_FAULT);

        // Size and filestat.
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!(st.size, 21);
        assert_eq!(st.filetype, wasi::FILETYPE_REGULAR_FILE);
        assert_eq!(st.nlink, 1);
        wasi::fd_filestat_set_size(fd, 5).unwrap();
        assert_eq!(pread(fd, 100, 0), b"hello");
        wasi::fd_filestat_set_size(fd, 8).unwrap();
        assert_eq!(pread(fd, 100, 0), b"hello\0\0\0");

        // Times: explicit, NOW, and both at once (EINVAL).
        wasi::fd_filestat_set_times(fd, 1_000, 2_000, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM).unwrap();
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!((st.atim, st.mtim), (1_000, 2_000));
        wasi::fd_filestat_set_times(fd, 0, 0, wasi::FSTFLAGS_MTIM_NOW).unwrap();
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!(st.atim, 1_000, "atim untouched");
        assert!(st.mtim > 1_600_000_000_000_000_000, "mtim is now");
        check_errno!(wasi::fd_filestat_set_times(fd, 1, 1, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_ATIM_NOW), ERRNO_INVAL);
        // A write moves mtim forward.
        wasi::fd_filestat_set_times(fd, 0, 5, wasi::FSTFLAGS_MTIM).unwrap();
        wasi::fd_pwrite(fd, &[wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 }], 0).unwrap();
        assert!(wasi::fd_filestat_get(fd).unwrap().mtim > 5);

        // Append mode: writes land at the end whatever the position.
        let app = wasi::path_open(dir, 0, "data", 0, wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_SEEK, 0, wasi::FDFLAGS_APPEND).unwrap();
        assert_eq!(wasi::fd_fdstat_get(app).unwrap().fs_flags & wasi::FDFLAGS_APPEND, wasi::FDFLAGS_APPEND);
        write_all(app, b"++");
        assert_eq!(pread(fd, 100, 0), b"xello\0\0\0++");

        // Open modes: read-only refuses writes, write-only refuses reads (EBADF).
        let ro = wasi::path_open(dir, 0, "data", 0, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
        check_errno!(wasi::fd_write(ro, &[wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 }]), ERRNO_BADF);
        check_errno!(wasi::fd_filestat_set_size(ro, 0), ERRNO_BADF | ERRNO_INVAL);
        let wo = wasi::path_open(dir, 0, "data", 0, wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        let mut one = [0u8; 1];
        check_errno!(wasi::fd_read(wo, &[wasi::Iovec { buf: one.as_mut_ptr(), buf_len: 1 }]), ERRNO_BADF);

        // TRUNC empties an existing file.
        let t = open(dir, "data", wasi::OFLAGS_TRUNC).unwrap();
        assert_eq!(wasi::fd_filestat_get(t).unwrap().size, 0);

        // Directories are not files: every file operation on one is EBADF, as wasmtime
        // answers (POSIX would say EISDIR for some, or allow sync and advise).
        let iov = [wasi::Iovec { buf: one.as_mut_ptr(), buf_len: 1 }];
        let ciov = [wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 }];
        check_errno!(wasi::fd_read(dir, &iov), ERRNO_BADF);
        check_errno!(wasi::fd_pread(dir, &iov, 0), ERRNO_BADF);
        check_errno!(wasi::fd_write(dir, &ciov), ERRNO_BADF);
        check_errno!(wasi::fd_pwrite(dir, &ciov, 0), ERRNO_BADF);
        check_errno!(wasi::fd_seek(dir, 0, wasi::WHENCE_SET), ERRNO_BADF);
        check_errno!(wasi::fd_seek(dir, 0, wasi::WHENCE_CUR), ERRNO_BADF);
        check_errno!(wasi::fd_tell(dir), ERRNO_BADF);
        check_errno!(wasi::fd_advise(dir, 0, 0, wasi::ADVICE_DONTNEED), ERRNO_BADF);
        check_errno!(wasi::fd_allocate(dir, 0, 0), ERRNO_BADF);
        check_errno!(wasi::fd_sync(dir), ERRNO_BADF);
        check_errno!(wasi::fd_datasync(dir), ERRNO_BADF);
        check_errno!(wasi::fd_fdstat_set_flags(dir, wasi::FDFLAGS_NONBLOCK), ERRNO_BADF);
        check_errno!(wasi::fd_filestat_set_size(dir, 0), ERRNO_BADF);
        for f in [fd, app, ro, wo, t, dir] {
            wasi::fd_close(f).unwrap();
        }
    }
    println!("file_io: ok");
}
