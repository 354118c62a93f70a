//! File contents as sparse chunks in a hash table: a write at offset 5 GiB costs one
//! chunk, not 5 GiB; reaching a chunk is O(1) however many there are; appending grows only
//! the last chunk (geometrically, so appends stay linear).

use foldhash::fast::FixedState;
use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use wasi_core::Errno;

use crate::quota::{full, QVec, QuotaAlloc};

/// Bytes covered by one chunk.
pub const CHUNK: u64 = 64 * 1024;

/// One chunk: its number (offset / `CHUNK`) and the bytes stored from its start.
type Chunk = (u64, QVec<u8>);

/// The bytes of a regular file. Absent chunks, and the part of a chunk past its stored
/// length, read as zeros up to `size`.
#[derive(Debug)]
pub struct Data {
    chunks: HashTable<Chunk, QuotaAlloc>,
    size: u64,
}

/// Where chunk `index` goes in the table.
fn hash(h: &FixedState, index: u64) -> u64 {
    core::hash::BuildHasher::hash_one(h, index)
}

/// The table's hasher: one closure type, so the table's growth code exists once.
fn rehash(h: &FixedState) -> impl Fn(&Chunk) -> u64 + '_ {
    move |c| hash(h, c.0)
}

impl Data {
    /// An empty file whose storage is charged to `quota`.
    pub fn new(quota: &QuotaAlloc) -> Self {
        Data { chunks: HashTable::new_in(quota.clone()), size: 0 }
    }

    /// The file size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// `want` bytes, or fewer if only `left` remain: compared in 64 bits, since on wasm32
    /// a file's size does not fit a `usize`.
    fn clamp(want: usize, left: u64) -> usize {
        usize::try_from(left).map_or(want, |left| want.min(left))
    }

    fn chunk(&self, h: &FixedState, index: u64) -> Option<&QVec<u8>> {
        self.chunks.find(hash(h, index), |c| c.0 == index).map(|c| &c.1)
    }

