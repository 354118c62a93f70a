//! The shape of a disk: block size and count, the sizes littlefs's buffers take from them,
//! and how many blocks a file of a given size occupies (to reserve space before writing).

use crate::image::ImageError;

/// Smallest block littlefs accepts (its file pointers must fit, with room for metadata).
pub const MIN_BLOCK_SIZE: usize = 128;
/// Largest block accepted: big NOR flash erase units; more would only waste memory.
pub const MAX_BLOCK_SIZE: usize = 1 << 20;
/// Fewest blocks a disk may have: the superblock pair, the root, and some room.
pub const MIN_BLOCKS: usize = 16;
/// Largest disk accepted, in bytes. The npm package's wasm32 module must hold the whole disk
/// in its own memory beside everything else; 2 GiB also keeps every byte offset of a disk
/// within a 32-bit `usize`.
pub const MAX_CAPACITY: usize = 1 << 31;
/// The block size a new disk gets when the embedder names none, if the capacity allows:
/// measured fastest for large writes, large directories and SQLite (see the crate docs).
pub const DEFAULT_BLOCK_SIZE: usize = 4096;
/// A new disk gets a smaller block rather than fewer blocks than this, so that a small
/// disk still holds a useful number of directories (each takes a pair of blocks).
const DEFAULT_MIN_BLOCKS: usize = 256;
/// Most bytes of one littlefs cache. Each open file has one, so this bounds memory per fd.
const MAX_CACHE: usize = 4096;
/// Most bytes of the allocator's bitmap (8 blocks a byte): the whole of any disk up to
/// 2 GiB of 4 KiB blocks is scanned in one pass.
const MAX_LOOKAHEAD: usize = 64 * 1024;

/// A disk's geometry, checked: every derived size is valid for littlefs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Bytes per block.
    pub block_size: usize,
    /// Blocks on the disk.
    pub block_count: usize,
}

impl Geometry {
    /// Checks a disk of `capacity` bytes in blocks of `block_size` bytes.
    pub fn new(capacity: usize, block_size: usize) -> Result<Geometry, ImageError> {
        if !(MIN_BLOCK_SIZE..=MAX_BLOCK_SIZE).contains(&block_size) || block_size % io_size(block_size) != 0 {
            return Err(ImageError::BadBlockSize { block_size });
        }
        if capacity > MAX_CAPACITY || capacity % block_size != 0 || capacity / block_size < MIN_BLOCKS {
            return Err(ImageError::BadSize { bytes: capacity });
        }
        Ok(Geometry { block_size, block_count: capacity / block_size })
    }

    /// A new disk of `capacity` bytes with the default block size: 4 KiB, or the largest
    /// power of two below it that divides the capacity into enough blocks, down to 512.
    pub fn default_for(capacity: usize) -> Result<Geometry, ImageError> {
        let mut block_size = DEFAULT_BLOCK_SIZE;
        while block_size > 512 && (capacity % block_size != 0 || capacity / block_size < DEFAULT_MIN_BLOCKS) {
            block_size /= 2;
        }
        Geometry::new(capacity, block_size)
    }

    /// Bytes on the disk.
    pub fn capacity(&self) -> usize {
        self.block_size * self.block_count
    }

    /// Read and program granularity given to littlefs.
    pub fn io_size(&self) -> usize {
        io_size(self.block_size)
    }

    /// Bytes of each littlefs cache: the block, or the largest divisor of it up to 4 KiB
    /// that is a whole number of I/O units.
    pub fn cache_size(&self) -> usize {
        let io = self.io_size();
        let mut size = self.block_size.min(MAX_CACHE) / io * io;
        while self.block_size % size != 0 {
            size -= io;
        }
        size
    }

    /// Bytes of the allocator's bitmap: the whole disk when it fits, a multiple of 8.
    pub fn lookahead_size(&self) -> usize {
        self.block_count.div_ceil(8).next_multiple_of(8).min(MAX_LOOKAHEAD)
    }

    /// Blocks a file of `size` bytes occupies (littlefs's CTZ skip-list: block `i` begins
    /// with `ctz(i) + 1` pointers to earlier blocks). 0 for an empty file.
    pub fn file_blocks(&self, size: u64) -> u64 {
        if size == 0 {
            0
        } else {
            self.block_index(size - 1) + 1
        }
    }

    /// The index of the block holding byte `offset` of a file (`lfs_ctz_index`).
    pub fn block_index(&self, offset: u64) -> u64 {
        let b = self.block_size as u64 - 8;
        let i = offset / b;
        if i == 0 {
            return 0;
        }
        (offset - 4 * (u64::from((i - 1).count_ones()) + 2)) / b
    }
}

/// The read/program unit for a block size: 16 bytes, or 1 for a block that is not a
/// multiple of 16 (littlefs only needs the block to be a multiple of it).
fn io_size(block_size: usize) -> usize {
    if block_size % 16 == 0 {
        16
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_derived_sizes() {
        let g = Geometry::default_for(16 << 20).unwrap();
        assert_eq!((g.block_size, g.block_count), (4096, 4096));
        assert_eq!((g.cache_size(), g.lookahead_size()), (4096, 512));
        assert_eq!(Geometry::default_for(1 << 20).unwrap().block_size, 4096);
        assert_eq!(Geometry::default_for(512 << 10).unwrap().block_size, 2048);
        assert_eq!(Geometry::default_for(8192 + 512).unwrap().block_size, 512);
        assert_eq!(Geometry::default_for(1000), Err(ImageError::BadSize { bytes: 1000 }));
        let big = Geometry::new(MAX_CAPACITY, 65536).unwrap();
        assert_eq!(big.cache_size(), 4096);
        assert_eq!(Geometry::new(1 << 20, 100), Err(ImageError::BadBlockSize { block_size: 100 }));
        assert_eq!(Geometry::new(4000 * 16, 4000).unwrap().cache_size(), 4000);
        assert_eq!(Geometry::new(8008 * 16, 8008).unwrap().cache_size(), 4004);
        assert_eq!(Geometry::new(MAX_CAPACITY + 4096, 4096), Err(ImageError::BadSize { bytes: MAX_CAPACITY + 4096 }));
    }

    #[test]
    fn file_blocks_follow_the_skip_list() {
        let g = Geometry::new(1 << 20, 512).unwrap();
        assert_eq!(g.file_blocks(0), 0);
        assert_eq!(g.file_blocks(1), 1);
        assert_eq!(g.file_blocks(512), 1, "the first block has no pointers");
        assert_eq!(g.file_blocks(513), 2);
        // Block 1 holds 508 bytes after one pointer: 512 + 508 fill two blocks.
        assert_eq!(g.file_blocks(1020), 2);
        assert_eq!(g.file_blocks(1021), 3);
        // Never fewer blocks than the data needs.
        for size in (1..200_000u64).step_by(97) {
            assert!(g.file_blocks(size) * 512 >= size);
            assert!(g.file_blocks(size) * 448 <= size + 512 * 2, "{size}");
        }
    }
}
