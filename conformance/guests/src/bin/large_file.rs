//! Offsets past 4 GiB and long appends: `fd_pwrite`/`fd_pread`/`fd_seek` at 5 GiB, and
//! 1024 appends of 8 KiB read back intact.

use conformance_guests::{check_errno, open, scratch, write_all};

fn main() {
    let dir = scratch("large_file");
    let big = 5u64 << 30;
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        let fd = open(dir, "sparse", wasi::OFLAGS_CREAT).unwrap();
        if conformance_guests::small_backend() {
            // Files end below 2 GiB there.
            check_errno!(wasi::fd_pwrite(fd, &[wasi::Ciovec { buf: b"far".as_ptr(), buf_len: 3 }], big), ERRNO_FBIG);
            wasi::fd_close(fd).unwrap();
        } else {
            assert_eq!(wasi::fd_pwrite(fd, &[wasi::Ciovec { buf: b"far".as_ptr(), buf_len: 3 }], big).unwrap(), 3);
            assert_eq!(wasi::fd_filestat_get(fd).unwrap().size, big + 3);
            assert_eq!(wasi::fd_seek(fd, -3, wasi::WHENCE_END).unwrap(), big);
            let mut buf = [0u8; 8];
            let n = wasi::fd_pread(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 8 }], big - 5).unwrap();
            assert_eq!(&buf[..n], b"\0\0\0\0\0far");
            let n = wasi::fd_pread(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 8 }], 1 << 32).unwrap();
            assert_eq!(&buf[..n], &[0u8; 8], "the hole reads as zeros");
            wasi::fd_filestat_set_size(fd, 3 << 30).unwrap();
            assert_eq!(wasi::fd_filestat_get(fd).unwrap().size, 3 << 30);
            wasi::fd_close(fd).unwrap();
        }

        let fd = wasi::path_open(
            dir,
            0,
            "appended",
            wasi::OFLAGS_CREAT,
            wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_SEEK,
            0,
            wasi::FDFLAGS_APPEND,
        )
        .unwrap();
        let mut chunk = vec![0u8; 8192];
        for i in 0..1024u32 {
            chunk.fill((i % 251) as u8);
            write_all(fd, &chunk);
        }
        assert_eq!(wasi::fd_filestat_get(fd).unwrap().size, 1024 * 8192);
        for i in (0..1024u32).step_by(97) {
            let n = wasi::fd_pread(fd, &[wasi::Iovec { buf: chunk.as_mut_ptr(), buf_len: 8192 }], u64::from(i) * 8192)
                .unwrap();
            assert_eq!(n, 8192);
            assert!(chunk.iter().all(|b| *b == (i % 251) as u8), "chunk {i}");
        }
        wasi::fd_close(fd).unwrap();
    }
    println!("large_file: ok");
}
