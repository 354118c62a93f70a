//! `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`: counts, sizes, the
//! pointer table, NUL termination, and out-of-bounds pointers.

/// Fetches `count` strings of `size` bytes in all, checking the pointer table: each pointer
/// points into the buffer, at the start of its NUL-terminated string, in order.
fn strings(count: usize, size: usize, get: unsafe fn(*mut *mut u8, *mut u8) -> Result<(), wasi::Errno>) -> Vec<String> {
    // One spare pointer and one spare byte, filled with a marker the host must not touch.
    let mut ptrs = vec![usize::MAX as *mut u8; count + 1];
    let mut buf = vec![0xAAu8; size + 1];
    // SAFETY: the host writes `count` pointers and `size` bytes, as it said it would.
    unsafe { get(ptrs.as_mut_ptr(), buf.as_mut_ptr()) }.expect("get");
    assert_eq!(ptrs[count], usize::MAX as *mut u8, "the host wrote past the pointer table");
    assert_eq!(buf[size], 0xAA, "the host wrote past the string buffer");
    let buf = &buf[..size];
    if count > 0 {
        assert_eq!(buf.last(), Some(&0), "strings end with NUL");
    }
    let base = buf.as_ptr() as usize;
    let mut out = Vec::new();
    let mut at = 0;
    for (i, p) in ptrs[..count].iter().enumerate() {
        assert_eq!(*p as usize, base + at, "pointer {i} is not where string {i} starts");
        let len = buf[at..].iter().position(|b| *b == 0).expect("NUL-terminated");
        out.push(String::from_utf8(buf[at..at + len].to_vec()).expect("utf-8"));
        at += len + 1;
    }
    assert_eq!(at, size, "the sizes add up");
    out
}

fn main() {
    // SAFETY: WASI calls with valid out-pointers.
    let (argc, argv_size) = unsafe { wasi::args_sizes_get() }.unwrap();
    let args = strings(argc, argv_size, wasi::args_get);
    assert_eq!(args, ["args_env"], "args are [guest name]");
    assert_eq!(argv_size, "args_env".len() + 1);

    // SAFETY: as above.
    let (envc, env_size) = unsafe { wasi::environ_sizes_get() }.unwrap();
    let env = strings(envc, env_size, wasi::environ_get);
    assert!(env.iter().any(|e| e == "CONFORMANCE=1"), "env: {env:?}");
    assert!(env.iter().any(|e| e == "GUEST_ENV_A=alpha"), "env: {env:?}");
    assert!(env.iter().all(|e| e.contains('=')), "every entry is NAME=value: {env:?}");
    assert_eq!(env_size, env.iter().map(|e| e.len() + 1).sum::<usize>());
    // Calling again answers the same.
    // SAFETY: as above.
    assert_eq!(unsafe { wasi::environ_sizes_get() }.unwrap(), (envc, env_size));

    // std sees the same.
    assert_eq!(std::env::var("GUEST_ENV_A").as_deref(), Ok("alpha"));
    assert_eq!(std::env::args().collect::<Vec<_>>(), ["args_env"]);

    println!("args_env: ok");
}
