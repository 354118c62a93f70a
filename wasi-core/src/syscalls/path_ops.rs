//! Path syscalls other than `path_open`: directories, links, renames, stat and times.

use alloc::vec::Vec;
use wasi_abi::{Errno, Filetype, Lookupflags};

use super::fd::times;
use super::path_open::flags;
use super::{put_u32, read_path, writable};
use crate::ctx::WasiCtx;
use crate::fdtable::Mount;
use crate::memory::GuestMemory;
use crate::path::{check, is_ancestor, resolve, Resolved, ESCAPE};
use crate::vfs::{Ino, NewNode};

/// One side of a link or rename: a directory and a path read from the guest.
struct Side {
    mount: Mount,
    dir: Ino,
    path: Vec<u8>,
}

impl WasiCtx {
    /// Checks the part of `path` naming its parent directory ([`parent_part`]), as wasmtime
    /// does first for every path syscall but `path_open` (it opens the parent, then works
    /// on the last component): a NUL byte there is `EINVAL`, an absolute path `EPERM`, and
    /// it must lead to a directory. So a fault in the last component shows only after the
    /// directories before it are found.
    fn check_parent(&mut self, mount: Mount, dir: Ino, path: &[u8], slash_opens: bool) -> Result<(), Errno> {
        let parent = parent_part(path, slash_opens);
        if parent.contains(&0) {
            return Err(Errno::INVAL);
        }
        if parent.first() == Some(&b'/') {
            return Err(ESCAPE);
        }
        if !parent.is_empty() && resolve(self.fs(mount), dir, parent, false)?.existing()?.1 != Filetype::Directory {
            return Err(Errno::NOTDIR);
        }
        Ok(())
    }

    /// Resolves a guest path relative to directory fd `fd`, its parent checked first.
    fn lookup_path(
        &mut self,
        mem: &dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
        follow: bool,
    ) -> Result<(Mount, Resolved), Errno> {
        let (mount, dir) = self.dir_fd(fd)?;
        let path = read_path(mem, path, path_len)?;
        self.check_parent(mount, dir, &path, false)?;
        let resolved = resolve(self.fs(mount), dir, &path, follow)?;
        Ok((mount, resolved))
    }

    /// Resolves a guest path relative to directory fd `fd`, checking the whole path before
    /// any of it is looked up, as wasmtime's `path_filestat_get` does (like `path_open`).
    fn lookup_whole_path(
        &mut self,
        mem: &dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
        follow: bool,
    ) -> Result<(Mount, Resolved), Errno> {
        let (mount, dir) = self.dir_fd(fd)?;
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
        let (mount, r) = self.lookup_path(mem, fd, path, path_len, false)?;
        writable(mount)?;
        if r.found.is_some() {
            return Err(Errno::EXIST);
        }
        let now = self.now();
        self.fs(mount).create(r.parent, r.entry(Errno::EXIST)?, NewNode::Directory, now).map(drop)
    }