    /// Chunk `index`, added empty if absent (`ENOSPC` if the table cannot grow).
    fn chunk_mut(&mut self, h: &FixedState, index: u64) -> Result<&mut QVec<u8>, Errno> {
        // Room first, so that adding the chunk below cannot need an allocation.
        if self.chunks.len() == self.chunks.capacity() {
            self.chunks.try_reserve(1, rehash(h)).map_err(full)?;
        }
        let alloc = self.chunks.allocator().clone();
        let chunk = match self.chunks.entry(hash(h, index), |c| c.0 == index, rehash(h)) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert((index, QVec::new_in(alloc))).into_mut(),
        };
        Ok(&mut chunk.1)
    }

    /// Drops chunk `index` if it holds nothing.
    fn drop_if_empty(&mut self, h: &FixedState, index: u64) {
        if let Ok(entry) = self.chunks.find_entry(hash(h, index), |c| c.0 == index) {
            if entry.get().1.is_empty() {
                entry.remove();
            }
        }
    }

    /// Copies out bytes at `offset`; returns how many (0 at or past the end).
    pub fn read(&self, h: &FixedState, offset: u64, buf: &mut [u8]) -> usize {
        self.read_in_place(h, offset, buf.len(), &mut Self::into_slice(buf)).unwrap_or(0)
    }

    /// A sink for [`Data::read_in_place`] that copies into `buf`, piece by piece.
    fn into_slice(mut buf: &mut [u8]) -> impl FnMut(&[u8]) -> Result<(), Errno> + '_ {
        move |piece| {
            let (now, later) = core::mem::take(&mut buf).split_at_mut(piece.len());
            now.copy_from_slice(piece);
            buf = later;
            Ok(())
        }
    }

    /// Hands `sink` up to `len` bytes at `offset` where they lie (zeros for holes); returns
    /// how many it took, stopping at its first error (which is returned if none was taken).
    pub fn read_in_place(
        &self,
        h: &FixedState,
        offset: u64,
        len: usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), Errno>,
    ) -> Result<usize, Errno> {
        const ZEROS: [u8; 4096] = [0; 4096];
        if offset >= self.size {
            return Ok(0);
        }
        let n = Self::clamp(len, self.size - offset);
        let mut done = 0usize;
        while done < n {
            let at = offset + done as u64;
            let within = (at % CHUNK) as usize;
            let mut take = (n - done).min(CHUNK as usize - within);
            let lent = match self.chunk(h, at / CHUNK) {
                Some(chunk) if within < chunk.len() => {
                    take = take.min(chunk.len() - within);
                    sink(&chunk[within..within + take])
                }
                // A hole, or the part of a chunk past what it stores.
                _ => {
                    take = take.min(ZEROS.len());
                    sink(&ZEROS[..take])
                }
            };
            if let Err(e) = lent {
                return if done > 0 { Ok(done) } else { Err(e) };
            }
            done += take;
        }
        Ok(n)
    }

    /// Writes `len` bytes at `offset` that `fill` puts in place piece by piece, growing the
    /// file. Storage is taken chunk by chunk: when the quota runs out, or `fill` fails, the
    /// write ends there, leaving that piece as it was. Returns the bytes written, or the
    /// error if none was.
    pub fn write_with(
        &mut self,
        h: &FixedState,
        offset: u64,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Errno>,
    ) -> Result<usize, Errno> {
        let mut done = 0usize;
        while done < len {
            let at = offset + done as u64;
            let index = at / CHUNK;
            let within = (at % CHUNK) as usize;
            let take = (len - done).min(CHUNK as usize - within);
            let stored = self.store(h, index, within, take, fill);
            if let Err(e) = stored {
                self.drop_if_empty(h, index);
                return if done > 0 { Ok(done) } else { Err(e) };
            }
            done += take;
            self.size = self.size.max(offset + done as u64);
        }
        Ok(done)
    }

    /// Fills `within..within + take` of chunk `index`, growing it as needed.
    fn store(
        &mut self,
        h: &FixedState,
        index: u64,
        within: usize,
        take: usize,
        fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Errno>,
    ) -> Result<(), Errno> {
        let chunk = self.chunk_mut(h, index)?;
        let before = chunk.len();
        let needed = within + take;
        if needed > chunk.capacity() {
            // Geometric growth, but never past the chunk's size: appends stay linear and
            // a full chunk holds no spare capacity.
            let cap = needed.max((chunk.capacity() * 2).min(CHUNK as usize));
            chunk.try_reserve_exact(cap - before).map_err(full)?;
        }
        if before < needed {
            chunk.resize(needed, 0);
        }
        fill(&mut chunk[within..needed]).inspect_err(|_| chunk.truncate(before))
    }

    /// A `fill` for [`Data::write_with`] that copies `data`, piece by piece.
    pub fn from_slice(mut data: &[u8]) -> impl FnMut(&mut [u8]) -> Result<(), Errno> + '_ {
        move |piece| {
            let (now, later) = data.split_at(piece.len());
            piece.copy_from_slice(now);
            data = later;
            Ok(())
        }
    }

    /// Truncates or zero-extends to `size` (extending stores nothing: the new bytes are a
    /// hole until written).
    pub fn set_size(&mut self, h: &FixedState, size: u64) {
        if size < self.size {
            let first_gone = size.div_ceil(CHUNK);
            self.chunks.retain(|c| c.0 < first_gone);
            let keep = (size % CHUNK) as usize;
            if keep != 0 {
                if let Some(last) = self.chunks.find_mut(hash(h, size / CHUNK), |c| c.0 == size / CHUNK) {
                    last.1.truncate(keep);
                }
            }
        }
        self.size = size;
    }

    /// Stores zeros over `offset..offset + len` where nothing is stored yet, so that later
    /// writes there need no more storage, and extends the file to cover it. `ENOSPC` (with
    /// what was stored kept) when the quota runs out.
    pub fn allocate(&mut self, h: &FixedState, offset: u64, len: u64) -> Result<(), Errno> {
        let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
        let mut at = offset;
        while at < end {
            let index = at / CHUNK;
            let upto = ((index + 1) * CHUNK).min(end);
            let within = (upto - index * CHUNK) as usize;
            let stored = self.chunk(h, index).map_or(0, |c| c.len());
            if stored < within {
                self.store(h, index, stored, within - stored, &mut |piece| {
                    piece.fill(0);
                    Ok(())
                })
                .inspect_err(|_| self.drop_if_empty(h, index))?;
            }
            at = upto;
        }
        self.size = self.size.max(end);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn h() -> FixedState {
        FixedState::with_seed(7)
    }

    fn data() -> Data {
        Data::new(&QuotaAlloc::new(u64::MAX))
    }

    impl Data {
        /// Writes `data` at `offset`.
        fn write(&mut self, offset: u64, data: &[u8]) {
            assert_eq!(self.write_with(&h(), offset, data.len(), &mut Data::from_slice(data)), Ok(data.len()));
        }

        /// Bytes of file data stored.
        fn stored(&self) -> usize {
            self.chunks.iter().map(|c| c.1.len()).sum()
        }
    }

    #[test]
    fn sparse_write_far_away_is_cheap_and_reads_zeros() {
        let mut d = data();
        d.write(5 << 30, b"end");
        assert_eq!(d.size(), (5 << 30) + 3);
        assert_eq!(d.stored(), 3);
        let mut buf = [1u8; 8];
        assert_eq!(d.read(&h(), (5 << 30) - 5, &mut buf), 8);
        assert_eq!(&buf, b"\0\0\0\0\0end");
    }

    #[test]
    fn reads_past_4_gib_are_not_cut_at_32_bits() {
        let mut d = data();
        d.write((4 << 30) + 10, b"x");
        let mut buf = alloc::vec![1u8; 100];
        assert_eq!(d.read(&h(), 0, &mut buf), 100, "the size left exceeds u32::MAX");
        assert!(buf.iter().all(|b| *b == 0));
    }

    #[test]
    fn truncate_then_extend_reads_zeros() {
        let mut d = data();
        d.write(0, &[7u8; 100_000]);
        d.set_size(&h(), 10);
        assert_eq!(d.stored(), 10);
        d.set_size(&h(), 70_000);
        let mut buf = [9u8; 20];
        assert_eq!(d.read(&h(), 0, &mut buf), 20);
        assert_eq!(&buf[..10], &[7u8; 10]);
        assert_eq!(&buf[10..], &[0u8; 10]);
        let mut far = [9u8; 4];
        d.read(&h(), 69_000, &mut far);
        assert_eq!(far, [0; 4]);
    }

    #[test]
    fn writes_across_chunks_round_trip() {
        let mut d = data();
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        d.write(1000, &data);
        let mut back = alloc::vec![0u8; 200_000];
        assert_eq!(d.read(&h(), 1000, &mut back), 200_000);
        assert_eq!(back, data);
    }

    #[test]
    fn read_in_place_lends_chunks_and_zeros_and_stops_at_a_sink_error() {
        let mut d = data();
        d.write(0, b"abc");
        d.write(CHUNK + 10, b"xyz");
        let mut got = Vec::new();
        let n = d.read_in_place(&h(), 1, 20_000_000, &mut |p| {
            got.extend_from_slice(p);
            Ok(())
        });
        assert_eq!(n, Ok((CHUNK + 13 - 1) as usize));
        assert_eq!(&got[..2], b"bc");
        assert!(got[2..got.len() - 3].iter().all(|b| *b == 0));
        assert_eq!(&got[got.len() - 3..], b"xyz");
        let mut calls = 0;
        let stopped = d.read_in_place(&h(), 0, 100, &mut |_| {
            calls += 1;
            if calls == 2 {
                Err(Errno::FAULT)
            } else {
                Ok(())
            }
        });
        assert_eq!(stopped, Ok(3), "the bytes lent before the error");
        assert_eq!(d.read_in_place(&h(), 0, 10, &mut |_| Err(Errno::FAULT)), Err(Errno::FAULT));
        assert_eq!(d.read_in_place(&h(), CHUNK + 13, 10, &mut |_| unreachable!()), Ok(0));
    }

    #[test]
    fn write_with_stops_at_a_fill_error_and_leaves_that_piece_as_it_was() {
        let mut d = data();
        d.write(0, b"keep");
        let mut pieces = 0;
        let written = d.write_with(&h(), CHUNK - 2, 10, &mut |p| {
            pieces += 1;
            if pieces == 2 {
                return Err(Errno::FAULT);
            }
            p.fill(b'x');
            Ok(())
        });
        assert_eq!(written, Ok(2), "the first piece went in");
        assert_eq!(d.size(), CHUNK);
        assert_eq!(d.chunks.len(), 1, "the second chunk, left empty, is not kept");
        let none = d.write_with(&h(), 5 * CHUNK, 3, &mut |_| Err(Errno::FAULT));
        assert_eq!((none, d.size(), d.stored()), (Err(Errno::FAULT), CHUNK, CHUNK as usize));
    }

    #[test]
    fn a_full_quota_ends_a_write_with_what_fit() {
        let quota = QuotaAlloc::new(3 * CHUNK);
        let mut d = Data::new(&quota);
        let mut ones = |p: &mut [u8]| {
            p.fill(1);
            Ok(())
        };
        assert_eq!(d.write_with(&h(), 0, 10 * CHUNK as usize, &mut ones), Ok(2 * CHUNK as usize));
        assert_eq!(d.size(), 2 * CHUNK);
        assert!(quota.used() <= 3 * CHUNK);
        assert_eq!(d.write_with(&h(), 40 * CHUNK, CHUNK as usize, &mut ones), Err(Errno::NOSPC));
        assert_eq!(d.size(), 2 * CHUNK, "a refused write changes nothing");
    }

    #[test]
    fn allocate_stores_zeros_and_extends() {
        let quota = QuotaAlloc::new(u64::MAX);
        let mut d = Data::new(&quota);
        d.write(10, b"ab");
        d.allocate(&h(), 0, CHUNK + 5).unwrap();
        assert_eq!(d.size(), CHUNK + 5);
        assert_eq!(d.stored(), CHUNK as usize + 5);
        let mut buf = [9u8; 4];
        d.read(&h(), 9, &mut buf);
        assert_eq!(&buf, b"\0ab\0");
        let small = QuotaAlloc::new(1000);
        let mut e = Data::new(&small);
        assert_eq!(e.allocate(&h(), 0, 10 * CHUNK), Err(Errno::NOSPC));
        assert!(small.used() <= 1000);
    }
}
