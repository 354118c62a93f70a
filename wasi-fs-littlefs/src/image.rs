//! Creating, exporting and mounting disk images; bad images are refused with a reason.

use alloc::vec::Vec;
use core::fmt;

use crate::fs::LittleFs;
use crate::raw::{Lfs, BLOCK_SIZE};

/// Smallest disk littlefs can live on usefully (its superblock pair and some room).
const MIN_BLOCKS: usize = 16;

/// Why a capacity or an image was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// The capacity or image size is below the minimum or not a whole number of blocks.
    BadSize {
        /// The size given, in bytes.
        bytes: usize,
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
            ImageError::BadSize { .. } => "a littlefs disk must be a multiple of 512 bytes and at least 8192 bytes",
            ImageError::NotLittlefs => "the image is not a littlefs disk with 512-byte blocks, or it is damaged",
            ImageError::Format => "formatting the littlefs disk failed",
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())?;
        match self {
            ImageError::BadSize { bytes } => write!(f, "; got {bytes}"),
            _ => Ok(()),
        }
    }
}

impl core::error::Error for ImageError {}

fn blocks(bytes: usize) -> Result<usize, ImageError> {
    if bytes % BLOCK_SIZE != 0 || bytes / BLOCK_SIZE < MIN_BLOCKS {
        return Err(ImageError::BadSize { bytes });
    }
    Ok(bytes / BLOCK_SIZE)
}

impl LittleFs {
    /// A fresh, empty filesystem on a RAM disk of `capacity` bytes (a multiple of 512).
    pub fn new(capacity: usize) -> Result<LittleFs, ImageError> {
        let lfs = Lfs::format(blocks(capacity)?).map_err(|_| ImageError::Format)?;
        Ok(LittleFs::from_lfs(lfs, false))
    }

    /// Mounts an image made by [`LittleFs::export_image`] (or any littlefs image with
    /// 512-byte blocks). Read-only refuses every change with `EROFS`.
    pub fn from_image(image: Vec<u8>, read_only: bool) -> Result<LittleFs, ImageError> {
        blocks(image.len())?;
        let lfs = Lfs::mount(&image).map_err(|_| ImageError::NotLittlefs)?;
        Ok(LittleFs::from_lfs(lfs, read_only))
    }

    /// The disk as bytes, to store and mount again later.
    pub fn export_image(&self) -> Vec<u8> {
        self.lfs().image()
    }
}
