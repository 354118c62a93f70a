//! Arguments no call can use, which wasmtime refuses by trapping the guest (its wiggle
//! bindings trap on an out-of-bounds pointer and on a value that is no member of an enum
//! or flags type) and this host refuses with an errno, as its design asks (errors are
//! values; see EXPECTATIONS.md, `bad-pointer-traps` and `invalid-value-traps`): EFAULT for
//! a pointer outside memory, EINVAL for the value. Every other guest passes under wasmtime.

use conformance_guests::{check_errno, check_raw, close, create_file, open, scratch};
use wasi::wasi_snapshot_preview1 as raw;

fn main() {
    let dir = scratch("refused_arguments");
    create_file(dir, "f", b"0123456789");
    let fd = open(dir, "f", 0).unwrap();
    let mut out = 0u64;
    let out_ptr = &mut out as *mut u64 as i32;
    // SAFETY: raw calls with deliberately bad arguments; the host must refuse them.
    unsafe {
        // Out-of-bounds result pointers and buffers: EFAULT.
        check_raw!(raw::args_sizes_get(-8, -4), ERRNO_FAULT);
        check_raw!(raw::args_get(-4, 0), ERRNO_FAULT);
        check_raw!(raw::environ_get(0, -2), ERRNO_FAULT);
        check_raw!(raw::environ_sizes_get(i32::MAX, 0), ERRNO_FAULT);
        check_raw!(raw::clock_time_get(0, 1, -4), ERRNO_FAULT);
        check_raw!(raw::clock_res_get(1, -4), ERRNO_FAULT);
        check_raw!(raw::random_get(-16, 32), ERRNO_FAULT);
        check_raw!(raw::fd_prestat_get(conformance_guests::SANDBOX as i32, -2), ERRNO_FAULT);
        // Bad iovec pointers: the array, or a buffer it points at.
        check_raw!(raw::fd_write(fd as i32, -8, 1, 0), ERRNO_FAULT);
        let bad_iov = [wasi::Ciovec { buf: usize::MAX as *const u8, buf_len: 10 }];
        check_errno!(wasi::fd_write(fd, &bad_iov), ERRNO_FAULT);
        assert_eq!(wasi::fd_filestat_get(fd).unwrap().size, 10, "a refused write wrote nothing");
        // path_open: a path outside memory, a result pointer outside memory (checked before
        // anything is created).
        check_raw!(raw::path_open(dir as i32, 0, -4, 8, 0, 0, 0, 0, 0), ERRNO_FAULT);
        check_raw!(
            raw::path_open(dir as i32, 0, b"new".as_ptr() as i32, 3, wasi::OFLAGS_CREAT as i32, 0, 0, 0, -4),
            ERRNO_FAULT
        );
        check_errno!(wasi::path_filestat_get(dir, 0, "new"), ERRNO_NOENT);

        // Values that are no member of their type: EINVAL, and nothing happens.
        check_raw!(raw::clock_time_get(99, 1, out_ptr), ERRNO_INVAL);
        check_raw!(raw::clock_time_get(4, 1, out_ptr), ERRNO_INVAL);
        check_raw!(raw::clock_res_get(99, out_ptr), ERRNO_INVAL);
        check_raw!(raw::clock_res_get(4, out_ptr), ERRNO_INVAL);
        assert_eq!(out, 0, "a failed call writes nothing");
        check_raw!(raw::proc_raise(99), ERRNO_INVAL);
        check_raw!(raw::fd_fdstat_set_flags(fd as i32, 0x100), ERRNO_INVAL);
        check_raw!(raw::fd_advise(fd as i32, 0, 0, 9), ERRNO_INVAL);
        let mut pos = 0u64;
        check_raw!(raw::fd_seek(fd as i32, 0, 3, &mut pos as *mut u64 as i32), ERRNO_INVAL);
        assert_eq!(wasi::fd_tell(fd).unwrap(), 0, "a failed seek leaves the position");
        check_raw!(raw::fd_filestat_set_times(fd as i32, 0, 0, 0x10), ERRNO_INVAL);
        let mut new_fd = 0u32;
        let new_ptr = &mut new_fd as *mut u32 as i32;
        check_raw!(raw::path_open(dir as i32, 0, b"new".as_ptr() as i32, 3, 0x10, 0, 0, 0, new_ptr), ERRNO_INVAL);
        check_raw!(raw::path_open(dir as i32, 0, b"f".as_ptr() as i32, 1, 0, 1 << 40, 0, 0, new_ptr), ERRNO_INVAL);
        check_raw!(raw::path_open(dir as i32, 2, b"f".as_ptr() as i32, 1, 0, 0, 0, 0, new_ptr), ERRNO_INVAL);
        check_raw!(raw::path_open(dir as i32, 0, b"f".as_ptr() as i32, 1, 0, 0, 0, 0x20, new_ptr), ERRNO_INVAL);
        check_raw!(raw::fd_fdstat_set_rights(fd as i32, 1 << 40, 0), ERRNO_INVAL);
    }
    close(fd);
    close(dir);
    println!("refused_arguments: ok");
}
