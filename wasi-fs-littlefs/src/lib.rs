//! A [`VirtualFs`](wasi_core::VirtualFs) over littlefs on a RAM block device: memory bounded
//! by the capacity the embedder picks at run time, and a disk image that can be exported
//! and mounted again (to persist a filesystem between Worker requests, or ship one).
//!
//! The capacity is a run-time choice: littlefs2's safe wrapper fixes the block count at
//! compile time (`Storage::BLOCK_COUNT`) and keeps its `lfs_config` private, so this crate
//! drives littlefs through `littlefs2-sys` with a config it builds itself (512-byte blocks,
//! `block_count` = capacity / 512); that FFI lives in one module. The disk is allocated
//! once: memory is the capacity plus about 2.7 KB, plus about 130 bytes per file seen.
//!
//! littlefs is path-based; inodes are emulated with a table of paths, stable for the life
//! of a mount. Timestamps live in a littlefs attribute, a symlink is a file marked by
//! another attribute and holding its target. A file unlinked or replaced while open moves
//! to a hidden directory until its last fd closes, so the fd keeps reading it.
//!
//! What littlefs cannot carry: hard links (`features().hard_links` is false, so the core
//! answers `ENOTSUP`) and files of 2 GiB or more (`EFBIG`). Names are at most 255 bytes.
//! Readdir cookies stay valid while entries come and go, at the cost of a table of the
//! names handed out; a listing is sorted by name.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;

mod blocks;
mod fs;
mod image;
mod raw;

pub use fs::LittleFs;
pub use image::ImageError;
