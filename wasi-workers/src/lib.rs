//! The wasm module behind the npm package: runs one WASI preview1 host at a time per
//! instance, for Cloudflare Workers, Node and browsers, through `wasi-core`.
//!
//! Each `new WASI()` in JS runs on an instance of this module of its own while it is open;
//! a closed host's instance is reset (`api::host_reset`) and serves a later host, since a
//! new instance costs far more than the rest of a host. The guest imports its host's
//! thunk (`syscalls.rs`), whose 46 functions call this instance's `syscall` export — wasm
//! to wasm, with no JS frame and no argument conversion in between — and which only the
//! guest of the host that owns the instance now gets through. Guest memory belongs to the
//! guest's instance; the core reaches it through the few JS functions of `bridge.rs`,
//! which copy through cached typed-array views.
//!
//! The module is `no_std` with no JS-binding generator: what JS calls to set a host up
//! ([`api`]) passes numbers and byte ranges, and errors come back as codes with a static
//! reason. That keeps the module small (it is shipped to every Worker) and the call path
//! free of glue.
//!
//! Blocking (stdin that has not arrived, a full stdout queue, a sleep) suspends the guest
//! through JSPI while JS runs it under `WebAssembly.promising`, and is answered at once
//! otherwise (see `services.rs`). What it does not do: threads, or guests that share their
//! memory.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(missing_docs)]

extern crate alloc;

// The module only makes sense inside a wasm instance: natively the crate is empty.
#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod bridge;
#[cfg(target_arch = "wasm32")]
mod calls;
#[cfg(target_arch = "wasm32")]
mod heap;
#[cfg(target_arch = "wasm32")]
mod services;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
pub mod syscalls;
#[cfg(target_arch = "wasm32")]
pub mod tree;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: heap::Heap = heap::Heap::new();

/// A panic is a bug in the host; it can only trap, and formatting its message would cost
/// more code than the rest of the error paths together.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
