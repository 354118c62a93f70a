//! stdio: `fd_read` of stdin, `fd_write` to stdout and stderr, their fdstat and filestat,
//! seeking (ESPIPE), wrong directions (EBADF), and `fd_renumber` of stdio.

use conformance_guests::check_errno;

fn main() {
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        let mut buf = [0u8; 64];
        let mut got = Vec::new();
        loop {
            let n = wasi::fd_read(0, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: buf.len() }]).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"hello stdin\n");

        let msg = b"to stdout\n";
        let n = wasi::fd_write(1, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 3 }, wasi::Ciovec { buf: msg[3..].as_ptr(), buf_len: msg.len() - 3 }]).unwrap();
        assert_eq!(n, msg.len());
        assert_eq!(wasi::fd_write(2, &[wasi::Ciovec { buf: b"to stderr\n".as_ptr(), buf_len: 10 }]).unwrap(), 10);
        assert_eq!(wasi::fd_write(1, &[]).unwrap(), 0);

        let st = wasi::fd_fdstat_get(0).unwrap();
        assert_ne!(st.fs_rights_base & wasi::RIGHTS_FD_READ, 0);
        assert_eq!(st.fs_rights_base & wasi::RIGHTS_FD_WRITE, 0);
        let st = wasi::fd_fdstat_get(1).unwrap();
        assert_ne!(st.fs_rights_base & wasi::RIGHTS_FD_WRITE, 0);
        assert!(st.fs_filetype == wasi::FILETYPE_UNKNOWN || st.fs_filetype == wasi::FILETYPE_CHARACTER_DEVICE);
        wasi::fd_filestat_get(1).unwrap();

        check_errno!(wasi::fd_seek(0, 0, wasi::WHENCE_CUR), ERRNO_SPIPE);
        check_errno!(wasi::fd_tell(1), ERRNO_SPIPE);
        check_errno!(wasi::fd_pread(0, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 1 }], 0), ERRNO_SPIPE);
        check_errno!(wasi::fd_write(0, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }]), ERRNO_BADF);
        check_errno!(wasi::fd_read(1, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 1 }]), ERRNO_BADF);
        // Path syscalls on a stream are EBADF, not a crash.
        check_errno!(wasi::path_open(1, 0, "x", 0, 0, 0, 0), ERRNO_BADF | ERRNO_NOTDIR);

        // stderr renumbered onto stdout: writes to 1 now go to stderr, and 2 is closed.
        wasi::fd_renumber(2, 1).unwrap();
        assert_eq!(wasi::fd_write(1, &[wasi::Ciovec { buf: b"renumbered\n".as_ptr(), buf_len: 11 }]).unwrap(), 11);
        check_errno!(wasi::fd_write(2, &[wasi::Ciovec { buf: msg.as_ptr(), buf_len: 1 }]), ERRNO_BADF);
        check_errno!(wasi::fd_renumber(2, 1), ERRNO_BADF);
        // Renumbering onto itself changes nothing.
        wasi::fd_renumber(1, 1).unwrap();
        wasi::fd_close(0).unwrap();
        check_errno!(wasi::fd_read(0, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 1 }]), ERRNO_BADF);
    }
}
