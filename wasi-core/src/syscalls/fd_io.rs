//! Reading, writing and seeking: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`, `fd_seek`,
//! `fd_tell`. File data moves between guest memory and the backend with one copy when the
//! memory is directly addressable or the backend lends its storage, else in chunks through
//! one reused scratch buffer.

use wasi_abi::{Errno, Fdflags, Iovec, Whence};

use super::{check_array, guest_offset, iovec, put_u32, put_u64, writable};
use crate::ctx::WasiCtx;
use crate::fdtable::{Kind, Mount};
use crate::memory::{range, GuestMemory};
use crate::vfs::{Ino, Timestamp};

/// Largest file offset a guest can reach (`filedelta` is signed).
const MAX_OFFSET: u64 = i64::MAX as u64;

/// Where `fd_write`/`fd_pwrite` put the data.
#[derive(Clone, Copy)]
enum At {
    /// At the fd's position (or the end, in append mode), moving the position.
    Cursor,
    /// At this offset, leaving the position alone.
    Offset(u64),
}

/// Runs a transfer whose byte count goes to guest address `result`. A bad `result` fails
/// before any byte moves, so that no byte moves unreported (a retry would repeat it).
fn counted(
    mem: &mut dyn GuestMemory,
    result: u32,
    transfer: impl FnOnce(&mut dyn GuestMemory) -> Result<u32, Errno>,
) -> Result<(), Errno> {
    check_array(mem, result, 1, 4)?;
    let n = transfer(mem)?;
    put_u32(mem, result, n)
}

impl WasiCtx {
    /// Moves file data for each non-empty iovec in turn with `step` (given the bytes moved
    /// so far), stopping at the first short transfer. What one call can report is a `u32`,
    /// so iovecs of more than `u32::MAX` bytes in all are cut there and the count says
    /// exactly what moved. An error after some bytes moved becomes a short count, as POSIX
    /// `readv`/`writev` report it.
    fn each_iov(
        &mut self,
        mem: &mut dyn GuestMemory,
        iovs: u32,
        iovs_len: u32,
        mut step: impl FnMut(&mut Self, &mut dyn GuestMemory, u64, Iovec) -> Result<usize, Errno>,
    ) -> Result<u32, Errno> {
        check_array(mem, iovs, iovs_len, 8)?;
        let mut total = 0u32;
        for i in 0..iovs_len {
            let mut iov = iovec(mem, iovs, i)?;
            iov.buf_len = iov.buf_len.min(u32::MAX - total);
            if iov.buf_len == 0 {
                if total == u32::MAX {
                    break;
                }
                continue;
            }
            let n = match step(self, mem, u64::from(total), iov) {
                Ok(n) => u32::try_from(n).map_or(iov.buf_len, |n| n.min(iov.buf_len)),
                Err(e) if total == 0 => return Err(e),
                Err(_) => break,
            };
            total += n;
            if n < iov.buf_len {
                break;
            }
        }
        Ok(total)
    }

    /// Reads file data at `pos` into one guest buffer; returns the bytes read.
    fn read_iov(
        &mut self,
        mem: &mut dyn GuestMemory,
        mount: Mount,
        ino: Ino,
        pos: u64,
        iov: Iovec,
    ) -> Result<usize, Errno> {
        let fs = &mut *self.backends[mount.backend];
        if let Some(direct) = mem.direct() {
            let r = range(iov.buf, iov.buf_len as usize, direct.len())?;
            return fs.read(ino, pos, &mut direct[r]);
        }
        let mut lent = 0usize;
        let mut to_guest = |piece: &[u8]| {
            mem.write(guest_offset(iov.buf, lent)?, piece)?;
            lent += piece.len();
            Ok(())
        };
        if let Some(read) = fs.read_in_place(ino, pos, iov.buf_len as usize, &mut to_guest) {
            return read;
        }
        let mut done = 0usize;
        while done < iov.buf_len as usize {
            let want = (iov.buf_len as usize - done).min(self.limits.io_chunk);
            self.scratch.resize(want, 0);
            let n = fs.read(ino, pos + done as u64, &mut self.scratch)?;
            mem.write(guest_offset(iov.buf, done)?, &self.scratch[..n])?;
            done += n;
            if n < want {
                break;
            }
        }
        Ok(done)
    }

