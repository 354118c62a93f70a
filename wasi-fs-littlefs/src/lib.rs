//! A [`VirtualFs`](wasi_core::VirtualFs) over littlefs on a RAM block device: memory bounded
//! by the capacity the embedder picks at run time, and a disk image that can be exported
//! and mounted again (to persist a filesystem between Worker requests, or ship one), read
//! and written by standard littlefs tools.
//!
//! The geometry is a run-time choice: littlefs2's safe wrapper fixes the block count at
//! compile time (`Storage::BLOCK_COUNT`) and keeps its `lfs_config` private, so this crate
//! drives littlefs through `littlefs2-sys` with a config it builds itself; that FFI lives
//! in one module. New disks have 4 KiB blocks unless the embedder picks another size
//! ([`LittleFs::with_block_size`]); an image's block size is read from its superblock.
//!
//! # Inodes, names and timestamps
//!
//! littlefs is path-based; inodes are emulated by a cache of nodes, each its parent's
//! inode and its own name (see `nodes.rs`), and inode numbers are hashes of those, so a
//! file keeps its number across lookups and mounts without littlefs storing one.
//! Timestamps live in a littlefs attribute (`t`: `atim`, `mtim`, `ctim`, little-endian; a
//! directory's adds a byte saying whether it may hold symlinks), a symlink is a file marked
//! by another attribute (`l`) and holding its target. A file's timestamps are committed with
//! its data; a directory's are kept in memory and written when its node leaves the cache,
//! at `fd_sync`, and by [`LittleFs::flush`] (which an export does first).
//!
//! # Speed
//!
//! littlefs files are kept open between calls, and forward runs of writes are committed
//! together (see `data.rs`): a write in the middle of a file costs a copy of the rest of
//! it once per run rather than once per call. Looked-up names are cached, so a path
//! resolved again costs no walk of littlefs, and a name not cached costs one walk.
//!
//! Our littlefs (vendor/littlefs2-sys, see its VENDORED.md) does not read back what it
//! programs, computes CRCs 4 bytes at a time, filters a compaction's tags once rather
//! than once per pass, creates a file with its attributes in one commit, and lets us
//! remember the metadata pairs it fetched (`memo.rs`), so that a lookup in a long
//! directory reads only the pair that holds the name. What is left is littlefs's own: a
//! full metadata log is compacted (quadratic in the tags of a block, once), emptying a
//! directory's first pair rewrites the chain's links, and removing a directory walks
//! every directory's metadata (littlefs's threaded list).
//!
//! # Memory
//!
//! Whatever a guest does, the backend holds at most: the disk's blocks (only those ever
//! written: at most the capacity `C`), a table of at most 16 bytes per block of `B` bytes
//! (made 64 blocks at a time, as they are first written), and a fixed allowance — littlefs's caches and allocator bitmap (under 80 KiB for any disk up
//! to 2 GiB), at most 16 littlefs files kept open (4.3 KiB each), a 16 KiB copy buffer,
//! 2048 cached nodes (~170 bytes each plus their names), 4 directory listings in
//! progress (their names) and the memo of metadata pairs (at most 4096, with at most
//! 256 KiB of names: about 1 MiB). Beyond that it grows only with what the guest holds: a littlefs
//! file (4.3 KiB) for each file unlinked while an fd holds it, and the nodes of the
//! directories above each open fd. `tests/memory_use.rs` runs hostile sequences (create,
//! list and unlink in a loop; 3,000 lookups of missing names; nesting; 500 fds; a full
//! disk; 1,500 directories of 255-byte names looked up and into) and checks
//! `C + 16·C/B + 2 MiB` (the most it measured over `C`: 0.58 MiB; the memo's 1 MiB is the
//! rest), not counting the allocator's own few bytes per allocation (per block, ~0.3%).
//!
//! # Limits
//!
//! What littlefs cannot carry: hard links (`features().hard_links` is false, so the core
//! answers `ENOTSUP`) and files of 2 GiB or more (`EFBIG`). Names are at most 255 bytes.
//! Readdir cookies name a snapshot of the directory taken when its listing starts (a few
//! are kept), so they stay valid while entries come and go; a listing is sorted by name.
//! A file unlinked while open lives on in its open littlefs file, outside the tree: never
//! in an image, and gone with the last fd.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;

mod blocks;
mod data;
mod fs;
mod geometry;
mod image;
mod listing;
mod memo;
mod nodes;
mod raw;

pub use fs::LittleFs;
pub use geometry::{DEFAULT_BLOCK_SIZE, MAX_CAPACITY};
pub use image::{ImageError, ImageLoader};
