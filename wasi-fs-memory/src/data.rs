//! File contents as a sparse list of chunks: a write at offset 5 GiB costs one chunk, not
//! 5 GiB, and appending grows only the last chunk (amortised, so appends stay linear).

use alloc::vec::Vec;
use wasi_core::SortedMap;

/// Bytes covered by one chunk.
pub const CHUNK: u64 = 64 * 1024;

/// The bytes of a regular file. Absent chunks, and the part of a chunk past its stored
/// length, read as zeros up to `size`.
#[derive(Debug, Default)]
pub struct Data {
    chunks: SortedMap<u64, Vec<u8>>,
    size: u64,
}

impl Data {
    /// The file size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// How many more bytes of storage writing `len` bytes at `offset` would take.
    pub fn growth(&self, offset: u64, len: usize) -> u64 {
        let end = offset + len as u64;
        let mut extra = 0;
        let mut at = offset;
        while at < end {
            let index = at / CHUNK;
            let chunk_end = ((index + 1) * CHUNK).min(end);
            let stored = self.chunks.get(&index).map_or(0, |c| c.len() as u64);
            let needed = chunk_end - index * CHUNK;
            extra += needed.saturating_sub(stored);
            at = chunk_end;
        }
        extra
    }

    /// Copies out bytes at `offset`; returns how many (0 at or past the end).
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> usize {
        if offset >= self.size {
            return 0;
        }
        let n = buf.len().min((self.size - offset) as usize);
        let mut done = 0usize;
        while done < n {
            let at = offset + done as u64;
            let index = at / CHUNK;
            let within = (at % CHUNK) as usize;
            let take = (n - done).min(CHUNK as usize - within);
            let out = &mut buf[done..done + take];
            match self.chunks.get(&index) {
                Some(chunk) if within < chunk.len() => {
                    let have = (chunk.len() - within).min(take);
                    out[..have].copy_from_slice(&chunk[within..within + have]);
                    out[have..].fill(0);
                }
                _ => out.fill(0),
            }
            done += take;
        }
        n
    }

