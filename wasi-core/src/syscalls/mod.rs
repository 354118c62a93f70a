//! The 46 syscalls, one module per concern. Each method takes the guest memory first and the
//! wasm-level arguments as listed by `wasi_abi::for_each_function!`, and returns `Ok(())`
//! after writing its results to guest memory, or the errno.

// The signatures are the witx's lowered ones, argument for argument.
#![allow(clippy::too_many_arguments)]

pub(crate) mod args;
mod clock;
mod fd;
mod fd_io;
mod path_open;
mod path_ops;
mod poll;
mod proc;
mod readdir;
mod sock;

use alloc::vec::Vec;
use wasi_abi::{Errno, Filestat, Iovec};

pub(crate) use poll::PollResume;

use crate::ctx::WasiCtx;
use crate::fdtable::{Desc, Kind, Mount};
use crate::memory::GuestMemory;
use crate::path::MAX_PATH;
use crate::vfs::{Ino, Timestamp, VirtualFs};

/// Writes a little-endian `u32` result.
pub(crate) fn put_u32(mem: &mut dyn GuestMemory, at: u32, v: u32) -> Result<(), Errno> {
    mem.write(at, &v.to_le_bytes())
}

/// Writes a little-endian `u64` result.
pub(crate) fn put_u64(mem: &mut dyn GuestMemory, at: u32, v: u64) -> Result<(), Errno> {
    mem.write(at, &v.to_le_bytes())
}

/// `base + add` as a guest address; past the 4 GiB address space is `EFAULT`.
pub(crate) fn guest_offset(base: u32, add: usize) -> Result<u32, Errno> {
    u32::try_from(add).ok().and_then(|a| base.checked_add(a)).ok_or(Errno::FAULT)
}

/// The address of element `index` of an array of `size`-byte elements at `base`, computed
/// in 64 bits so that a large index cannot wrap around (it faults instead).
pub(crate) fn element(base: u32, index: u32, size: u32) -> Result<u32, Errno> {
    u32::try_from(u64::from(base) + u64::from(index) * u64::from(size)).map_err(|_| Errno::FAULT)
}

/// Checks that an array of `count` elements of `size` bytes at `base` lies in guest
/// memory, without copying it: a guest-chosen count is bounded before anything is done.
pub(crate) fn check_array(mem: &dyn GuestMemory, base: u32, count: u32, size: u32) -> Result<(), Errno> {
    let bytes = u32::try_from(u64::from(count) * u64::from(size)).map_err(|_| Errno::FAULT)?;
    mem.check(base, bytes)
}

/// Reads the `i`-th iovec of the array at `iovs`.
pub(crate) fn iovec(mem: &dyn GuestMemory, iovs: u32, i: u32) -> Result<Iovec, Errno> {
    let mut b = [0u8; 8];
    mem.read(element(iovs, i, 8)?, &mut b)?;
    Ok(Iovec::decode(&b))
}

/// Reads a path argument. Invalid UTF-8 is `EILSEQ` (paths are `string` in the witx). A
/// path longer than any path can be is `ENAMETOOLONG` (`EFAULT` if it does not even lie in
/// guest memory), before anything is allocated for it; but as wasmtime reads it whole
/// first, invalid UTF-8 in it is still `EILSEQ`, and a NUL byte `EINVAL`, when it is short
/// enough to look at ([`SCANNED_PATH`]).
pub(crate) fn read_path(mem: &dyn GuestMemory, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
    if len as usize > MAX_PATH {
        check_array(mem, ptr, len, 1)?;
        return Err(long_path_errno(mem, ptr, len)?);
    }
    let mut path = alloc::vec![0u8; len as usize];
    mem.read(ptr, &mut path)?;
    core::str::from_utf8(&path).map_err(|_| Errno::ILSEQ)?;
    Ok(path)
}

/// The longest over-long path whose bytes are looked at; past it, `ENAMETOOLONG` without
/// reading, so that a call costs no time in proportion to a huge length either.
const SCANNED_PATH: u32 = 64 * 1024;

/// What a path of more than `MAX_PATH` bytes answers, found in one pass over it in small
/// pieces: `EILSEQ` for invalid UTF-8, else `EINVAL` for a NUL byte, else `ENAMETOOLONG`.
fn long_path_errno(mem: &dyn GuestMemory, ptr: u32, len: u32) -> Result<Errno, Errno> {
    if len > SCANNED_PATH {
        return Ok(Errno::NAMETOOLONG);
    }
    let mut buf = [0u8; 256];
    // Bytes of a UTF-8 sequence cut at the end of the previous piece, carried over.
    let mut carry = 0usize;
    let mut nul = false;
    let mut done = 0u32;
    while done < len {
        let n = ((len - done) as usize).min(buf.len() - carry);
        mem.read(guest_offset(ptr, done as usize)?, &mut buf[carry..carry + n])?;
        nul |= buf[carry..carry + n].contains(&0);
        done += n as u32;
        let end = carry + n;
        carry = match core::str::from_utf8(&buf[..end]) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() && done < len => end - e.valid_up_to(),
            Err(_) => return Ok(Errno::ILSEQ),
        };
        buf.copy_within(end - carry..end, 0);
    }
    Ok(if nul { Errno::INVAL } else { Errno::NAMETOOLONG })
}

/// A directory fd's inode, for `fd_readdir` and the path syscalls: any other fd is `EBADF`,
/// as wasmtime answers (`path_open` alone says `ENOTDIR` for a file).
pub(crate) fn dir_of(desc: &Desc) -> Result<(Mount, Ino), Errno> {
    match desc.kind {
        Kind::Dir { mount, ino, .. } => Ok((mount, ino)),
        _ => Err(Errno::BADF),
    }
}

/// Fails with `EPERM` on a read-only mount, as wasmtime does for a read-only preopen.
pub(crate) fn writable(mount: Mount) -> Result<(), Errno> {
    if mount.read_only {
        Err(Errno::PERM)
    } else {
        Ok(())
    }
}

impl WasiCtx {
    /// The current wall-clock time, for file timestamps.
    pub(crate) fn now(&mut self) -> Timestamp {
        self.clock.realtime()
    }

    /// The backend an fd's mount lives in.
    pub(crate) fn fs(&mut self, mount: Mount) -> &mut dyn VirtualFs {
        &mut *self.backends[mount.backend]
    }

    /// Attributes of an inode with the device number of its backend.
    pub(crate) fn stat(&mut self, mount: Mount, ino: Ino) -> Result<Filestat, Errno> {
        let mut st = self.fs(mount).stat(ino)?;
        st.dev = mount.backend as u64 + 1;
        Ok(st)
    }

    /// Looks up an fd that must be a directory, for a path syscall.
    pub(crate) fn dir_fd(&self, fd: u32) -> Result<(Mount, Ino), Errno> {
        dir_of(self.fds.get(fd)?)
    }

    /// Closes a descriptor's backend reference.
    pub(crate) fn release(&mut self, desc: &Desc) {
        if let Some((mount, ino)) = desc.inode() {
            self.fs(mount).release(ino);
        }
    }
}