    /// Writes one guest buffer to a file at `pos`; returns the bytes written.
    fn write_iov(
        &mut self,
        mem: &mut dyn GuestMemory,
        mount: Mount,
        ino: Ino,
        pos: u64,
        iov: Iovec,
        now: Timestamp,
    ) -> Result<usize, Errno> {
        // Past 2^63 - 1 is `EINVAL`, as Linux's `pwrite` (and so wasmtime) answers.
        if pos.checked_add(u64::from(iov.buf_len)).is_none_or(|end| end > MAX_OFFSET) {
            return Err(Errno::INVAL);
        }
        let fs = &mut *self.backends[mount.backend];
        if let Some(direct) = mem.direct() {
            let r = range(iov.buf, iov.buf_len as usize, direct.len())?;
            return fs.write(ino, pos, &direct[r], now);
        }
        let mut filled = 0usize;
        let mut from_guest = |piece: &mut [u8]| {
            mem.read(guest_offset(iov.buf, filled)?, piece)?;
            filled += piece.len();
            Ok(())
        };
        if let Some(written) = fs.write_in_place(ino, pos, iov.buf_len as usize, now, &mut from_guest) {
            return written;
        }
        let mut done = 0usize;
        while done < iov.buf_len as usize {
            let want = (iov.buf_len as usize - done).min(self.limits.io_chunk);
            self.scratch.resize(want, 0);
            mem.read(guest_offset(iov.buf, done)?, &mut self.scratch)?;
            let n = fs.write(ino, pos + done as u64, &self.scratch, now)?;
            done += n;
            if n < want {
                break;
            }
        }
        Ok(done)
    }

    /// Reads from stdin into the first non-empty buffer (one read, so a pipe is not
    /// waited on for more than it has). The buffer is checked first: bytes taken from the
    /// stream must reach the guest.
    fn read_stdin(&mut self, mem: &mut dyn GuestMemory, iovs: u32, iovs_len: u32) -> Result<u32, Errno> {
        check_array(mem, iovs, iovs_len, 8)?;
        for i in 0..iovs_len {
            let iov = iovec(mem, iovs, i)?;
            if iov.buf_len == 0 {
                continue;
            }
            if let Some(direct) = mem.direct() {
                let r = range(iov.buf, iov.buf_len as usize, direct.len())?;
                return self.stdin.read(&mut direct[r]).map(|n| n as u32);
            }
            let want = iov.buf_len.min(self.limits.io_chunk as u32);
            check_array(mem, iov.buf, want, 1)?;
            self.scratch.resize(want as usize, 0);
            let n = self.stdin.read(&mut self.scratch)?;
            mem.write(iov.buf, &self.scratch[..n])?;
            return Ok(n as u32);
        }
        Ok(0)
    }

    /// Writes the buffers to stdout (`err == false`) or stderr, each checked before any of
    /// it is handed on, so that a bad one ends the call with a count of what went out.
    fn write_stream(&mut self, mem: &mut dyn GuestMemory, err: bool, iovs: u32, iovs_len: u32) -> Result<u32, Errno> {
        self.each_iov(mem, iovs, iovs_len, |ctx, mem, _, iov| {
            check_array(mem, iov.buf, iov.buf_len, 1)?;
            let stream = if err { &mut ctx.stderr } else { &mut ctx.stdout };
            if let Some(direct) = mem.direct() {
                let r = range(iov.buf, iov.buf_len as usize, direct.len())?;
                stream.write(&direct[r])?;
                return Ok(iov.buf_len as usize);
            }
            let mut done = 0usize;
            while done < iov.buf_len as usize {
                let want = (iov.buf_len as usize - done).min(ctx.limits.io_chunk);
                ctx.scratch.resize(want, 0);
                mem.read(guest_offset(iov.buf, done)?, &mut ctx.scratch)?;
                if let Err(e) = stream.write(&ctx.scratch) {
                    return if done > 0 { Ok(done) } else { Err(e) };
                }
                done += want;
            }
            Ok(done)
        })
    }

    /// `fd_read`/`fd_pread` on a file: fills the buffers in order until a short read.
    fn read_file(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        at: Option<u64>,
    ) -> Result<u32, Errno> {
        let desc = self.fds.get(fd)?;
        let (mount, ino, pos) = match desc.kind {
            Kind::File { readable: false, .. } => return Err(Errno::BADF),
            Kind::File { mount, ino, pos, .. } => (mount, ino, pos),
            Kind::Stdin if at.is_none() => return self.read_stdin(mem, iovs, iovs_len),
            // wasmtime: stdin has no offsets; stdout and stderr are not for reading at all.
            Kind::Stdin => return Err(Errno::SPIPE),
            _ => return Err(Errno::BADF),
        };
        let start = at.unwrap_or(pos);
        // Past 2^63 - 1 (where `fd_seek` may leave the position) is `EINVAL`, as Linux's
        // `pread` (and so wasmtime) answers.
        if start > MAX_OFFSET {
            return Err(Errno::INVAL);
        }
        let total =
            self.each_iov(mem, iovs, iovs_len, |ctx, mem, done, iov| ctx.read_iov(mem, mount, ino, start + done, iov))?;
        if at.is_none() {
            if let Kind::File { pos, .. } = &mut self.fds.get_mut(fd)?.kind {
                *pos = start + u64::from(total);
            }
        }
        Ok(total)
    }

