//! Runs WASI guests natively through `wasi-core` inside the `wasmi` interpreter: the
//! engine binding, native host services (clock, random, stdio), and copying a host
//! directory into a backend. The `wasi-run` CLI and the conformance tests are built on it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod binding;
pub mod differential;
pub mod expectations;
pub mod fuzz;
mod hostdir;
mod services;

pub use binding::{run, Instance, Program, RunError};
pub use hostdir::copy_into;
pub use services::{Captured, HostStderr, HostStdin, HostStdout, OsRandom, SystemClock};
