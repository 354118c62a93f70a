//! The RAM disk under littlefs: a block is allocated when littlefs first programs it and
//! freed when it erases it, so memory follows what the files use, and the capacity is only
//! a ceiling. Its table (a 16-byte slot per block) is made [`CHUNK`] slots at a time, when
//! one of their blocks is first programmed: a fresh disk costs an index of 8 bytes per
//! chunk. A request that makes and drops a 16 MiB disk of 4 KiB blocks walked a table of
//! 4,096 slots twice (13 of its 23 µs in the npm package); it walks 64.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use crate::geometry::Geometry;

/// What an erased byte reads as.
pub const ERASED: u8 = 0xff;

/// Blocks per chunk of the table.
const CHUNK: usize = 64;

/// A chunk of the table: the blocks of `CHUNK` block numbers; `None` is an erased block.
type Chunk = [Option<Box<[u8]>>; CHUNK];

/// The blocks of a disk.
pub struct Blocks {
    geometry: Geometry,
    /// The table by chunk: `None` is a chunk of erased blocks.
    chunks: Vec<Option<Box<Chunk>>>,
    /// Erases since the disk was made: littlefs erases each block it allocates before
    /// programming it, so this bounds the blocks taken since any earlier reading of it.
    erases: u64,
}

impl Blocks {
    /// A disk of erased blocks.
    pub fn erased(geometry: Geometry) -> Blocks {
        let mut chunks = Vec::new();
        chunks.resize_with(geometry.block_count.div_ceil(CHUNK), || None);
        Blocks { geometry, chunks, erases: 0 }
    }

    /// The data of `block`: `None` if it is erased or out of the disk.
    fn block(&self, block: usize) -> Option<&[u8]> {
        self.chunks.get(block / CHUNK)?.as_ref()?[block % CHUNK].as_deref()
    }

    /// The slot of `block`, which must be in the disk, making its chunk if need be.
    fn slot(&mut self, block: usize) -> &mut Option<Box<[u8]>> {
        let chunk = self.chunks[block / CHUNK].get_or_insert_with(|| Box::new([const { None }; CHUNK]));
        &mut chunk[block % CHUNK]
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
        if data.len() != self.geometry.block_size || block >= self.geometry.block_count {
            return false;
        }
        if data.iter().all(|b| *b == ERASED) {
            self.free(block);
        } else {
            *self.slot(block) = Some(data);
        }
        true
    }

    /// Whether `block` is erased (or out of the disk).
    pub fn is_erased(&self, block: usize) -> bool {
        self.block(block).is_none()
    }

    /// The `off..off + len` range of a block, if the block exists and holds it.
    fn range(&self, block: usize, off: usize, len: usize) -> Option<core::ops::Range<usize>> {
        let end = off.checked_add(len).filter(|end| *end <= self.geometry.block_size)?;
        (block < self.geometry.block_count).then_some(off..end)
    }

    /// Copies bytes at `off` in `block` into `buf`; false if out of the disk.
    pub fn read(&self, block: usize, off: usize, buf: &mut [u8]) -> bool {
        let Some(r) = self.range(block, off, buf.len()) else { return false };
        match self.block(block) {
            Some(data) => buf.copy_from_slice(&data[r]),
            None => buf.fill(ERASED),
        }
        true
    }

    /// Writes `data` at `off` in `block` (allocating it if erased); false if out of the disk.
    pub fn prog(&mut self, block: usize, off: usize, data: &[u8]) -> bool {
        let Some(r) = self.range(block, off, data.len()) else { return false };
        let size = self.geometry.block_size;
        self.slot(block).get_or_insert_with(|| vec![ERASED; size].into_boxed_slice())[r].copy_from_slice(data);
        true
    }

    /// Erases `block`, freeing its memory; false if out of the disk.
    pub fn erase(&mut self, block: usize) -> bool {
        if block >= self.geometry.block_count {
            return false;
        }
        self.free(block);
        self.erases += 1;
        true
    }

    /// Frees the data of `block`, which must be in the disk (its chunk stays).
    fn free(&mut self, block: usize) {
        if let Some(chunk) = &mut self.chunks[block / CHUNK] {
            chunk[block % CHUNK] = None;
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
            match self.block(block) {
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
        assert_eq!((0..16).filter(|b| !again.is_erased(*b)).count(), 1, "erased blocks take no memory");
        assert_eq!(again.chunks.iter().filter(|c| c.is_some()).count(), 1);
        assert!(!again.load(16, image[..512].into()));
        assert!(!again.load(0, image[..100].into()));
        assert!(d.erase(1));
        assert!(d.is_erased(1));
        assert!(!d.erase(16));
        assert_eq!(d.erases(), 1);
    }

    #[test]
    fn the_table_is_made_a_chunk_at_a_time() {
        // 200 blocks: three whole chunks and a part of one.
        let g = Geometry::new(200 * 128, 128).unwrap();
        let mut d = Blocks::erased(g);
        assert_eq!(d.chunks.len(), 4);
        assert!(d.chunks.iter().all(Option::is_none), "a fresh disk has no chunk");
        assert!(d.prog(130, 0, b"x") && d.prog(199, 127, b"z"));
        assert_eq!(d.chunks.iter().map(Option::is_some).collect::<Vec<_>>(), [false, false, true, true]);
        let mut buf = [0u8; 2];
        assert!(d.read(130, 0, &mut buf));
        assert_eq!(buf, [b'x', ERASED]);
        assert!(d.read(129, 0, &mut buf) && buf == [ERASED; 2], "a block of a chunk made for another");
        let mut image = vec![0u8; g.capacity()];
        d.read_image(0, &mut image);
        assert_eq!((image[130 * 128], image[200 * 128 - 1], image[131 * 128]), (b'x', b'z', ERASED));
        for past in [200, 256] {
            assert!(!d.prog(past, 0, b"x") && !d.read(past, 0, &mut buf) && !d.erase(past) && d.is_erased(past));
            assert!(!d.load(past, vec![0u8; 128].into()));
        }
        assert!(d.erase(130) && d.is_erased(130));
        assert!(d.load(3, vec![1u8; 128].into()) && !d.is_erased(3));
    }
}
