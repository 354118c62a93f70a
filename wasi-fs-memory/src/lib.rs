//! An in-memory [`VirtualFs`] for `wasi-core`: the fast default backend.
//!
//! It keeps a table of inodes — regular files, directories, symlinks — with hard links and
//! link counts, all three timestamps, and POSIX lifetime rules: an unlinked inode lives on
//! while an fd has it open. File data is stored in sparse 64 KiB chunks, so offsets past
//! 4 GiB cost only what is written. Directories find names through a hash table and keep
//! readdir cookies stable across changes. An optional quota answers `ENOSPC` instead of
//! growing further; it counts every byte the filesystem allocates (data, names, inodes,
//! tables and their spare capacity), so it bounds the memory a guest can make the host
//! hold.
//!
//! It does not persist anything, and it is not shared between threads.
#![no_std]
// Only the quota's allocator (`quota.rs`) needs `unsafe`.
#![deny(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

mod data;
mod dir;
mod fs;
mod node;
#[allow(unsafe_code)]
mod quota;

pub use fs::MemoryFs;
pub use wasi_core::VirtualFs;
