//! The `wasi_snapshot_preview1` syscalls, independent of any wasm engine, JS, or storage.
//!
//! A host builds a [`WasiCtx`] with arguments, environment, host services ([`Clock`],
//! [`Random`], stdio streams) and preopened directories, each backed by a [`VirtualFs`];
//! it then forwards each of the 46 guest imports (see [`wasi_abi::for_each_function`]) to
//! the method of the same name, handing it the guest's memory as a [`GuestMemory`].
//!
//! What it does: the fd table, rights, sandboxed path resolution (component by component,
//! symlinks followed at most 40 deep, no way out of the directory fd a path is relative to),
//! stdio, clocks, random, `poll_oneoff`. What it does not do: store files (that is the
//! backend's job), sockets (`sock_*` answer as wasmtime does for non-socket fds), threads,
//! or any I/O of its own.
//!
//! It is `no_std` (with `alloc`). Two features add what a Rust host on an operating system
//! wants:
//! - `std`: [`native`] host services (the system clock, the OS's random source, the
//!   process's stdio) and [`copy_into`], which copies a host directory into a backend;
//! - `wasmi`: [`wasmi`](mod@wasmi), which runs a guest inside the wasmi interpreter: with a
//!   backend such as `wasi-fs-memory`, a guest runs in about ten lines (see its example).
//!
//! A backend implements [`VirtualFs`], whose docs say what the core asks of it.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "std")]
extern crate std;

mod builder;
mod ctx;
mod fdtable;
mod host;
#[cfg(all(feature = "std", unix))]
mod hostdir;
mod memory;
#[cfg(feature = "std")]
pub mod native;
mod path;
pub mod sorted_map;
mod syscalls;
mod vfs;
#[cfg(feature = "wasmi")]
pub mod wasmi;

pub use builder::{BuildError, WasiCtxBuilder};
pub use ctx::{I32Exit, WasiCtx};
pub use host::{BytesInput, Clock, Discard, EmptyInput, InputStream, OutputStream, Random, Readiness, Waited};
#[cfg(all(feature = "std", unix))]
pub use hostdir::copy_into;
pub use memory::GuestMemory;
pub use sorted_map::SortedMap;
pub use vfs::{DirEntry, Features, Ino, NewNode, Timestamp, VirtualFs};
pub use wasi_abi;
pub use wasi_abi::Errno;

/// Turns a syscall result into the raw errno a guest receives.
pub fn errno_code(result: Result<(), Errno>) -> u32 {
    match result {
        Ok(()) => 0,
        Err(e) => u32::from(e.raw()),
    }
}
