//! Path syscalls other than `path_open`: directories, links, renames, stat and times.

use wasi_abi::{Errno, Filetype, Lookupflags, Rights};

use super::fd::times;
use super::path_open::flags;
use super::{put_u32, read_path, writable};
use crate::ctx::WasiCtx;
use crate::fdtable::Mount;
use crate::memory::GuestMemory;
use crate::path::{is_ancestor, resolve, Resolved};
use crate::vfs::{Ino, NewNode};

impl WasiCtx {
    /// Resolves a guest path relative to directory fd `fd`, which must hold `rights`.
    fn lookup_path(
        &mut self,
        mem: &dyn GuestMemory,
        fd: u32,
        rights: Rights,
        path: u32,
        path_len: u32,
        follow: bool,
    ) -> Result<(Mount, Resolved), Errno> {
        let (mount, dir) = self.dir_fd(fd, rights)?;
        let path = read_path(mem, path, path_len)?;
        let resolved = resolve(self.fs(mount), dir, &path, follow)?;
        Ok((mount, resolved))
    }

    /// Creates a directory.
    pub fn path_create_directory(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let (mount, r) = self.lookup_path(mem, fd, Rights::PATH_CREATE_DIRECTORY, path, path_len, false)?;
        writable(mount)?;
        if r.found.is_some() {
            return Err(Errno::EXIST);
        }
        let now = self.now();
        self.fs(mount).create(r.parent, r.entry(Errno::EXIST)?, NewNode::Directory, now).map(drop)
    }

    /// Removes an empty directory.
    pub fn path_remove_directory(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let (mount, r) = self.lookup_path(mem, fd, Rights::PATH_REMOVE_DIRECTORY, path, path_len, false)?;
        writable(mount)?;
        let (_, filetype) = r.existing()?;
        if filetype != Filetype::Directory {
            return Err(Errno::NOTDIR);
        }
        let now = self.now();
        self.fs(mount).rmdir(r.parent, r.entry(Errno::INVAL)?, now)
    }

    /// Removes a file or symlink.
    pub fn path_unlink_file(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let (mount, r) = self.lookup_path(mem, fd, Rights::PATH_UNLINK_FILE, path, path_len, false)?;
        writable(mount)?;
        if r.existing()?.1 == Filetype::Directory {
            return Err(Errno::ISDIR);
        }
        let now = self.now();
        self.fs(mount).unlink(r.parent, r.entry(Errno::ISDIR)?, now)
    }

    /// Creates a symlink at `new_path` (relative to `fd`) pointing at `old_path`, which is
    /// stored as given and only checked when followed.
    pub fn path_symlink(
        &mut self,
        mem: &mut dyn GuestMemory,
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        let target = read_path(mem, old_path, old_path_len)?;
        let (mount, r) = self.lookup_path(mem, fd, Rights::PATH_SYMLINK, new_path, new_path_len, false)?;
        writable(mount)?;
        if r.found.is_some() {
            return Err(Errno::EXIST);
        }
        if r.trailing_slash {
            return Err(Errno::NOENT);
        }
        if target.is_empty() || target.contains(&0) {
            return Err(if target.is_empty() { Errno::NOENT } else { Errno::INVAL });
        }
        if !self.fs(mount).features().symlinks {
            return Err(Errno::NOTSUP);
        }
        let now = self.now();
        self.fs(mount).create(r.parent, r.entry(Errno::EXIST)?, NewNode::Symlink(&target), now).map(drop)
    }

