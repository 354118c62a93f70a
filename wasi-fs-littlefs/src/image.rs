//! Creating disks, loading images piece by piece, exporting them; bad ones are refused
//! with a reason.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::blocks::{Blocks, ERASED};
use crate::fs::LittleFs;
use crate::geometry::{Geometry, MAX_BLOCK_SIZE, MAX_CAPACITY, MIN_BLOCK_SIZE};
use crate::raw::{Lfs, MAX_DISK_VERSION};

/// Bytes per piece an [`ImageLoader`] keeps (the common block size: then pieces become
/// blocks as they are).
const PIECE: usize = 4096;
/// Where littlefs's superblock keeps its magic and the block size, in each block of the
/// superblock pair: after the revision count and a tag, "littlefs", a tag, the version.
const MAGIC_AT: usize = 8;
const VERSION_AT: usize = 20;
const BLOCK_SIZE_AT: usize = 24;

/// Why a capacity or an image was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// The capacity or image size is not a whole number of blocks, has fewer than 16, or
    /// is over 2 GiB.
    BadSize {
        /// The size given, in bytes.
        bytes: usize,
    },
    /// The block size is not one littlefs can use here (128 bytes to 1 MiB, a multiple of
    /// 16 unless odd-sized).
    BadBlockSize {
        /// The block size given.
        block_size: usize,
    },
    /// Image bytes were given past the image's length.
    OutOfRange {
        /// Where the bytes would end.
        end: usize,
    },
    /// The bytes are not a littlefs image this backend can mount (foreign or damaged).
    NotLittlefs,
    /// Formatting the new disk failed.
    Format,
}

impl ImageError {
    /// The reason without the figures: for callers that cannot afford `core::fmt` (the
    /// npm package's wasm adds the figures in JS).
    pub const fn reason(&self) -> &'static str {
        match self {
            ImageError::BadSize { .. } => {
                "a littlefs disk must be a whole number of blocks, at least 16 of them, and at most 2 GiB"
            }
            ImageError::BadBlockSize { .. } => "a littlefs block must be 128 bytes to 1 MiB, a multiple of 16 bytes",
            ImageError::OutOfRange { .. } => "image bytes were given past the image's length",
            ImageError::NotLittlefs => {
                "the image is not a littlefs disk whose blocks divide its length, or it is damaged"
            }
            ImageError::Format => "formatting the littlefs disk failed",
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())?;
        match self {
            ImageError::BadSize { bytes } => write!(f, "; got {bytes} bytes"),
            ImageError::BadBlockSize { block_size } => write!(f, "; got {block_size}"),
            ImageError::OutOfRange { end } => write!(f, "; they end at {end}"),
            _ => Ok(()),
        }
    }
}

impl core::error::Error for ImageError {}

/// Receives a disk image piece by piece, keeping only pieces that are not erased (all
/// `0xff`), then mounts it: an image never needs to be held twice, and its erased blocks
/// cost nothing.
pub struct ImageLoader {
    /// The image so far, in pieces of the largest power of two up to 4 KiB (the common
    /// block size: then pieces become blocks as they are) dividing its length.
    pieces: Blocks,
    block_size: Option<usize>,
}

impl ImageLoader {
    /// A loader for an image of `len` bytes: a whole number of 128-byte units (littlefs's
    /// smallest block), at most 2 GiB.
    pub fn new(len: usize) -> Result<ImageLoader, ImageError> {
        if len == 0 || len > MAX_CAPACITY || len % MIN_BLOCK_SIZE != 0 {
            return Err(ImageError::BadSize { bytes: len });
        }
        let mut piece = PIECE;
        while len % piece != 0 {
            piece /= 2;
        }
        Ok(ImageLoader {
            pieces: Blocks::erased(Geometry { block_size: piece, block_count: len / piece }),
            block_size: None,
        })
    }

    /// Mounts with this block size instead of the one the superblock gives.
    pub fn set_block_size(&mut self, block_size: usize) {
        self.block_size = Some(block_size);
    }

    /// Takes the image's bytes at `offset`.
    pub fn write(&mut self, offset: usize, bytes: &[u8]) -> Result<(), ImageError> {
        let g = self.pieces.geometry();
        let end = offset.checked_add(bytes.len()).filter(|end| *end <= g.capacity());
        let Some(end) = end else { return Err(ImageError::OutOfRange { end: offset.saturating_add(bytes.len()) }) };
        let mut at = offset;
        while at < end {
            let (piece, off) = (at / g.block_size, at % g.block_size);
            let n = (g.block_size - off).min(end - at);
            let data = &bytes[at - offset..at - offset + n];
            if !self.pieces.is_erased(piece) || data.iter().any(|b| *b != ERASED) {
                self.pieces.prog(piece, off, data);
            }
            at += n;
        }
        Ok(())
    }

