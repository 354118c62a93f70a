//! Runs WASI preview1 guests from JavaScript (Cloudflare Workers, Node, browsers) through
//! `wasi-core`. This crate is the only one that knows JS; the npm package in `js/` wraps it.
//!
//! How a guest reaches the core: every host created from JS is a slot in a table here. The
//! 46 syscalls are exported raw (`wasi_<name>`, taking the slot first), so a guest's import
//! is a one-line JS function that adds the slot and calls straight into this module. Guest
//! memory belongs to another wasm instance: the core reaches it through JS functions
//! (`guest_read`, `guest_write`) that copy through cached typed-array views.
//!
//! What it does not do yet: the littlefs backend, streaming stdin (stdin is read fully
//! before the guest starts), and JSPI suspension.
#![deny(missing_docs)]

mod api;
mod bridge;
mod services;
mod syscalls;

pub use api::*;