    /// Removes an empty directory. A trailing slash is `EINVAL`, as wasmtime answers.
    pub fn path_remove_directory(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let (mount, r) = self.lookup_path(mem, fd, path, path_len, false)?;
        writable(mount)?;
        let (_, filetype) = r.existing()?;
        if filetype != Filetype::Directory {
            return Err(Errno::NOTDIR);
        }
        if r.trailing_slash {
            return Err(Errno::INVAL);
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
        let (mount, r) = self.lookup_path(mem, fd, path, path_len, false)?;
        writable(mount)?;
        if r.existing()?.1 == Filetype::Directory {
            return Err(Errno::ISDIR);
        }
        let now = self.now();
        self.fs(mount).unlink(r.parent, r.entry(Errno::ISDIR)?, now)
    }

    /// Creates a symlink at `new_path` (relative to `fd`) pointing at `old_path`. As in
    /// wasmtime, an absolute target is `EPERM` and an empty one `ENOENT`, before the new
    /// path is looked at; a relative target is stored as given and checked when followed.
    pub fn path_symlink(
        &mut self,
        mem: &mut dyn GuestMemory,
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        let (mount, dir) = self.dir_fd(fd)?;
        let target = read_path(mem, old_path, old_path_len)?;
        let new_path = read_path(mem, new_path, new_path_len)?;
        if target.first() == Some(&b'/') {
            return Err(ESCAPE);
        }
        self.check_parent(mount, dir, &new_path, false)?;
        if new_path.contains(&0) {
            return Err(Errno::INVAL);
        }
        if target.is_empty() {
            return Err(Errno::NOENT);
        }
        if target.contains(&0) {
            return Err(Errno::INVAL);
        }
        let r = resolve(self.fs(mount), dir, &new_path, false)?;
        writable(mount)?;
        if r.found.is_some() {
            return Err(Errno::EXIST);
        }
        if r.trailing_slash {
            return Err(Errno::NOENT);
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
        let (mount, r) = self.lookup_path(mem, fd, path, path_len, false)?;
        let (ino, filetype) = r.existing()?;
        if filetype != Filetype::SymbolicLink {
            return Err(Errno::INVAL);
        }
        let target = self.fs(mount).readlink(ino)?;
        let n = target.len().min(buf_len as usize);
        mem.write(buf, &target[..n])?;
        put_u32(mem, bufused, n as u32)
    }

    /// The two sides of a link or rename: both directory fds checked, both paths read.
    fn sides(
        &self,
        mem: &dyn GuestMemory,
        (old_fd, old_path, old_len): (u32, u32, u32),
        (new_fd, new_path, new_len): (u32, u32, u32),
    ) -> Result<[Side; 2], Errno> {
        let (old_mount, old_dir) = self.dir_fd(old_fd)?;
        let (new_mount, new_dir) = self.dir_fd(new_fd)?;
        Ok([
            Side { mount: old_mount, dir: old_dir, path: read_path(mem, old_path, old_len)? },
            Side { mount: new_mount, dir: new_dir, path: read_path(mem, new_path, new_len)? },
        ])
    }

    /// Checks both sides' parents ([`WasiCtx::check_parent`]), then both whole paths, in
    /// wasmtime's order.
    fn check_sides(&mut self, sides: &[Side; 2], slash_opens: bool) -> Result<(), Errno> {
        for side in sides {
            self.check_parent(side.mount, side.dir, &side.path, slash_opens)?;
        }
        for side in sides {
            check(&side.path)?;
        }
        Ok(())
    }

    /// Resolves one side of a link or rename without following a last symlink.
    fn resolve_side(&mut self, side: &Side) -> Result<Resolved, Errno> {
        let r = resolve(self.fs(side.mount), side.dir, &side.path, false)?;
        writable(side.mount)?;
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
        let old_flags: Lookupflags = flags(old_flags.into())?;
        let sides = self.sides(mem, (old_fd, old_path, old_path_len), (new_fd, new_path, new_path_len))?;
        // Linking through a symlink is refused, as wasmtime does: the link names the symlink.
        if old_flags.contains(Lookupflags::SYMLINK_FOLLOW) {
            return Err(Errno::INVAL);
        }
        self.check_sides(&sides, true)?;
        // The source must exist before the destination is looked at, as under wasmtime.
        let [old, new] = sides;
        let (ino, filetype) = self.resolve_side(&old)?.existing()?;
        let dst = self.resolve_side(&new)?;
        if new.mount.backend != old.mount.backend {
            return Err(Errno::XDEV);
        }
        let mount = old.mount;
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

    /// Renames a file or directory, replacing the destination as POSIX
    /// `rename` does. A path ending in `.` or `..` on either side is `EBUSY`, before the
    /// source's existence is checked, as in wasmtime.
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
        let sides = self.sides(mem, (fd, old_path, old_path_len), (new_fd, new_path, new_path_len))?;
        self.check_sides(&sides, false)?;
        let [old, new] = sides;
        let (src, dst) = (self.resolve_side(&old)?, self.resolve_side(&new)?);
        if new.mount.backend != old.mount.backend {
            return Err(Errno::XDEV);
        }
        let mount = old.mount;
        let old_name = src.entry(Errno::BUSY)?;
        let new_name = dst.entry(Errno::BUSY)?;
        let (ino, filetype) = src.existing()?;
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
        let (mount, ino) = self.existing_at(mem, fd, flags_, path, path_len)?;
        let st = self.stat(mount, ino)?;
        mem.write(buf, &st.encode())
    }

    /// Sets the access and modification times of a path (with neither to change, the path's
    /// last component need not exist, as under wasmtime).
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
        let lookupflags: Lookupflags = flags(flags_.into())?;
        let follow = lookupflags.contains(Lookupflags::SYMLINK_FOLLOW);
        let (mount, r) = self.lookup_path(mem, fd, path, path_len, follow)?;
        if atim.is_none() && mtim.is_none() {
            // Nothing to change: like Linux `utimensat` under wasmtime, a missing last
            // component is no error, unless a trailing slash or following it needs it.
            if r.found.is_some() || !(r.trailing_slash || follow) {
                return Ok(());
            }
        }
        let ino = r.existing()?.0;
        writable(mount)?;
        self.fs(mount).set_times(ino, atim, mtim, now)
    }

    /// Resolves a path that must exist, following a final symlink per `lookupflags`.
    fn existing_at(
        &mut self,
        mem: &dyn GuestMemory,
        fd: u32,
        lookupflags: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(Mount, Ino), Errno> {
        let lookupflags: Lookupflags = flags(lookupflags.into())?;
        let follow = lookupflags.contains(Lookupflags::SYMLINK_FOLLOW);
        let (mount, r) = self.lookup_whole_path(mem, fd, path, path_len, follow)?;
        Ok((mount, r.existing()?.0))
    }
}

/// The part of a path naming the directory wasmtime opens to work on its last component:
/// up to the last `/`, or the whole path when it ends in `.` or `..`, or in `/` if
/// `slash_opens` (`path_link` opens such a path whole; `path_rename` does not).
fn parent_part(path: &[u8], slash_opens: bool) -> &[u8] {
    let trimmed =
        if slash_opens { path } else { &path[..path.iter().rposition(|b| *b != b'/').map_or(0, |end| end + 1)] };
    let last = trimmed.iter().rposition(|b| *b == b'/').map_or(0, |slash| slash + 1);
    match &trimmed[last..] {
        b"" | b"." | b".." => trimmed,
        _ => &trimmed[..last],
    }
}
