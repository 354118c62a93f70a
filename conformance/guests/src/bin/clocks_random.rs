//! `clock_res_get`, `clock_time_get`, `random_get`, `sched_yield`, `proc_raise`.

use conformance_guests::{check_errno, AFTER_2020};

fn main() {
    // SAFETY: WASI calls with valid arguments, and raw calls with deliberately bad ones.
    unsafe {
        // Resolutions: positive and at most a second.
        for clock in [wasi::CLOCKID_REALTIME, wasi::CLOCKID_MONOTONIC] {
            let res = wasi::clock_res_get(clock).unwrap();
            assert!(res > 0 && res <= 1_000_000_000, "resolution {res}");
        }
        // Realtime is after 2020 and before 2200; the precision argument is only a hint.
        for precision in [0, 1, 1_000_000, u64::MAX] {
            let real = wasi::clock_time_get(wasi::CLOCKID_REALTIME, precision).unwrap();
            assert!(real > AFTER_2020 && real < 7_258_118_400_000_000_000, "realtime {real}");
        }
        // Monotonic never goes back.
        let mut last = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0).unwrap();
        for _ in 0..1000 {
            let now = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).unwrap();
            assert!(now >= last, "monotonic went back: {last} then {now}");
            last = now;
        }

        // CPU-time clocks are not offered: wasmtime answers EBADF for both functions
        // (crates/wasi/src/preview1.rs, clock_res_get and clock_time_get).
        for clock in [wasi::CLOCKID_PROCESS_CPUTIME_ID, wasi::CLOCKID_THREAD_CPUTIME_ID] {
            check_errno!(wasi::clock_time_get(clock, 1), ERRNO_BADF);
            check_errno!(wasi::clock_res_get(clock), ERRNO_BADF);
        }

        // random_get: empty, one byte, 1 MiB, and two draws differ.
        wasi::random_get(std::ptr::null_mut(), 0).unwrap();
        let mut marker = [0x55u8; 3];
        wasi::random_get(marker.as_mut_ptr().add(1), 0).unwrap();
        assert_eq!(marker, [0x55; 3], "an empty draw writes nothing");
        // One byte lands exactly where asked: over 64 draws it varies, and never spills.
        let mut seen = std::collections::HashSet::new();
        for _ in 0..64 {
            let mut three = [0x55u8; 3];
            wasi::random_get(three.as_mut_ptr().add(1), 1).unwrap();
            assert_eq!((three[0], three[2]), (0x55, 0x55), "random_get wrote outside its buffer");
            seen.insert(three[1]);
        }
        assert!(seen.len() > 8, "64 random bytes took only {} values", seen.len());
        let mut big = vec![0u8; 1 << 20];
        wasi::random_get(big.as_mut_ptr(), big.len()).unwrap();
        let zeros = big.iter().filter(|b| **b == 0).count();
        assert!(zeros < 1 << 14, "1 MiB of random bytes holds {zeros} zeros");
        assert!(big[(1 << 20) - 64..].iter().any(|b| *b != 0), "the end of a 1 MiB draw is filled too");
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        wasi::random_get(x.as_mut_ptr(), 32).unwrap();
        wasi::random_get(y.as_mut_ptr(), 32).unwrap();
        assert_ne!(x, y, "two draws are equal");

        // sched_yield: always succeeds.
        for _ in 0..3 {
            wasi::sched_yield().unwrap();
        }

        // proc_raise: signals are not delivered; wasmtime answers ENOTSUP (preview1.rs).
        check_errno!(wasi::proc_raise(wasi::SIGNAL_TERM), ERRNO_NOTSUP);
        check_errno!(wasi::proc_raise(wasi::SIGNAL_NONE), ERRNO_NOTSUP);
    }
    println!("clocks_random: ok");
}
