//! `clock_res_get`, `clock_time_get`, `random_get`, `sched_yield`, `proc_raise`.

use conformance_guests::check_errno;
use wasi::wasi_snapshot_preview1 as raw;

fn main() {
    // SAFETY: WASI calls with valid arguments, and raw calls with deliberately bad ones.
    unsafe {
        for clock in [wasi::CLOCKID_REALTIME, wasi::CLOCKID_MONOTONIC] {
            let res = wasi::clock_res_get(clock).unwrap();
            assert!(res > 0 && res <= 1_000_000_000, "resolution {res}");
        }
        let real = wasi::clock_time_get(wasi::CLOCKID_REALTIME, 1).unwrap();
        assert!(real > 1_600_000_000_000_000_000, "realtime {real} is after 2020");
        let a = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).unwrap();
        let b = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).unwrap();
        assert!(b >= a, "monotonic went back: {a} then {b}");
        // CPU-time clocks are not offered (wasmtime answers EBADF).
        check_errno!(wasi::clock_time_get(wasi::CLOCKID_PROCESS_CPUTIME_ID, 1), ERRNO_BADF);
        check_errno!(wasi::clock_res_get(wasi::CLOCKID_THREAD_CPUTIME_ID), ERRNO_BADF);
        // An unknown clock id is EINVAL.
        assert_eq!(raw::clock_time_get(99, 1, 0), wasi::ERRNO_INVAL.raw() as i32);
        assert_eq!(raw::clock_res_get(4, 0), wasi::ERRNO_INVAL.raw() as i32);
        assert_eq!(raw::clock_time_get(0, 1, -4), wasi::ERRNO_FAULT.raw() as i32);

        // random_get: empty, small, large, and two draws differ.
        wasi::random_get(std::ptr::null_mut(), 0).unwrap();
        let mut one = [0u8; 1];
        wasi::random_get(one.as_mut_ptr(), 1).unwrap();
        let mut big = vec![0u8; 1 << 20];
        wasi::random_get(big.as_mut_ptr(), big.len()).unwrap();
        assert!(big.iter().filter(|b| **b == 0).count() < 1 << 14, "1 MiB of random bytes is mostly zeros");
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        wasi::random_get(x.as_mut_ptr(), 32).unwrap();
        wasi::random_get(y.as_mut_ptr(), 32).unwrap();
        assert_ne!(x, y);
        assert_eq!(raw::random_get(-16, 32), wasi::ERRNO_FAULT.raw() as i32);

        wasi::sched_yield().unwrap();
        // Signals are not delivered: ENOTSUP, as wasmtime.
        check_errno!(wasi::proc_raise(wasi::SIGNAL_TERM), ERRNO_NOTSUP);
    }
    println!("clocks_random: ok");
}
