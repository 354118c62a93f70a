//! stdio: `fd_read` of stdin, `fd_write` to stdout and stderr, their fdstat and filestat,
//! what file-only calls answer on a stream (ESPIPE or EBADF, as wasmtime), and
//! `fd_renumber` and `fd_close` of stdio. Writes exactly `to stdout\n` to stdout.

use conformance_guests::{check_errno, write_all};

fn main() {
    let mut buf = [0u8; 64];
    let iov = |b: &mut [u8]| [wasi::Iovec { buf: b.as_mut_ptr(), buf_len: b.len() }];
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        // stdin holds `hello stdin\n`, then end of file (a read of 0, again and again).
        let mut got = Vec::new();
        loop {
            let n = wasi::fd_read(0, &iov(&mut buf)).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"hello stdin\n");
        assert_eq!(wasi::fd_read(0, &iov(&mut buf)).unwrap(), 0, "EOF stays EOF");
        assert_eq!(wasi::fd_read(0, &[]).unwrap(), 0);

        // Two iovecs: a host may write both (POSIX writev) or only the first non-empty one
        // (wasmtime); either way the rest follows and stdout reads `to stdout\n`.
        let msg = b"to stdout\n";
        let iovs = [
            wasi::Ciovec { buf: msg.as_ptr(), buf_len: 0 },
            wasi::Ciovec { buf: msg.as_ptr(), buf_len: 3 },
            wasi::Ciovec { buf: msg[3..].as_ptr(), buf_len: msg.len() - 3 },
        ];
        let n = wasi::fd_write(1, &iovs).unwrap();
        assert!(n == 3 || n == msg.len(), "fd_write of 3 + 7 bytes wrote {n}");
        write_all(1, &msg[n..]);
        assert_eq!(wasi::fd_write(2, &[wasi::Ciovec { buf: b"to stderr\n".as_ptr(), buf_len: 10 }]).unwrap(), 10);
        assert_eq!(wasi::fd_write(1, &[]).unwrap(), 0);
        assert_eq!(wasi::fd_write(1, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 0 }]).unwrap(), 0);

        // fdstat: fd_read for stdin and fd_write for stdout and stderr (base and inheriting),
        // as wasmtime reports, and poll_fd_readwrite, which wasmtime leaves out though it
        // polls stdio (see EXPECTATIONS.md, stdio-poll-rights); no flags; filetype unknown
        // unless a terminal.
        let poll = wasi::RIGHTS_POLL_FD_READWRITE;
        for (fd, rights) in
            [(0, wasi::RIGHTS_FD_READ | poll), (1, wasi::RIGHTS_FD_WRITE | poll), (2, wasi::RIGHTS_FD_WRITE | poll)]
        {
            let st = wasi::fd_fdstat_get(fd).unwrap();
            assert_eq!(st.fs_rights_base, rights, "fd {fd} base rights");
            assert_eq!(st.fs_rights_inheriting, rights, "fd {fd} inheriting rights");
            assert_eq!(st.fs_flags, 0, "fd {fd} flags");
            assert!(
                st.fs_filetype == wasi::FILETYPE_UNKNOWN || st.fs_filetype == wasi::FILETYPE_CHARACTER_DEVICE,
                "fd {fd} filetype {}",
                st.fs_filetype.name()
            );
            // filestat: the same filetype; wasmtime zeroes everything else.
            let fs = wasi::fd_filestat_get(fd).unwrap();
            assert_eq!(fs.filetype, st.fs_filetype, "fd {fd} filestat filetype");
            assert_eq!(fs.size, 0, "fd {fd} size");
        }

        // Streams do not seek: ESPIPE for seek, tell, pread on stdin and pwrite on
        // stdout/stderr; the wrong direction is EBADF (fd_pread on stdout included).
        for fd in 0..3 {
            check_errno!(wasi::fd_seek(fd, 0, wasi::WHENCE_CUR), ERRNO_SPIPE);
            check_errno!(wasi::fd_seek(fd, 0, wasi::WHENCE_SET), ERRNO_SPIPE);
            check_errno!(wasi::fd_tell(fd), ERRNO_SPIPE);
        }
        check_errno!(wasi::fd_pread(0, &iov(&mut buf[..1]), 0), ERRNO_SPIPE);
        check_errno!(wasi::fd_pwrite(1, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }], 0), ERRNO_SPIPE);
        check_errno!(wasi::fd_pwrite(2, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }], 0), ERRNO_SPIPE);
        check_errno!(wasi::fd_pread(1, &iov(&mut buf[..1]), 0), ERRNO_BADF);
        check_errno!(wasi::fd_pwrite(0, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }], 0), ERRNO_BADF);
        check_errno!(wasi::fd_write(0, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }]), ERRNO_BADF);
        check_errno!(wasi::fd_read(1, &iov(&mut buf[..1])), ERRNO_BADF);
        check_errno!(wasi::fd_read(2, &iov(&mut buf[..1])), ERRNO_BADF);

        // File-only and directory-only calls on a stream: EBADF (wasmtime looks the fd up
        // as a file or a directory and finds neither).
        for fd in 0..3 {
            check_errno!(wasi::fd_advise(fd, 0, 0, wasi::ADVICE_NORMAL), ERRNO_BADF);
            check_errno!(wasi::fd_allocate(fd, 0, 1), ERRNO_BADF);
            check_errno!(wasi::fd_sync(fd), ERRNO_BADF);
            check_errno!(wasi::fd_datasync(fd), ERRNO_BADF);
            check_errno!(wasi::fd_filestat_set_size(fd, 0), ERRNO_BADF);
            check_errno!(wasi::fd_filestat_set_times(fd, 0, 0, wasi::FSTFLAGS_MTIM_NOW), ERRNO_BADF);
            check_errno!(wasi::fd_fdstat_set_flags(fd, 0), ERRNO_BADF);
            check_errno!(wasi::fd_readdir(fd, buf.as_mut_ptr(), buf.len(), 0), ERRNO_BADF);
            check_errno!(wasi::path_open(fd, 0, "x", 0, 0, 0, 0), ERRNO_BADF);
            check_errno!(wasi::path_create_directory(fd, "x"), ERRNO_BADF);
            check_errno!(wasi::path_filestat_get(fd, 0, "x"), ERRNO_BADF);
            check_errno!(wasi::path_unlink_file(fd, "x"), ERRNO_BADF);
        }

        // Renumbering stderr onto stdout: writes to 1 now go to stderr, and 2 is closed.
        wasi::fd_renumber(2, 1).unwrap();
        assert_eq!(wasi::fd_write(1, &[wasi::Ciovec { buf: b"renumbered\n".as_ptr(), buf_len: 11 }]).unwrap(), 11);
        check_errno!(wasi::fd_write(2, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }]), ERRNO_BADF);
        check_errno!(wasi::fd_fdstat_get(2), ERRNO_BADF);
        check_errno!(wasi::fd_renumber(2, 1), ERRNO_BADF);
        // Renumbering onto itself changes nothing.
        wasi::fd_renumber(1, 1).unwrap();
        assert_eq!(wasi::fd_fdstat_get(1).unwrap().fs_rights_base, wasi::RIGHTS_FD_WRITE | poll);
        // Closing stdin: it is gone; closing it again is EBADF.
        wasi::fd_close(0).unwrap();
        check_errno!(wasi::fd_read(0, &iov(&mut buf[..1])), ERRNO_BADF);
        check_errno!(wasi::fd_close(0), ERRNO_BADF);
    }
}
