//! The RAM disk under littlefs: a block is allocated when littlefs first programs it and
//! freed when it erases it, so memory follows what the files use, the capacity is only a
//! ceiling, and a fresh disk costs only its table (one 16-byte slot per block).

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use crate::geometry::Geometry;

/// What an erased byte reads as.
pub const ERASED: u8 = 0xff;

/// The blocks of a disk; `None` is an erased block.
pub struct Blocks {
    geometry: Geometry,
    blocks: Vec<Option<Box<[u8]>>>,
    /// Erases since the disk was made: littlefs erases each block it allocates before
    /// programming it, so this bounds the blocks taken since any earlier reading of it.
    erases: u64,
}

impl Blocks {
    /// A disk of erased blocks.
    pub fn erased(geometry: Geometry) -> Blocks {
        let mut blocks = Vec::new();
        blocks.resize_with(geometry.block_count, || None);
        Blocks { geometry, blocks, erases: 0 }
    }

    /// The disk's geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// Erases so far (see the field).
    pub fn erases(&self) -> u64 {
        self.erases
    }

    /// Puts `data` (a whole block) at `block`, unless it is all erased bytes; false if
    /// `block` or the length is out of the disk.
    pub fn load(&mut self, block: usize, data: Box<[u8]>) -> bool {
        if data.len() != self.geometry.block_size || block >= self.blocks.len() {
            return false;
        }
        self.blocks[block] = (!data.iter().all(|b| *b == ERASED)).then_some(data);
        true
    }

    /// Whether `block` is erased (or out of the disk).
    pub fn is_erased(&self, block: usize) -> bool {
        self.blocks.get(block).is_none_or(Option::is_none)
    }

    /// The `off..off + len` range of a block, if the block exists and holds it.
    fn range(&self, block: usize, off: usize, len: usize) -> Option<core::ops::Range<usize>> {
        let end = off.checked_add(len).filter(|end| *end <= self.geometry.block_size)?;
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
        let size = self.geometry.block_size;
        self.blocks[block].get_or_insert_with(|| vec![ERASED; size].into_boxed_slice())[r].copy_from_slice(data);
        true
    }

    /// Erases `block`, freeing its memory; false if out of the disk.
    pub fn erase(&mut self, block: usize) -> bool {
        match self.blocks.get_mut(block) {
            Some(b) => {
                *b = None;
                self.erases += 1;
                true
            }
            None => false,
        }
    }

    /// Copies the image bytes at `offset` into `out` (erased blocks as `0xff`); past the
    /// end of the disk, `out` is left as it is. Returns the bytes copied.
    pub fn read_image(&self, offset: usize, out: &mut [u8]) -> usize {
        let size = self.geometry.block_size;
        let end = offset.saturating_add(out.len()).min(self.geometry.capacity());
        let mut at = offset;
        while at < end {
            let (block, off) = (at / size, at % size);
            let n = (size - off).min(end - at);
            let dst = &mut out[at - offset..at - offset + n];
            match &self.blocks[block] {
                Some(data) => dst.copy_from_slice(&data[off..off + n]),
                None => dst.fill(ERASED),
            }
            at += n;
        }
        end.saturating_sub(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_allocated_on_prog_and_freed_on_erase() {
        let g = Geometry::new(16 * 512, 512).unwrap();
        let mut d = Blocks::erased(g);
        let mut buf = [0u8; 4];
        assert!(d.read(1, 508, &mut buf));
        assert_eq!(buf, [ERASED; 4]);
        assert!(d.prog(1, 2, b"ab"));
        assert!(d.read(1, 0, &mut buf));
        assert_eq!(buf, [ERASED, ERASED, b'a', b'b']);
        assert!(!d.read(16, 0, &mut buf), "past the last block");
        assert!(!d.prog(0, 510, b"abc"), "past the end of a block");
        let mut image = vec![0u8; g.capacity()];
        assert_eq!(d.read_image(0, &mut image), g.capacity());
        assert_eq!(&image[512..516], &[ERASED, ERASED, b'a', b'b']);
        let mut part = [0u8; 6];
        assert_eq!(d.read_image(510, &mut part), 6, "across a block boundary");
        assert_eq!(part, [ERASED, ERASED, ERASED, ERASED, b'a', b'b']);
        assert_eq!(d.read_image(g.capacity() - 2, &mut part), 2, "cut at the end");
        let mut again = Blocks::erased(g);
        assert!(again.load(1, image[512..1024].into()));
        assert!(again.load(2, image[1024..1536].into()));
        assert_eq!(again.blocks.iter().filter(|b| b.is_some()).count(), 1, "erased blocks take no memory");
        assert!(!again.load(16, image[..512].into()));
        assert!(!again.load(0, image[..100].into()));
        assert!(d.erase(1));
        assert!(d.blocks[1].is_none());
        assert!(!d.erase(16));
        assert_eq!(d.erases(), 1);
    }
}
