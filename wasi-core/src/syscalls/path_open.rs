//! `path_open`: resolve, maybe create or truncate, and add an fd.

use wasi_abi::{Errno, Fdflags, Filetype, Lookupflags, Oflags, Rights};

use super::{put_u32, read_path, writable};
use crate::ctx::WasiCtx;
use crate::fdtable::{Desc, Kind};
use crate::memory::GuestMemory;
use crate::path::resolve;
use crate::vfs::NewNode;

/// Decodes a flags argument; bits the witx does not define are `EINVAL`.
pub(crate) fn flags<F: bitflags::Flags>(raw: u64) -> Result<F, Errno>
where
    F::Bits: TryFrom<u64>,
{
    let bits = F::Bits::try_from(raw).map_err(|_| Errno::INVAL)?;
    F::from_bits(bits).ok_or(Errno::INVAL)
}

impl WasiCtx {
    /// Opens a file or directory relative to a directory fd. As in wasmtime, the fd is
    /// writable if `fs_rights_base` has `fd_write` or `oflags` create or truncate, and
    /// readable if it has `fd_read` or is not opened for writing; the sync fdflags are not
    /// supported (`ENOTSUP`). The path is read before the directory fd is looked at, and a
    /// file in its place is `ENOTDIR`, as there.
    pub fn path_open(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        fs_rights_base: u64,
        fs_rights_inheriting: u64,
        fdflags: u32,
        opened_fd: u32,
    ) -> Result<(), Errno> {
        let dirflags: Lookupflags = flags(dirflags.into())?;
        let oflags: Oflags = flags(oflags.into())?;
        let base: Rights = flags(fs_rights_base)?;
        let _: Rights = flags(fs_rights_inheriting)?;
        let fdflags: Fdflags = flags(fdflags.into())?;
        // Fault on a bad result pointer now, not after the file exists and the fd is taken.
        put_u32(mem, opened_fd, 0)?;
        let path = read_path(mem, path, path_len)?;
        let (mount, dir) = match self.fds.get(fd)?.kind {
            Kind::Dir { mount, ino, .. } => (mount, ino),
            Kind::File { .. } => return Err(Errno::NOTDIR),
            _ => return Err(Errno::BADF),
        };
        if fdflags.intersects(Fdflags::DSYNC | Fdflags::RSYNC | Fdflags::SYNC) {
            return Err(Errno::NOTSUP);
        }
        let write = base.contains(Rights::FD_WRITE) || oflags.intersects(Oflags::CREAT | Oflags::TRUNC);
        let read = base.contains(Rights::FD_READ) || !base.contains(Rights::FD_WRITE);
        if oflags.contains(Oflags::DIRECTORY) && oflags.intersects(Oflags::CREAT | Oflags::EXCL | Oflags::TRUNC) {
            return Err(Errno::INVAL);
        }
        if write {
            writable(mount)?;
        }
        self.fds.has_room()?;
        let now = self.now();
        let fs = &mut *self.backends[mount.backend];
        let found = resolve(fs, dir, &path, dirflags.contains(Lookupflags::SYMLINK_FOLLOW))?;
        let (ino, filetype) = match found.found {
            Some(_) if oflags.contains(Oflags::CREAT | Oflags::EXCL) => return Err(Errno::EXIST),
            Some(existing) => existing,
            None if !oflags.contains(Oflags::CREAT) => return Err(Errno::NOENT),
            None if found.trailing_slash => return Err(Errno::ISDIR),
            None => {
                let name = found.entry(Errno::NOENT)?;
                (fs.create(found.parent, name, NewNode::File, now)?, Filetype::RegularFile)
            }
        };
        let kind = match filetype {
            Filetype::SymbolicLink if oflags.contains(Oflags::DIRECTORY) => return Err(Errno::NOTDIR),
            Filetype::SymbolicLink => return Err(Errno::LOOP),
            Filetype::Directory if write => return Err(Errno::ISDIR),
            Filetype::Directory => Kind::Dir { mount, ino, preopen: None },
            _ if oflags.contains(Oflags::DIRECTORY) => return Err(Errno::NOTDIR),
            _ => {
                if oflags.contains(Oflags::TRUNC) {
                    fs.set_size(ino, 0, now)?;
                }
                Kind::File { mount, ino, pos: 0, readable: read, writable: write }
            }
        };
        fs.open(ino)?;
        let desc = Desc { kind, flags: fdflags };
        let new_fd = match self.fds.insert(desc) {
            Ok(new_fd) => new_fd,
            Err(e) => {
                self.backends[mount.backend].release(ino);
                return Err(e);
            }
        };
        put_u32(mem, opened_fd, new_fd)
    }
}
