//! An in-memory [`VirtualFs`] for `wasi-core`: the fast default backend.
//!
//! It keeps a table of inodes — regular files, directories, symlinks — with hard links and
//! link counts, all three timestamps, and POSIX lifetime rules: an unlinked inode lives on
//! while an fd has it open. File data is stored in sparse 64 KiB chunks, so offsets past
//! 4 GiB cost only what is written. An optional byte quota (file data, symlink targets and
//! a fixed cost per inode and per name) answers `ENOSPC` instead of growing further.
//!
//! It does not persist anything, and it is not shared between threads.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

mod data;
mod dir;
mod fs;
mod node;

pub use fs::MemoryFs;
pub use wasi_core::VirtualFs;
