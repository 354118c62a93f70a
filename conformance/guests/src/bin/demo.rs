//! A small tour for `wasi-run`: lists the first preopened directory, makes a symlink,
//! reads it back, sleeps 10 ms with `poll_oneoff`, and exits with code 3.

use conformance_guests::{list, SANDBOX};

fn main() {
    for (name, ty, _) in list(SANDBOX, 1024) {
        println!("{:<9} {name}", ty.name());
    }
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        wasi::path_symlink("hello.txt", SANDBOX, "demo-link").unwrap();
        let mut target = [0u8; 64];
        let n = wasi::path_readlink(SANDBOX, "demo-link", target.as_mut_ptr(), 64).unwrap();
        println!("demo-link -> {}", String::from_utf8_lossy(&target[..n]));
        let sub = wasi::Subscription {
            userdata: 1,
            u: wasi::SubscriptionU {
                tag: wasi::EVENTTYPE_CLOCK.raw(),
                u: wasi::SubscriptionUU {
                    clock: wasi::SubscriptionClock {
                        id: wasi::CLOCKID_MONOTONIC,
                        timeout: 10_000_000,
                        precision: 0,
                        flags: 0,
                    },
                },
            },
        };
        let mut event = std::mem::MaybeUninit::<wasi::Event>::uninit();
        let t0 = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).unwrap();
        wasi::poll_oneoff(&sub, event.as_mut_ptr(), 1).unwrap();
        let t1 = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).unwrap();
        println!("slept {} ms", (t1 - t0) / 1_000_000);
        wasi::proc_exit(3);
    }
}
