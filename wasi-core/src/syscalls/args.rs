//! `args_*` and `environ_*`: NUL-terminated strings laid out as C's `argv`/`environ`.

use alloc::vec;
use alloc::vec::Vec;
use wasi_abi::Errno;

use super::put_u32;
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;

/// Strings as `args_get`/`environ_get` hand them over, laid out once when the context is
/// built: every NUL-terminated string in one buffer, and where each starts. A call is then
/// two writes (the buffer, and the pointer table made from the offsets), not a rebuild; and
/// the table is kept for the buffer address it was made for, which a guest that asks again
/// gives again.
pub(crate) struct Strings {
    data: Vec<u8>,
    offsets: Vec<u32>,
    /// The pointer table for strings at `table_for`: little-endian addresses.
    table: Vec<u8>,
    table_for: Option<u32>,
}

impl Strings {
    /// Lays out `list`; `None` if it takes more than 4 GiB.
    pub(crate) fn new(list: &[Vec<u8>]) -> Option<Strings> {
        let mut data = Vec::with_capacity(list.iter().map(|s| s.len() + 1).sum());
        let mut offsets = Vec::with_capacity(list.len());
        for s in list {
            offsets.push(u32::try_from(data.len()).ok()?);
            data.extend_from_slice(s);
            data.push(0);
        }
        u32::try_from(data.len()).ok()?;
        Some(Strings { data, offsets, table: Vec::new(), table_for: None })
    }

    /// The pointer table for strings at `buf` (which the caller has checked leaves every
    /// address below 4 GiB).
    fn table(&mut self, buf: u32) -> &[u8] {
        if self.table_for != Some(buf) {
            self.table.clear();
            self.table.reserve_exact(4 * self.offsets.len());
            self.table.extend(self.offsets.iter().flat_map(|offset| (buf + offset).to_le_bytes()));
            self.table_for = Some(buf);
        }
        &self.table
    }

    /// Writes the strings at `buf` and their addresses, an array of pointers, at `ptrs`.
    /// When the two overlap, the result is what wasmtime leaves: it writes each pointer,
    /// then its string, in turn.
    fn write(&mut self, mem: &mut dyn GuestMemory, ptrs: u32, buf: u32) -> Result<(), Errno> {
        // Past the end of the 32-bit address space: no pointer to them could be written.
        buf.checked_add(self.data.len() as u32).ok_or(Errno::FAULT)?;
        let table_len = 4 * self.offsets.len() as u64;
        let (table_end, data_end) = (u64::from(ptrs) + table_len, u64::from(buf) + self.data.len() as u64);
        let overlap = u64::from(ptrs) < data_end && u64::from(buf) < table_end;
        if !overlap {
            mem.write(buf, &self.data)?;
            return mem.write(ptrs, self.table(buf));
        }
        // Both regions lie within one span, as they overlap: lay it out in wasmtime's order.
        self.table(buf);
        let (table, start) = (&self.table, ptrs.min(buf));
        let mut span = vec![0u8; (table_end.max(data_end) - u64::from(start)) as usize];
        let (t, d) = ((ptrs - start) as usize, (buf - start) as usize);
        let ends = self.offsets.iter().skip(1).map(|o| *o as usize).chain([self.data.len()]);
        for (i, (offset, end)) in self.offsets.iter().zip(ends).enumerate() {
            span[t + 4 * i..t + 4 * i + 4].copy_from_slice(&table[4 * i..4 * i + 4]);
            span[d + *offset as usize..d + end].copy_from_slice(&self.data[*offset as usize..end]);
        }
        mem.write(start, &span)
    }

    /// Writes the total size (NULs included), then the count, in wasmtime's order (which
    /// shows when the two pointers are the same); with one write when they lie side by
    /// side.
    fn write_sizes(&self, mem: &mut dyn GuestMemory, count: u32, size: u32) -> Result<(), Errno> {
        let (count_value, size_value) =
            ((self.offsets.len() as u32).to_le_bytes(), (self.data.len() as u32).to_le_bytes());
        if count.checked_add(4) == Some(size) {
            let [a, b, c, d] = count_value;
            let [e, f, g, h] = size_value;
            return mem.write(count, &[a, b, c, d, e, f, g, h]);
        }
        put_u32(mem, size, self.data.len() as u32)?;
        put_u32(mem, count, self.offsets.len() as u32)
    }
}

impl WasiCtx {
    /// Reads the command-line arguments.
    pub fn args_get(&mut self, mem: &mut dyn GuestMemory, argv: u32, argv_buf: u32) -> Result<(), Errno> {
        self.args.write(mem, argv, argv_buf)
    }

    /// Returns the number of arguments and the size of their data.
    pub fn args_sizes_get(&mut self, mem: &mut dyn GuestMemory, argc: u32, argv_buf_size: u32) -> Result<(), Errno> {
        self.args.write_sizes(mem, argc, argv_buf_size)
    }

    /// Reads the environment variables as `KEY=VALUE` strings.
    pub fn environ_get(&mut self, mem: &mut dyn GuestMemory, environ: u32, environ_buf: u32) -> Result<(), Errno> {
        self.env.write(mem, environ, environ_buf)
    }

    /// Returns the number of environment variables and the size of their data.
    pub fn environ_sizes_get(
        &mut self,
        mem: &mut dyn GuestMemory,
        environc: u32,
        environ_buf_size: u32,
    ) -> Result<(), Errno> {
        self.env.write_sizes(mem, environc, environ_buf_size)
    }
}
