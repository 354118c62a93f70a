//! `args_*` and `environ_*`: NUL-terminated strings laid out as C's `argv`/`environ`.

use alloc::vec::Vec;
use wasi_abi::Errno;

use super::put_u32;
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;

/// Writes `strings` as an array of pointers at `ptrs` and the NUL-terminated bytes at `buf`.
fn write_strings(mem: &mut dyn GuestMemory, strings: &[Vec<u8>], ptrs: u32, buf: u32) -> Result<(), Errno> {
    // Two writes in all, not three per string: where guest memory is reached through a
    // call into JS (the npm package), each write is one such call.
    let mut table = Vec::with_capacity(4 * strings.len());
    let mut data = Vec::with_capacity(strings.iter().map(|s| s.len() + 1).sum());
    for s in strings {
        let at = u32::try_from(data.len()).ok().and_then(|offset| buf.checked_add(offset)).ok_or(Errno::FAULT)?;
        table.extend_from_slice(&at.to_le_bytes());
        data.extend_from_slice(s);
        data.push(0);
    }
    mem.write(buf, &data)?;
    mem.write(ptrs, &table)
}

/// Writes the count and the total size (NULs included) of `strings`.
fn write_sizes(mem: &mut dyn GuestMemory, strings: &[Vec<u8>], count: u32, size: u32) -> Result<(), Errno> {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    put_u32(mem, count, u32::try_from(strings.len()).map_err(|_| Errno::OVERFLOW)?)?;
    put_u32(mem, size, u32::try_from(total).map_err(|_| Errno::OVERFLOW)?)
}

impl WasiCtx {
    /// Reads the command-line arguments.
    pub fn args_get(&mut self, mem: &mut dyn GuestMemory, argv: u32, argv_buf: u32) -> Result<(), Errno> {
        write_strings(mem, &self.args, argv, argv_buf)
    }

    /// Returns the number of arguments and the size of their data.
    pub fn args_sizes_get(&mut self, mem: &mut dyn GuestMemory, argc: u32, argv_buf_size: u32) -> Result<(), Errno> {
        write_sizes(mem, &self.args, argc, argv_buf_size)
    }

    /// Reads the environment variables as `KEY=VALUE` strings.
    pub fn environ_get(&mut self, mem: &mut dyn GuestMemory, environ: u32, environ_buf: u32) -> Result<(), Errno> {
        write_strings(mem, &self.env, environ, environ_buf)
    }

    /// Returns the number of environment variables and the size of their data.
    pub fn environ_sizes_get(&mut self, mem: &mut dyn GuestMemory, environc: u32, environ_buf_size: u32) -> Result<(), Errno> {
        write_sizes(mem, &self.env, environc, environ_buf_size)
    }
}
