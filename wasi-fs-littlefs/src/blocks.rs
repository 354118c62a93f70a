//! The RAM disk under littlefs: a block is allocated when littlefs first programs it and
//! freed when it erases it, so memory follows what the files use, the capacity is only a
//! ceiling, and a fresh disk costs nothing to create.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::raw::BLOCK_SIZE;

/// What an erased byte reads as.
const ERASED: u8 = 0xff;

/// The blocks of a disk; `None` is an erased block (one pointer of table per block).
pub struct Blocks {
    blocks: Vec<Option<Box<[u8; BLOCK_SIZE]>>>,
}

impl Blocks {
    /// A disk of `count` erased blocks.
    pub fn erased(count: usize) -> Blocks {
        Blocks { blocks: (0..count).map(|_| None).collect() }
    }

    /// The blocks of a disk image (a whole number of blocks); erased ones take no memory.
    pub fn from_image(image: &[u8]) -> Blocks {
        let blocks = image
            .chunks_exact(BLOCK_SIZE)
            .map(|b| {
                (!b.iter().all(|x| *x == ERASED)).then(|| {
                    let mut block = Box::new([ERASED; BLOCK_SIZE]);
                    block.copy_from_slice(b);
                    block
                })
            })
            .collect();
        Blocks { blocks }
    }

    /// How many blocks the disk has.
    pub fn count(&self) -> usize {
        self.blocks.len()
    }

    /// The `off..off + len` range of a block, if the block exists and holds it.
    fn range(&self, block: usize, off: usize, len: usize) -> Option<core::ops::Range<usize>> {
        let end = off.checked_add(len).filter(|end| *end <= BLOCK_SIZE)?;
        (block < self.blocks.len()).then_some(off..end)
    }

    /// Copies bytes at `off` in `block` into `buf`; false if out of the disk.
    pub fn read(&self, block: usize, off: usize, buf: &mut [u8]) -> bool {
        let Some(r) = self.range(block, off, buf.len()) else { return false };
        match &self.blocks[block] {
            Some(data) => buf.copy_from_slice(&data[r]),
            None => buf.fill(ERASED),
        }
        true
    }

    /// Writes `data` at `off` in `block` (allocating it if erased); false if out of the disk.
    pub fn prog(&mut self, block: usize, off: usize, data: &[u8]) -> bool {
        let Some(r) = self.range(block, off, data.len()) else { return false };
        self.blocks[block].get_or_insert_with(|| Box::new([ERASED; BLOCK_SIZE]))[r].copy_from_slice(data);
        true
    }

    /// Erases `block`, freeing its memory; false if out of the disk.
    pub fn erase(&mut self, block: usize) -> bool {
        match self.blocks.get_mut(block) {
            Some(b) => {
                *b = None;
                true
            }
            None => false,
        }
    }

    /// The whole disk as an image.
    pub fn image(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.blocks.len() * BLOCK_SIZE);
        for b in &self.blocks {
            match b {
                Some(data) => out.extend_from_slice(&data[..]),
                None => out.resize(out.len() + BLOCK_SIZE, ERASED),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_allocated_on_prog_and_freed_on_erase() {
        let mut d = Blocks::erased(4);
        let mut buf = [0u8; 4];
        assert!(d.read(1, 508, &mut buf));
        assert_eq!(buf, [ERASED; 4]);
        assert!(d.prog(1, 2, b"ab"));
        assert!(d.read(1, 0, &mut buf));
        assert_eq!(buf, [ERASED, ERASED, b'a', b'b']);
        assert!(!d.read(4, 0, &mut buf), "past the last block");
        assert!(!d.prog(0, 510, b"abc"), "past the end of a block");
        let image = d.image();
        assert_eq!(image.len(), 4 * BLOCK_SIZE);
        assert_eq!(&image[BLOCK_SIZE..BLOCK_SIZE + 4], &[ERASED, ERASED, b'a', b'b']);
        let again = Blocks::from_image(&image);
        assert_eq!(again.blocks.iter().filter(|b| b.is_some()).count(), 1, "erased blocks take no memory");
        assert!(d.erase(1));
        assert!(d.blocks[1].is_none());
        assert!(!d.erase(9));
    }
}
