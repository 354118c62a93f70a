//! `fd_readdir`: `.` and `..` (cookies 1 and 2), then the backend's entries with their
//! cookies shifted past those two, packed as dirent headers and names. The last entry is
//! cut off at the end of the buffer, as the spec asks, so that a full buffer tells the
//! guest to call again.

use wasi_abi::{Dirent, Errno, Filetype};

use super::{dir_of, put_u32};
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::vfs::DirEntry;

/// Cookies 1 and 2 belong to `.` and `..`.
const RESERVED_COOKIES: u64 = 2;

/// Packs entries into the guest's buffer.
struct Packer<'m> {
    mem: &'m mut dyn GuestMemory,
    at: u32,
    left: u32,
    error: Option<Errno>,
}

impl Packer<'_> {
    /// Writes one entry, cut short at the end of the buffer; returns whether there is room left.
    fn push(&mut self, entry: DirEntry<'_>) -> bool {
        let head =
            Dirent { d_next: entry.next, d_ino: entry.ino, d_namlen: entry.name.len() as u32, d_type: entry.filetype }
                .encode();
        for part in [&head[..], entry.name] {
            let n = (part.len() as u32).min(self.left);
            if let Err(e) = self.mem.write(self.at, &part[..n as usize]) {
                self.error = Some(e);
                return false;
            }
            self.at = self.at.saturating_add(n);
            self.left -= n;
            if self.left == 0 {
                return false;
            }
        }
        true
    }
}

impl WasiCtx {
    /// Reads directory entries from `cookie` on; returns the bytes used (all of them if
    /// more entries may follow).
    pub fn fd_readdir(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused: u32,
    ) -> Result<(), Errno> {
        let (mount, dir) = dir_of(self.fds.get(fd)?)?;
        if u64::from(buf) + u64::from(buf_len) > 1 << 32 {
            return Err(Errno::FAULT);
        }
        let fs = self.fs(mount);
        let parent = fs.lookup(dir, b"..")?;
        let mut packer = Packer { mem, at: buf, left: buf_len, error: None };
        let dots = [(b".".as_slice(), dir, 1), (b"..".as_slice(), parent, 2)];
        let mut room = buf_len > 0;
        for (name, ino, next) in dots {
            if room && cookie < next {
                room = packer.push(DirEntry { name, ino, filetype: Filetype::Directory, next });
            }
        }
        if room {
            let from = cookie.saturating_sub(RESERVED_COOKIES);
            fs.readdir(dir, from, &mut |e: DirEntry<'_>| {
                packer.push(DirEntry { next: e.next.saturating_add(RESERVED_COOKIES), ..e })
            })?;
        }
        if let Some(e) = packer.error {
            return Err(e);
        }
        let used = buf_len - packer.left;
        put_u32(packer.mem, bufused, used)
    }
}