    /// The on-disk version and block size in a superblock starting at `start`, if one is.
    fn superblock_at(&self, start: usize) -> Option<(u32, usize)> {
        let mut head = [0u8; BLOCK_SIZE_AT + 4];
        if self.pieces.read_image(start, &mut head) < head.len() || &head[MAGIC_AT..MAGIC_AT + 8] != b"littlefs" {
            return None;
        }
        let word = |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        Some((word(VERSION_AT), word(BLOCK_SIZE_AT) as usize))
    }

    /// The on-disk version and block size the superblock gives: littlefs puts them at the
    /// same place in both blocks of the superblock pair. Block 0 is where they are looked
    /// for first; if that block was erased, each block size whose block 1 holds the
    /// superblock is tried.
    fn detect(&self) -> Option<(u32, usize)> {
        if let Some(found) = self.superblock_at(0) {
            return Some(found);
        }
        let mut size = MIN_BLOCK_SIZE;
        while size <= MAX_BLOCK_SIZE {
            match self.superblock_at(size) {
                Some((version, block_size)) if block_size == size => return Some((version, size)),
                _ => size *= 2,
            }
        }
        None
    }

    /// Mounts the image. Read-only refuses every change with `EROFS`.
    pub fn mount(mut self, read_only: bool) -> Result<LittleFs, ImageError> {
        let (version, found) = self.detect().ok_or(ImageError::NotLittlefs)?;
        let block_size = self.block_size.unwrap_or(found);
        // A version littlefs cannot write is refused by its mount (a newer minor version,
        // another major one): give it that to refuse.
        let version = if version > MAX_DISK_VERSION { MAX_DISK_VERSION } else { version };
        let geometry = Geometry::new(self.pieces.geometry().capacity(), block_size)?;
        let disk = if geometry == self.pieces.geometry() {
            self.pieces
        } else {
            // Regroup the pieces into blocks, freeing each piece once copied.
            let piece = self.pieces.geometry().block_size;
            let mut disk = Blocks::erased(geometry);
            let mut freed = 0;
            for b in 0..geometry.block_count {
                let start = b * block_size;
                if (start / piece..(start + block_size).div_ceil(piece)).all(|p| self.pieces.is_erased(p)) {
                    continue;
                }
                let mut data = vec![ERASED; block_size].into_boxed_slice();
                self.pieces.read_image(start, &mut data);
                disk.load(b, data);
                while (freed + 1) * piece <= start + block_size {
                    self.pieces.erase(freed);
                    freed += 1;
                }
            }
            disk
        };
        let lfs = Lfs::mount(disk, version).map_err(|_| ImageError::NotLittlefs)?;
        LittleFs::from_lfs(lfs, read_only).map_err(|_| ImageError::NotLittlefs)
    }
}

impl LittleFs {
    /// A fresh, empty filesystem on a RAM disk of `capacity` bytes, in 4 KiB blocks (or
    /// smaller ones, down to 512 bytes, for a capacity they do not divide or a disk under 1 MiB).
    pub fn new(capacity: usize) -> Result<LittleFs, ImageError> {
        Self::create(Geometry::default_for(capacity)?)
    }

    /// A fresh, empty filesystem of `capacity` bytes in blocks of `block_size` bytes.
    pub fn with_block_size(capacity: usize, block_size: usize) -> Result<LittleFs, ImageError> {
        Self::create(Geometry::new(capacity, block_size)?)
    }

    fn create(geometry: Geometry) -> Result<LittleFs, ImageError> {
        let lfs = Lfs::format(geometry).map_err(|_| ImageError::Format)?;
        LittleFs::from_lfs(lfs, false).map_err(|_| ImageError::Format)
    }

    /// Mounts a littlefs image of any block size (read from its superblock). Read-only
    /// refuses every change with `EROFS`. [`ImageLoader`] does the same without needing
    /// the whole image in one piece.
    pub fn from_image(image: Vec<u8>, read_only: bool) -> Result<LittleFs, ImageError> {
        let mut loader = ImageLoader::new(image.len())?;
        loader.write(0, &image)?;
        drop(image);
        loader.mount(read_only)
    }

    /// Bytes per block of the disk.
    pub fn block_size(&self) -> usize {
        self.lfs.disk().geometry().block_size
    }

    /// Bytes of the disk image.
    pub fn image_len(&self) -> usize {
        self.lfs.disk().geometry().capacity()
    }

    /// Copies the disk image's bytes at `offset` into `out` (erased blocks read as `0xff`);
    /// returns how many there were. This is the disk as last written: call
    /// [`LittleFs::flush`] first.
    pub fn read_image(&self, offset: usize, out: &mut [u8]) -> usize {
        self.lfs.disk().read_image(offset, out)
    }

    /// The disk as bytes, to store and mount again later: [`LittleFs::flush`], then the
    /// whole image (if the flush failed, without what it could not write).
    pub fn export_image(&mut self) -> Vec<u8> {
        let _ = self.flush();
        let mut image = vec![0u8; self.image_len()];
        self.read_image(0, &mut image);
        image
    }
}
