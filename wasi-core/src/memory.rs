//! `GuestMemory`: how the core reaches the guest's linear memory. Every access names an
//! offset and a length and is bounds-checked; out of bounds is `EFAULT`, never a panic.

use wasi_abi::Errno;

/// The guest's linear memory as seen during one call.
pub trait GuestMemory {
    /// Copies `buf.len()` bytes from guest offset `offset` into `buf`.
    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Errno>;

    /// Copies `data` to guest offset `offset`.
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Errno>;

    /// Checks that `offset..offset + len` lies in the memory, touching nothing: a
    /// guest-chosen length is bounded before anything is done with it. By default it reads
    /// the range's last byte; a memory that knows its size answers without that.
    fn check(&self, offset: u32, len: u32) -> Result<(), Errno> {
        match len.checked_sub(1) {
            None => Ok(()),
            Some(last) => self.read(offset.checked_add(last).ok_or(Errno::FAULT)?, &mut [0u8]),
        }
    }

    /// The whole memory as a slice, where it lives in this address space: lets the core move
    /// file data between guest memory and storage with one copy.
    fn direct(&mut self) -> Option<&mut [u8]> {
        None
    }
}

/// Checks that `offset..offset + len` lies within a memory of `size` bytes.
pub fn range(offset: u32, len: usize, size: usize) -> Result<core::ops::Range<usize>, Errno> {
    let start = offset as usize;
    let end = start.checked_add(len).ok_or(Errno::FAULT)?;
    if end > size {
        return Err(Errno::FAULT);
    }
    Ok(start..end)
}

/// A memory in this address space, borrowed for one call: pass `&mut slice` where a
/// `&mut dyn GuestMemory` is wanted.
impl GuestMemory for &mut [u8] {
    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Errno> {
        buf.copy_from_slice(&self[range(offset, buf.len(), self.len())?]);
        Ok(())
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Errno> {
        let r = range(offset, data.len(), self.len())?;
        self[r].copy_from_slice(data);
        Ok(())
    }

    fn check(&self, offset: u32, len: u32) -> Result<(), Errno> {
        range(offset, len as usize, self.len()).map(drop)
    }

    fn direct(&mut self) -> Option<&mut [u8]> {
        Some(&mut **self)
    }
}