    /// Reads a symlink's target, truncated to the buffer, and returns the bytes written.
    pub fn path_readlink(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> Result<(), Errno> {
        let (mount, r) = self.lookup_path(mem, fd, Rights::PATH_READLINK, path, path_len, false)?;
        let (ino, filetype) = r.existing()?;
        if filetype != Filetype::SymbolicLink {
            return Err(Errno::INVAL);
        }
        let target = self.fs(mount).readlink(ino)?;
        let n = target.len().min(buf_len as usize);
        mem.write(buf, &target[..n])?;
        put_u32(mem, bufused, n as u32)
    }

    /// Resolves the destination of a link or rename: its parent and a free or replaceable name.
    fn destination(
        &mut self,
        mem: &dyn GuestMemory,
        fd: u32,
        rights: Rights,
        path: u32,
        path_len: u32,
        source: Mount,
    ) -> Result<Resolved, Errno> {
        let (mount, r) = self.lookup_path(mem, fd, rights, path, path_len, false)?;
        if mount.backend != source.backend {
            return Err(Errno::XDEV);
        }
        writable(mount)?;
        Ok(r)
    }

    /// Creates a hard link to an existing file or symlink (never following it).
    pub fn path_link(
        &mut self,
        mem: &mut dyn GuestMemory,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        // Linking through a symlink is refused, as wasmtime does: the link names the symlink.
        let old_flags: Lookupflags = flags(old_flags.into())?;
        if old_flags.contains(Lookupflags::SYMLINK_FOLLOW) {
            return Err(Errno::INVAL);
        }
        let (mount, src) = self.lookup_path(mem, old_fd, Rights::PATH_LINK_SOURCE, old_path, old_path_len, false)?;
        writable(mount)?;
        let (ino, filetype) = src.existing()?;
        let dst = self.destination(mem, new_fd, Rights::PATH_LINK_TARGET, new_path, new_path_len, mount)?;
        if dst.found.is_some() {
            return Err(Errno::EXIST);
        }
        if dst.trailing_slash {
            return Err(Errno::NOENT);
        }
        if filetype == Filetype::Directory {
            return Err(Errno::PERM);
        }
        if !self.fs(mount).features().hard_links {
            return Err(Errno::NOTSUP);
        }
        let now = self.now();
        self.fs(mount).link(ino, dst.parent, dst.entry(Errno::EXIST)?, now)
    }

    /// Renames a file or directory, replacing the destination as POSIX `rename` does.
    pub fn path_rename(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        let (mount, src) = self.lookup_path(mem, fd, Rights::PATH_RENAME_SOURCE, old_path, old_path_len, false)?;
        writable(mount)?;
        let (ino, filetype) = src.existing()?;
        let old_name = src.entry(Errno::BUSY)?;
        let dst = self.destination(mem, new_fd, Rights::PATH_RENAME_TARGET, new_path, new_path_len, mount)?;
        let new_name = dst.entry(Errno::BUSY)?;
        if filetype != Filetype::Directory && dst.trailing_slash {
            return Err(Errno::NOTDIR);
        }
        match dst.found {
            Some((dst_ino, _)) if dst_ino == ino => return Ok(()),
            Some((_, dst_type)) if filetype == Filetype::Directory && dst_type != Filetype::Directory => {
                return Err(Errno::NOTDIR)
            }
            Some((_, Filetype::Directory)) if filetype != Filetype::Directory => return Err(Errno::ISDIR),
            _ => {}
        }
        if filetype == Filetype::Directory && is_ancestor(self.fs(mount), ino, dst.parent)? {
            return Err(Errno::INVAL);
        }
        let now = self.now();
        self.fs(mount).rename(src.parent, old_name, dst.parent, new_name, now)
    }

    /// Returns the attributes of a file, directory or (without following) symlink.
    pub fn path_filestat_get(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        flags_: u32,
        path: u32,
        path_len: u32,
        buf: u32,
    ) -> Result<(), Errno> {
        let (mount, ino) = self.existing_at(mem, fd, Rights::PATH_FILESTAT_GET, flags_, path, path_len)?;
        let st = self.stat(mount, ino)?;
        mem.write(buf, &st.encode())
    }

    /// Sets the access and modification times of a path.
    pub fn path_filestat_set_times(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        flags_: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Result<(), Errno> {
        let now = self.now();
        let (atim, mtim) = times(atim, mtim, fst_flags, now)?;
        let (mount, ino) = self.existing_at(mem, fd, Rights::PATH_FILESTAT_SET_TIMES, flags_, path, path_len)?;
        writable(mount)?;
        self.fs(mount).set_times(ino, atim, mtim, now)
    }

    /// Resolves a path that must exist, following a final symlink per `lookupflags`.
    fn existing_at(
        &mut self,
        mem: &dyn GuestMemory,
        fd: u32,
        rights: Rights,
        lookupflags: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(Mount, Ino), Errno> {
        let lookupflags: Lookupflags = flags(lookupflags.into())?;
        let follow = lookupflags.contains(Lookupflags::SYMLINK_FOLLOW);
        let (mount, r) = self.lookup_path(mem, fd, rights, path, path_len, follow)?;
        Ok((mount, r.existing()?.0))
    }
}
