//! The `wasi_snapshot_preview1` ABI: every type of `typenames.witx` and the list of the 46
//! functions of `wasi_snapshot_preview1.witx`, with their lowered wasm signatures.
//!
//! This crate only describes the ABI: errno codes with names and messages, flags as
//! `bitflags`, enums that decode fallibly, and records that encode to and decode from guest
//! bytes at the witx offsets. It performs no syscalls and touches no memory but the arrays
//! it is handed. The witx files it is checked against are vendored in `witx/`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(test)]
extern crate alloc;
#[cfg(test)]
extern crate std;

mod enums;
mod errno;
mod flags;
mod functions;
mod records;

pub use enums::{Advice, Clockid, Eventtype, Filetype, Preopentype, Signal, Whence};
pub use errno::Errno;
pub use flags::{
    Eventrwflags, Fdflags, Fstflags, Lookupflags, Oflags, Riflags, Rights, Roflags, Sdflags, Siflags, Subclockflags,
};
pub use functions::{Function, ValType, FUNCTIONS, MODULE};
pub use records::{
    Dirent, Event, Fdstat, Filestat, Iovec, Layout, Prestat, Subscription, SubscriptionClock, SubscriptionU,
    SUBSCRIPTION_U_PAYLOAD,
};
