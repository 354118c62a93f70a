//! Blocking stdio for the JSPI tests: what it does is named by its first argument.
//! - (none) or `echo`: copies stdin to stdout chunk by chunk, flushing each, so output can
//!   stream before input ends.
//! - `sleep MS`: sleeps MS milliseconds with `poll_oneoff` on a relative monotonic clock,
//!   then prints `slept N ms` (N from the monotonic clock, which must have moved by MS).
//! - `flood MIB`: writes MIB MiB to stdout in 64 KiB writes, then `done` to stderr.
//! - `repl`: reads lines; answers each with `> LINE`; stops at end of input or at `quit`.

use std::io::{BufRead, Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        None | Some("echo") => echo(),
        Some("sleep") => sleep(args[2].parse().expect("sleep MS")),
        Some("flood") => flood(args[2].parse().expect("flood MIB")),
        Some("repl") => repl(),
        Some(other) => panic!("unknown mode {other}"),
    }
}

fn echo() {
    let mut out = std::io::stdout().lock();
    let mut stdin = std::io::stdin().lock();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stdin.read(&mut buf).expect("reading stdin");
        if n == 0 {
            return;
        }
        out.write_all(&buf[..n]).expect("writing stdout");
        out.flush().expect("flushing stdout");
    }
}

fn monotonic() -> u64 {
    // SAFETY: a WASI call with a valid clock id.
    unsafe { wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1) }.expect("clock_time_get")
}

fn sleep(ms: u64) {
    let before = monotonic();
    let sub = wasi::Subscription {
        userdata: 7,
        u: wasi::SubscriptionU {
            tag: wasi::EVENTTYPE_CLOCK.raw(),
            u: wasi::SubscriptionUU {
                clock: wasi::SubscriptionClock {
                    id: wasi::CLOCKID_MONOTONIC,
                    timeout: ms * 1_000_000,
                    precision: 0,
                    flags: 0,
                },
            },
        },
    };
    let mut event = std::mem::MaybeUninit::<wasi::Event>::uninit();
    // SAFETY: one subscription in, room for one event out.
    let n = unsafe { wasi::poll_oneoff(&sub, event.as_mut_ptr(), 1) }.expect("poll_oneoff");
    assert_eq!(n, 1);
    // SAFETY: the host wrote one event.
    let event = unsafe { event.assume_init() };
    assert_eq!((event.userdata, event.error, event.type_), (7, wasi::ERRNO_SUCCESS, wasi::EVENTTYPE_CLOCK));
    let slept = (monotonic() - before) / 1_000_000;
    assert!(slept >= ms, "poll_oneoff returned after {slept} of {ms} ms");
    println!("slept {ms} ms");
}

fn flood(mib: usize) {
    let chunk = vec![b'x'; 64 * 1024];
    let mut out = std::io::stdout().lock();
    for _ in 0..mib * 16 {
        out.write_all(&chunk).expect("writing stdout");
    }
    out.flush().expect("flushing stdout");
    eprintln!("done");
}

fn repl() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.expect("reading a line");
        if line == "quit" {
            break;
        }
        writeln!(out, "> {line}").expect("answering");
        out.flush().expect("flushing");
    }
}
