//! File data: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`, `fd_seek`, `fd_tell`,
//! append mode, open modes, `fd_filestat_get`, `fd_filestat_set_size`,
//! `fd_filestat_set_times`, and what each of them answers on a directory.

use conformance_guests::{check_errno, close, open, pread, read_to_end, scratch, write_all, AFTER_2020};

fn ciov(data: &[u8]) -> [wasi::Ciovec; 1] {
    [wasi::Ciovec { buf: data.as_ptr(), buf_len: data.len() }]
}

fn size(fd: wasi::Fd) -> u64 {
    // SAFETY: WASI call with a valid out-pointer.
    unsafe { wasi::fd_filestat_get(fd) }.unwrap().size
}

fn main() {
    let dir = scratch("file_io");
    // SAFETY: WASI calls with buffers that outlive them, raw calls with deliberately bad ones.
    unsafe {
        let fd = open(dir, "data", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL).unwrap();
        assert_eq!(wasi::fd_tell(fd).unwrap(), 0);
        write_all(fd, b"hello world");
        assert_eq!(wasi::fd_tell(fd).unwrap(), 11);

        // fd_seek: SET, CUR, END; the result is the new position.
        assert_eq!(wasi::fd_seek(fd, 0, wasi::WHENCE_SET).unwrap(), 0);
        assert_eq!(read_to_end(fd), b"hello world");
        assert_eq!(wasi::fd_tell(fd).unwrap(), 11, "reading moves the position");
        assert_eq!(wasi::fd_seek(fd, -5, wasi::WHENCE_END).unwrap(), 6);
        assert_eq!(read_to_end(fd), b"world");
        assert_eq!(wasi::fd_seek(fd, -3, wasi::WHENCE_CUR).unwrap(), 8);
        assert_eq!(wasi::fd_seek(fd, 0, wasi::WHENCE_CUR).unwrap(), 8, "SEEK_CUR 0 tells");
        // A resulting offset below zero: EINVAL, and the position stays.
        check_errno!(wasi::fd_seek(fd, -100, wasi::WHENCE_CUR), ERRNO_INVAL);
        check_errno!(wasi::fd_seek(fd, -1, wasi::WHENCE_SET), ERRNO_INVAL);
        check_errno!(wasi::fd_seek(fd, -12, wasi::WHENCE_END), ERRNO_INVAL);
        check_errno!(wasi::fd_seek(fd, i64::MIN, wasi::WHENCE_SET), ERRNO_INVAL);
        assert_eq!(wasi::fd_tell(fd).unwrap(), 8, "a failed seek leaves the position");
        // Past the end is fine; reading there gives nothing.
        assert_eq!(wasi::fd_seek(fd, 1000, wasi::WHENCE_CUR).unwrap(), 1008);
        assert_eq!(read_to_end(fd), b"");
        assert_eq!(size(fd), 11, "seeking alone does not grow the file");

        // Scatter read: a host may fill both buffers (POSIX readv) or only the first
        // non-empty one (wasmtime); what it reads is the file's bytes in order.
        wasi::fd_seek(fd, 0, wasi::WHENCE_SET).unwrap();
        let (mut a, mut b) = ([0u8; 5], [0u8; 20]);
        let iovs = [
            wasi::Iovec { buf: a.as_mut_ptr(), buf_len: 0 },
            wasi::Iovec { buf: a.as_mut_ptr(), buf_len: 5 },
            wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 20 },
        ];
        let n = wasi::fd_read(fd, &iovs).unwrap();
        assert!(n == 5 || n == 11, "read {n} bytes into 5 + 20");
        assert_eq!(&a, b"hello");
        assert_eq!(&b[..n - 5], &b" world"[..n - 5]);
        assert_eq!(wasi::fd_tell(fd).unwrap(), n as u64);
        assert_eq!(read_to_end(fd), &b"hello world"[n..]);
        let mut one = [0u8; 1];
        assert_eq!(wasi::fd_read(fd, &[wasi::Iovec { buf: one.as_mut_ptr(), buf_len: 1 }]).unwrap(), 0, "EOF reads 0");
        assert_eq!(wasi::fd_read(fd, &[]).unwrap(), 0);

        // pread/pwrite leave the position alone; pwrite past EOF zero-fills the gap.
        assert_eq!(pread(fd, 5, 6), b"world");
        assert_eq!(pread(fd, 5, 100), b"");
        assert_eq!(wasi::fd_pwrite(fd, &ciov(b"!"), 15).unwrap(), 1);
        assert_eq!(wasi::fd_tell(fd).unwrap(), 11);
        assert_eq!(pread(fd, 100, 0), b"hello world\0\0\0\0!");
        // An empty pwrite past the end writes nothing and does not grow the file.
        assert_eq!(wasi::fd_pwrite(fd, &ciov(b""), 50).unwrap(), 0);
        assert_eq!(size(fd), 16);
        // Writing past EOF after a seek zero-fills too.
        wasi::fd_seek(fd, 20, wasi::WHENCE_SET).unwrap();
        write_all(fd, b"#");
        assert_eq!(wasi::fd_tell(fd).unwrap(), 21);
        assert_eq!(pread(fd, 100, 16), b"\0\0\0\0#");

        // Size and filestat.
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!(st.size, 21);
        assert_eq!(st.filetype, wasi::FILETYPE_REGULAR_FILE);
        assert_eq!(st.nlink, 1);
        assert!(st.mtim > AFTER_2020 && st.atim > AFTER_2020 && st.ctim > AFTER_2020, "times are real: {st:?}");
        wasi::fd_filestat_set_size(fd, 5).unwrap();
        assert_eq!(pread(fd, 100, 0), b"hello");
        assert_eq!(wasi::fd_tell(fd).unwrap(), 21, "set_size leaves the position");
        wasi::fd_filestat_set_size(fd, 8).unwrap();
        assert_eq!(pread(fd, 100, 0), b"hello\0\0\0", "growing fills with zeros");
        wasi::fd_filestat_set_size(fd, 8).unwrap();
        assert_eq!(size(fd), 8);

        // Times: explicit, NOW, untouched, and both a time and NOW for one field (EINVAL).
        wasi::fd_filestat_set_times(fd, 1_000, 2_000, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM).unwrap();
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!((st.atim, st.mtim), (1_000, 2_000));
        wasi::fd_filestat_set_times(fd, 0, 0, wasi::FSTFLAGS_MTIM_NOW).unwrap();
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!(st.atim, 1_000, "atim untouched");
        assert!(st.mtim > AFTER_2020, "mtim is now");
        wasi::fd_filestat_set_times(fd, 0, 0, wasi::FSTFLAGS_ATIM_NOW).unwrap();
        let st = wasi::fd_filestat_get(fd).unwrap();
        assert!(st.atim > AFTER_2020, "atim is now");
        wasi::fd_filestat_set_times(fd, 7, 7, 0).unwrap();
        let st2 = wasi::fd_filestat_get(fd).unwrap();
        assert_eq!((st2.atim, st2.mtim), (st.atim, st.mtim), "no flags change no time");
        // 1.5 s and sub-second precision survive.
        wasi::fd_filestat_set_times(fd, 1_500_000_001, 0, wasi::FSTFLAGS_ATIM).unwrap();
        assert_eq!(wasi::fd_filestat_get(fd).unwrap().atim, 1_500_000_001);
        check_errno!(wasi::fd_filestat_set_times(fd, 1, 1, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_ATIM_NOW), ERRNO_INVAL);
        check_errno!(wasi::fd_filestat_set_times(fd, 1, 1, wasi::FSTFLAGS_MTIM | wasi::FSTFLAGS_MTIM_NOW), ERRNO_INVAL);
        assert_eq!(wasi::fd_filestat_get(fd).unwrap().atim, 1_500_000_001, "a refused set_times changes nothing");
        // A write moves mtim forward.
        wasi::fd_filestat_set_times(fd, 0, 5, wasi::FSTFLAGS_MTIM).unwrap();
        wasi::fd_pwrite(fd, &ciov(b"x"), 0).unwrap();
        assert!(wasi::fd_filestat_get(fd).unwrap().mtim > 5, "a write sets mtim");

        // Append mode: every write lands at the end whatever the position, the position
        // follows to the end, and fd_pwrite ignores its offset (Linux pwrite with
        // O_APPEND, as wasmtime: preview1_file_pread_pwrite.rs).
        let app = wasi::path_open(
            dir,
            0,
            "data",
            0,
            wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_SEEK,
            0,
            wasi::FDFLAGS_APPEND,
        )
        .unwrap();
        assert_eq!(wasi::fd_fdstat_get(app).unwrap().fs_flags, wasi::FDFLAGS_APPEND);
        wasi::fd_seek(app, 2, wasi::WHENCE_SET).unwrap();
        write_all(app, b"++");
        assert_eq!(pread(fd, 100, 0), b"xello\0\0\0++");
        assert_eq!(wasi::fd_tell(app).unwrap(), 10, "after an append the position is the end");
        assert_eq!(wasi::fd_pwrite(app, &ciov(b"P"), 0).unwrap(), 1);
        assert_eq!(pread(fd, 100, 0), b"xello\0\0\0++P", "pwrite in append mode appends");
        // Turning append off makes writes positional again.
        wasi::fd_fdstat_set_flags(app, 0).unwrap();
        wasi::fd_seek(app, 0, wasi::WHENCE_SET).unwrap();
        write_all(app, b"Y");
        assert_eq!(pread(fd, 100, 0), b"Yello\0\0\0++P");
        wasi::fd_fdstat_set_flags(app, wasi::FDFLAGS_APPEND).unwrap();
        write_all(app, b"Z");
        assert_eq!(pread(fd, 100, 0), b"Yello\0\0\0++PZ");

        // Open modes come from the rights asked for: read-only refuses writes, write-only
        // refuses reads, with EBADF (wasmtime's tests also accept EPERM, its Windows answer).
        let ro = wasi::path_open(dir, 0, "data", 0, wasi::RIGHTS_FD_READ, 0, 0).unwrap();
        check_errno!(wasi::fd_write(ro, &ciov(b"x")), ERRNO_BADF | ERRNO_PERM);
        check_errno!(wasi::fd_pwrite(ro, &ciov(b"x"), 0), ERRNO_BADF | ERRNO_PERM);
        // ftruncate of a file not open for writing: EINVAL on Linux, EBADF elsewhere.
        check_errno!(wasi::fd_filestat_set_size(ro, 0), ERRNO_BADF | ERRNO_INVAL);
        assert_eq!(size(fd), 12, "refused writes wrote nothing");
        let wo = wasi::path_open(dir, 0, "data", 0, wasi::RIGHTS_FD_WRITE, 0, 0).unwrap();
        check_errno!(wasi::fd_read(wo, &[wasi::Iovec { buf: one.as_mut_ptr(), buf_len: 1 }]), ERRNO_BADF | ERRNO_PERM);
        check_errno!(
            wasi::fd_pread(wo, &[wasi::Iovec { buf: one.as_mut_ptr(), buf_len: 1 }], 0),
            ERRNO_BADF | ERRNO_PERM
        );
        write_all(wo, b"W");
        assert_eq!(pread(fd, 1, 0), b"W");

        // TRUNC empties an existing file; the fds open on it see the new size.
        let t = open(dir, "data", wasi::OFLAGS_TRUNC).unwrap();
        assert_eq!(size(t), 0);
        assert_eq!(size(fd), 0);

        // Directories are not files: every file operation on one is EBADF, as wasmtime
        // answers (POSIX would say EISDIR for some, or allow sync and advise).
        let iov = [wasi::Iovec { buf: one.as_mut_ptr(), buf_len: 1 }];
        check_errno!(wasi::fd_read(dir, &iov), ERRNO_BADF);
        check_errno!(wasi::fd_pread(dir, &iov, 0), ERRNO_BADF);
        check_errno!(wasi::fd_write(dir, &ciov(b"x")), ERRNO_BADF);
        check_errno!(wasi::fd_pwrite(dir, &ciov(b"x"), 0), ERRNO_BADF);
        check_errno!(wasi::fd_seek(dir, 0, wasi::WHENCE_SET), ERRNO_BADF);
        check_errno!(wasi::fd_seek(dir, 0, wasi::WHENCE_CUR), ERRNO_BADF);
        check_errno!(wasi::fd_tell(dir), ERRNO_BADF);
        check_errno!(wasi::fd_advise(dir, 0, 0, wasi::ADVICE_DONTNEED), ERRNO_BADF);
        check_errno!(wasi::fd_allocate(dir, 0, 0), ERRNO_BADF);
        check_errno!(wasi::fd_sync(dir), ERRNO_BADF);
        check_errno!(wasi::fd_datasync(dir), ERRNO_BADF);
        check_errno!(wasi::fd_fdstat_set_flags(dir, wasi::FDFLAGS_NONBLOCK), ERRNO_BADF);
        check_errno!(wasi::fd_filestat_set_size(dir, 0), ERRNO_BADF);
        // ...but its times can be set through the fd.
        wasi::fd_filestat_set_times(dir, 0, 3_000, wasi::FSTFLAGS_MTIM).unwrap();
        assert_eq!(wasi::fd_filestat_get(dir).unwrap().mtim, 3_000);
        assert_eq!(wasi::fd_filestat_get(dir).unwrap().filetype, wasi::FILETYPE_DIRECTORY);
        for f in [fd, app, ro, wo, t, dir] {
            close(f);
        }
    }
    println!("file_io: ok");
}
