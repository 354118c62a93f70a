//! `proc_exit`: the exit code reaches the host, and what was written before it is kept.

fn main() {
    println!("exiting with 42");
    // SAFETY: proc_exit does not return.
    unsafe { wasi::proc_exit(42) };
    unreachable!("proc_exit returned");
}
