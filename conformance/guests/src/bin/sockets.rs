//! `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`: no fd is a socket here, so
//! they answer ENOTSOCK (after EBADF for a closed fd), as wasmtime does.

use conformance_guests::{check_errno, create_file, open, scratch, SANDBOX};

fn main() {
    let dir = scratch("sockets");
    create_file(dir, "f", b"x");
    let f = open(dir, "f", 0).unwrap();
    let mut buf = [0u8; 4];
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        for fd in [0, 1, f, SANDBOX] {
            check_errno!(wasi::sock_accept(fd, 0), ERRNO_NOTSOCK);
            check_errno!(wasi::sock_recv(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: 4 }], 0), ERRNO_NOTSOCK);
            check_errno!(wasi::sock_send(fd, &[wasi::Ciovec { buf: buf.as_ptr(), buf_len: 4 }], 0), ERRNO_NOTSOCK);
            check_errno!(wasi::sock_shutdown(fd, wasi::SDFLAGS_RD), ERRNO_NOTSOCK);
        }
        check_errno!(wasi::sock_accept(99, 0), ERRNO_BADF);
        check_errno!(wasi::sock_recv(99, &[], 0), ERRNO_BADF);
        check_errno!(wasi::sock_send(99, &[], 0), ERRNO_BADF);
        check_errno!(wasi::sock_shutdown(99, wasi::SDFLAGS_WR), ERRNO_BADF);
    }
    println!("sockets: ok");
}