    /// Hands `sink` up to `len` bytes at `offset` where they lie (zeros for holes); returns
    /// how many it took, stopping at its first error (which is returned if none was taken).
    pub fn read_in_place(
        &self,
        offset: u64,
        len: usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), wasi_core::Errno>,
    ) -> Result<usize, wasi_core::Errno> {
        if offset >= self.size {
            return Ok(0);
        }
        let n = len.min((self.size - offset) as usize);
        let mut done = 0usize;
        while done < n {
            let at = offset + done as u64;
            let within = (at % CHUNK) as usize;
            let mut take = (n - done).min(CHUNK as usize - within);
            let lent = match self.chunks.get(&(at / CHUNK)) {
                Some(chunk) if within < chunk.len() => {
                    take = take.min(chunk.len() - within);
                    sink(&chunk[within..within + take])
                }
                // A hole (rare): zeros made for the occasion.
                _ => sink(&alloc::vec![0; take]),
            };
            if let Err(e) = lent {
                return if done > 0 { Ok(done) } else { Err(e) };
            }
            done += take;
        }
        Ok(n)
    }

    /// Writes `len` bytes at `offset` that `fill` puts in place piece by piece, growing the
    /// file; the caller has checked the quota. Returns the bytes written and the bytes of
    /// storage that took. A `fill` error ends the write there, leaving that piece as it was;
    /// the error is returned if nothing was written.
    pub fn write_with(
        &mut self,
        offset: u64,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]) -> Result<(), wasi_core::Errno>,
    ) -> (Result<usize, wasi_core::Errno>, u64) {
        let mut done = 0usize;
        let mut grew = 0u64;
        while done < len {
            let at = offset + done as u64;
            let within = (at % CHUNK) as usize;
            let take = (len - done).min(CHUNK as usize - within);
            let chunk = self.chunks.get_or_insert_with(at / CHUNK, Vec::new);
            let before = chunk.len();
            if before < within + take {
                chunk.resize(within + take, 0);
            }
            if let Err(e) = fill(&mut chunk[within..within + take]) {
                chunk.truncate(before);
                return (if done > 0 { Ok(done) } else { Err(e) }, grew);
            }
            grew += chunk.len().saturating_sub(before) as u64;
            done += take;
            self.size = self.size.max(offset + done as u64);
        }
        (Ok(done), grew)
    }

    /// A `fill` for [`Data::write_with`] that copies `data`, piece by piece.
    pub fn from_slice(mut data: &[u8]) -> impl FnMut(&mut [u8]) -> Result<(), wasi_core::Errno> + '_ {
        move |piece| {
            let (now, later) = data.split_at(piece.len());
            piece.copy_from_slice(now);
            data = later;
            Ok(())
        }
    }

    /// Truncates or zero-extends to `size`; returns the bytes of storage freed.
    pub fn set_size(&mut self, size: u64) -> u64 {
        let mut freed = 0;
        if size < self.size {
            let first_gone = size.div_ceil(CHUNK);
            for (_, chunk) in self.chunks.split_off(&first_gone) {
                freed += chunk.len() as u64;
            }
            if let Some(last) = self.chunks.get_mut(&(size / CHUNK)) {
                let keep = (size % CHUNK) as usize;
                if size % CHUNK != 0 && last.len() > keep {
                    freed += (last.len() - keep) as u64;
                    last.truncate(keep);
                }
            }
        }
        self.size = size;
        freed
    }

    /// Bytes of storage held.
    pub fn stored(&self) -> u64 {
        self.chunks.values().map(|c| c.len() as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Data {
        /// Writes `data` at `offset`.
        fn write(&mut self, offset: u64, data: &[u8]) {
            let (written, _) = self.write_with(offset, data.len(), &mut Data::from_slice(data));
            assert_eq!(written, Ok(data.len()));
        }
    }

    #[test]
    fn sparse_write_far_away_is_cheap_and_reads_zeros() {
        let mut d = Data::default();
        d.write(5 << 30, b"end");
        assert_eq!(d.size(), (5 << 30) + 3);
        assert_eq!(d.stored(), 3);
        let mut buf = [1u8; 8];
        assert_eq!(d.read((5 << 30) - 5, &mut buf), 8);
        assert_eq!(&buf, b"\0\0\0\0\0end");
    }

    #[test]
    fn truncate_then_extend_reads_zeros() {
        let mut d = Data::default();
        d.write(0, &[7u8; 100_000]);
        assert_eq!(d.set_size(10), 100_000 - 10);
        d.set_size(70_000);
        let mut buf = [9u8; 20];
        assert_eq!(d.read(0, &mut buf), 20);
        assert_eq!(&buf[..10], &[7u8; 10]);
        assert_eq!(&buf[10..], &[0u8; 10]);
        let mut far = [9u8; 4];
        d.read(69_000, &mut far);
        assert_eq!(far, [0; 4]);
    }

    #[test]
    fn writes_across_chunks_round_trip() {
        let mut d = Data::default();
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        d.write(1000, &data);
        let mut back = alloc::vec![0u8; 200_000];
        assert_eq!(d.read(1000, &mut back), 200_000);
        assert_eq!(back, data);
        assert_eq!(d.growth(1000, 10), 0);
        assert_eq!(d.growth(CHUNK * 10, 10), 10);
    }

    #[test]
    fn read_in_place_lends_chunks_and_zeros_and_stops_at_a_sink_error() {
        let mut d = Data::default();
        d.write(0, b"abc");
        d.write(CHUNK + 10, b"xyz");
        let mut got = Vec::new();
        let n = d.read_in_place(1, 20_000_000, &mut |p| {
            got.extend_from_slice(p);
            Ok(())
        });
        assert_eq!(n, Ok((CHUNK + 13 - 1) as usize));
        assert_eq!(&got[..2], b"bc");
        assert!(got[2..got.len() - 3].iter().all(|b| *b == 0));
        assert_eq!(&got[got.len() - 3..], b"xyz");
        let mut calls = 0;
        let stopped = d.read_in_place(0, 100, &mut |_| {
            calls += 1;
            if calls == 2 {
                Err(wasi_core::Errno::FAULT)
            } else {
                Ok(())
            }
        });
        assert_eq!(stopped, Ok(3), "the bytes lent before the error");
        assert_eq!(d.read_in_place(0, 10, &mut |_| Err(wasi_core::Errno::FAULT)), Err(wasi_core::Errno::FAULT));
        assert_eq!(d.read_in_place(CHUNK + 13, 10, &mut |_| unreachable!()), Ok(0));
    }

    #[test]
    fn write_with_stops_at_a_fill_error_and_leaves_that_piece_as_it_was() {
        let mut d = Data::default();
        d.write(0, b"keep");
        let mut pieces = 0;
        let (written, grew) = d.write_with(CHUNK - 2, 10, &mut |p| {
            pieces += 1;
            if pieces == 2 {
                return Err(wasi_core::Errno::FAULT);
            }
            p.fill(b'x');
            Ok(())
        });
        assert_eq!(written, Ok(2), "the first piece went in");
        assert_eq!(d.size(), CHUNK);
        assert_eq!(grew, CHUNK - 4, "the first chunk grew to its end; the second took nothing");
        assert_eq!(d.stored(), CHUNK);
        let (none, grew) = d.write_with(5 * CHUNK, 3, &mut |_| Err(wasi_core::Errno::FAULT));
        assert_eq!((none, grew, d.size(), d.stored()), (Err(wasi_core::Errno::FAULT), 0, CHUNK, CHUNK));
    }
}
