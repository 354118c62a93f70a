//! `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`, and their bad pointers.

use wasi::wasi_snapshot_preview1 as raw;

fn strings(count: usize, size: usize, get: unsafe fn(*mut *mut u8, *mut u8) -> Result<(), wasi::Errno>) -> Vec<String> {
    let mut ptrs = vec![std::ptr::null_mut::<u8>(); count];
    let mut buf = vec![0u8; size];
    // SAFETY: the host writes `count` pointers and `size` bytes, as it said it would.
    unsafe { get(ptrs.as_mut_ptr(), buf.as_mut_ptr()) }.expect("get");
    assert_eq!(buf.last(), Some(&0), "strings end with NUL");
    buf.split(|b| *b == 0).take(count).map(|s| String::from_utf8(s.to_vec()).unwrap()).collect()
}

fn main() {
    // SAFETY: WASI calls with valid out-pointers.
    let (argc, argv_size) = unsafe { wasi::args_sizes_get() }.unwrap();
    let args = strings(argc, argv_size, wasi::args_get);
    assert_eq!(args.len(), 1, "args: {args:?}");
    assert_eq!(args[0], "args_env");
    assert_eq!(argv_size, "args_env".len() + 1);

    // SAFETY: as above.
    let (envc, env_size) = unsafe { wasi::environ_sizes_get() }.unwrap();
    let env = strings(envc, env_size, wasi::environ_get);
    assert!(env.contains(&"CONFORMANCE=1".to_string()), "env: {env:?}");
    assert!(env.contains(&"GUEST_ENV_A=alpha".to_string()), "env: {env:?}");
    assert_eq!(env_size, env.iter().map(|e| e.len() + 1).sum::<usize>());

    // std sees the same.
    assert_eq!(std::env::var("GUEST_ENV_A").as_deref(), Ok("alpha"));

    // Out-of-bounds pointers are EFAULT, never a host crash.
    // SAFETY: raw calls with deliberately bad addresses; the host must refuse them.
    unsafe {
        assert_eq!(raw::args_sizes_get(-8, -4), wasi::ERRNO_FAULT.raw() as i32);
        assert_eq!(raw::args_get(-4, 0), wasi::ERRNO_FAULT.raw() as i32);
        assert_eq!(raw::environ_get(0, -2), wasi::ERRNO_FAULT.raw() as i32);
        assert_eq!(raw::environ_sizes_get(i32::MAX, 0), wasi::ERRNO_FAULT.raw() as i32);
    }
    println!("args_env: ok");
}
