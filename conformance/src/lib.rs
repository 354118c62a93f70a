//! The conformance tests' shared parts: the guests' expectations, the differential check
//! against wasmtime's recorded answers, and the syscall fuzzer's driver. Guests run through
//! `wasi-core`'s own wasmi binding (`wasi_core::wasmi`); so does the `wasi-run` CLI.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod backend;
pub mod differential;
pub mod expectations;
pub mod fuzz;

pub use backend::Backend;