    /// `fd_write`/`fd_pwrite`: files, stdout and stderr.
    fn write_fd(&mut self, mem: &mut dyn GuestMemory, fd: u32, iovs: u32, iovs_len: u32, at: At) -> Result<u32, Errno> {
        let desc = self.fds.get(fd)?;
        let (mount, ino, pos) = match desc.kind {
            Kind::File { writable: false, .. } => return Err(Errno::BADF),
            Kind::File { mount, ino, pos, .. } => (mount, ino, pos),
            Kind::Stdout | Kind::Stderr if matches!(at, At::Cursor) => {
                let err = desc.kind == Kind::Stderr;
                return self.write_stream(mem, err, iovs, iovs_len);
            }
            // wasmtime: stdout and stderr have no offsets; stdin is not for writing at all.
            Kind::Stdout | Kind::Stderr => return Err(Errno::SPIPE),
            _ => return Err(Errno::BADF),
        };
        if matches!(at, At::Offset(offset) if offset > MAX_OFFSET) {
            return Err(Errno::INVAL);
        }
        let append = desc.flags.contains(Fdflags::APPEND);
        writable(mount)?;
        let now = self.now();
        // In append mode the offset of `fd_pwrite` is ignored, as Linux and wasmtime do.
        let start = match at {
            _ if append => self.fs(mount).stat(ino)?.size,
            At::Offset(offset) => offset,
            At::Cursor => pos,
        };
        let total = self.each_iov(mem, iovs, iovs_len, |ctx, mem, done, iov| {
            ctx.write_iov(mem, mount, ino, start + done, iov, now)
        })?;
        if let At::Cursor = at {
            if let Kind::File { pos, .. } = &mut self.fds.get_mut(fd)?.kind {
                *pos = start + u64::from(total);
            }
        }
        Ok(total)
    }

    /// Reads from an fd at its position.
    pub fn fd_read(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> Result<(), Errno> {
        counted(mem, nread, |mem| self.read_file(mem, fd, iovs, iovs_len, None))
    }

    /// Reads from a file at an offset, leaving its position alone.
    pub fn fd_pread(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread: u32,
    ) -> Result<(), Errno> {
        counted(mem, nread, |mem| self.read_file(mem, fd, iovs, iovs_len, Some(offset)))
    }

    /// Writes to an fd at its position (at the end in append mode).
    pub fn fd_write(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> Result<(), Errno> {
        counted(mem, nwritten, |mem| self.write_fd(mem, fd, iovs, iovs_len, At::Cursor))
    }

    /// Writes to a file at an offset, leaving its position alone.
    pub fn fd_pwrite(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten: u32,
    ) -> Result<(), Errno> {
        counted(mem, nwritten, |mem| self.write_fd(mem, fd, iovs, iovs_len, At::Offset(offset)))
    }

    /// The position of a seekable fd: stdio is `ESPIPE`, a directory `EBADF`.
    fn seekable(&self, fd: u32) -> Result<(Mount, Ino, u64), Errno> {
        match self.fds.get(fd)?.kind {
            Kind::File { mount, ino, pos, .. } => Ok((mount, ino, pos)),
            Kind::Stdin | Kind::Stdout | Kind::Stderr => Err(Errno::SPIPE),
            Kind::Dir { .. } => Err(Errno::BADF),
        }
    }

    /// Moves a file's position; a negative offset from the start, or a position that would
    /// fall below 0 or past 2^64 - 1, is `EINVAL`, as in wasmtime.
    pub fn fd_seek(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        offset: u64,
        whence: u32,
        newoffset: u32,
    ) -> Result<(), Errno> {
        let whence = Whence::try_from(u8::try_from(whence).map_err(|_| Errno::INVAL)?)?;
        let (mount, ino, pos) = self.seekable(fd)?;
        let delta = offset as i64;
        let base = match whence {
            Whence::Set if delta < 0 => return Err(Errno::INVAL),
            Whence::Set => 0,
            Whence::Cur => pos,
            Whence::End => self.fs(mount).stat(ino)?.size,
        };
        let new = base.checked_add_signed(delta).ok_or(Errno::INVAL)?;
        if let Kind::File { pos, .. } = &mut self.fds.get_mut(fd)?.kind {
            *pos = new;
        }
        put_u64(mem, newoffset, new)
    }

    /// Returns a file's position.
    pub fn fd_tell(&mut self, mem: &mut dyn GuestMemory, fd: u32, offset: u32) -> Result<(), Errno> {
        let (_, _, pos) = self.seekable(fd)?;
        put_u64(mem, offset, pos)
    }
}
