//! Syscalls on an fd itself: close, renumber, fdstat, prestat, filestat, advise, allocate, sync.

use wasi_abi::{Advice, Errno, Fdflags, Fdstat, Filestat, Fstflags, Prestat, Rights};

use super::writable;
use crate::ctx::WasiCtx;
use crate::fdtable::{Desc, Kind};
use crate::memory::GuestMemory;
use crate::vfs::Timestamp;

/// Rights wasmtime reports for a preopened directory.
const PREOPEN_RIGHTS: Rights = Rights::PATH_CREATE_DIRECTORY
    .union(Rights::PATH_CREATE_FILE)
    .union(Rights::PATH_LINK_SOURCE)
    .union(Rights::PATH_LINK_TARGET)
    .union(Rights::PATH_OPEN)
    .union(Rights::FD_READDIR)
    .union(Rights::PATH_READLINK)
    .union(Rights::PATH_RENAME_SOURCE)
    .union(Rights::PATH_RENAME_TARGET)
    .union(Rights::PATH_SYMLINK)
    .union(Rights::PATH_REMOVE_DIRECTORY)
    .union(Rights::PATH_UNLINK_FILE)
    .union(Rights::PATH_FILESTAT_GET)
    .union(Rights::PATH_FILESTAT_SET_TIMES)
    .union(Rights::FD_FILESTAT_GET)
    .union(Rights::FD_FILESTAT_SET_TIMES);

/// Rights wasmtime reports as inheritable from a preopened directory.
const PREOPEN_INHERITING: Rights = PREOPEN_RIGHTS
    .union(Rights::FD_DATASYNC)
    .union(Rights::FD_READ)
    .union(Rights::FD_SEEK)
    .union(Rights::FD_FDSTAT_SET_FLAGS)
    .union(Rights::FD_SYNC)
    .union(Rights::FD_TELL)
    .union(Rights::FD_WRITE)
    .union(Rights::FD_ADVISE)
    .union(Rights::FD_ALLOCATE)
    .union(Rights::FD_FILESTAT_GET)
    .union(Rights::FD_FILESTAT_SET_SIZE)
    .union(Rights::FD_FILESTAT_SET_TIMES)
    .union(Rights::POLL_FD_READWRITE);

/// Rights stdio reports: wasmtime's (`fd_read` or `fd_write`), and `poll_fd_readwrite`,
/// which wasmtime leaves out though its `poll_oneoff` accepts stdio, and which guests
/// checking the rights before they poll (as public conformance suites do) need.
const STDIN_RIGHTS: Rights = Rights::FD_READ.union(Rights::POLL_FD_READWRITE);
/// See [`STDIN_RIGHTS`].
const STDOUT_RIGHTS: Rights = Rights::FD_WRITE.union(Rights::POLL_FD_READWRITE);

/// The rights `fd_fdstat_get` reports: wasmtime's choice for the kind of fd and its open
/// mode (stdio: see [`STDIN_RIGHTS`]). They are reported, not enforced
/// (`fd_fdstat_set_rights` changes nothing).
fn reported_rights(desc: &Desc) -> (Rights, Rights) {
    match &desc.kind {
        Kind::Stdin => (STDIN_RIGHTS, STDIN_RIGHTS),
        Kind::Stdout | Kind::Stderr => (STDOUT_RIGHTS, STDOUT_RIGHTS),
        Kind::Dir { preopen: Some(_), .. } => (PREOPEN_RIGHTS, PREOPEN_INHERITING),
        Kind::Dir { preopen: None, .. } => {
            let r = Rights::all().difference(
                Rights::FD_SEEK | Rights::FD_FILESTAT_SET_SIZE | Rights::PATH_FILESTAT_SET_SIZE | Rights::FD_WRITE,
            );
            (r, r)
        }
        Kind::File { readable, writable, .. } => {
            let mut r = Rights::all();
            if !readable {
                r.remove(Rights::FD_READ | Rights::FD_READDIR);
            }
            if !writable {
                r.remove(Rights::FD_WRITE);
            }
            (r, r)
        }
    }
}

/// Turns `fst_flags` and the given times into what to set (`None`: leave as is).
/// Both a time and `*_NOW` for the same field is `EINVAL`.
pub(crate) fn times(
    atim: u64,
    mtim: u64,
    fst: u32,
    now: Timestamp,
) -> Result<(Option<Timestamp>, Option<Timestamp>), Errno> {
    let fst = Fstflags::from_bits(u16::try_from(fst).map_err(|_| Errno::INVAL)?).ok_or(Errno::INVAL)?;
    let pick = |set: Fstflags, set_now: Fstflags, value: u64| match (fst.contains(set), fst.contains(set_now)) {
        (true, true) => Err(Errno::INVAL),
        (true, false) => Ok(Some(value)),
        (false, true) => Ok(Some(now)),
        (false, false) => Ok(None),
    };
    Ok((pick(Fstflags::ATIM, Fstflags::ATIM_NOW, atim)?, pick(Fstflags::MTIM, Fstflags::MTIM_NOW, mtim)?))
}

impl WasiCtx {
    /// Closes an fd (preopens and stdio included).
    pub fn fd_close(&mut self, _mem: &mut dyn GuestMemory, fd: u32) -> Result<(), Errno> {
        let desc = self.fds.remove(fd)?;
        self.release(&desc);
        Ok(())
    }

    /// Moves fd `fd` to number `to`, closing what `to` held; both must be open.
    pub fn fd_renumber(&mut self, _mem: &mut dyn GuestMemory, fd: u32, to: u32) -> Result<(), Errno> {
        if let Some(old) = self.fds.renumber(fd, to)? {
            self.release(&old);
        }
        Ok(())
    }

    /// Returns the type, flags and rights of an fd.
    pub fn fd_fdstat_get(&mut self, mem: &mut dyn GuestMemory, fd: u32, stat: u32) -> Result<(), Errno> {
        let desc = self.fds.get(fd)?;
        let (fs_rights_base, fs_rights_inheriting) = reported_rights(desc);
        let st = Fdstat { fs_filetype: desc.filetype(), fs_flags: desc.flags, fs_rights_base, fs_rights_inheriting };
        mem.write(stat, &st.encode())
    }

    /// Sets `append` and `nonblock` on a file fd; the sync flags cannot be changed (`EINVAL`).
    pub fn fd_fdstat_set_flags(&mut self, _mem: &mut dyn GuestMemory, fd: u32, flags: u32) -> Result<(), Errno> {
        let flags = Fdflags::from_bits(u16::try_from(flags).map_err(|_| Errno::INVAL)?).ok_or(Errno::INVAL)?;
        let desc = self.fds.get_mut(fd)?;
        if !matches!(desc.kind, Kind::File { .. }) {
            return Err(Errno::BADF);
        }
        if flags.intersects(Fdflags::DSYNC | Fdflags::SYNC | Fdflags::RSYNC) {
            return Err(Errno::INVAL);
        }
        let kept = desc.flags & (Fdflags::DSYNC | Fdflags::SYNC | Fdflags::RSYNC);
        desc.flags = kept | flags;
        Ok(())
    }

    /// Rights cannot be changed, as in wasmtime, which reports rights but enforces none:
    /// `ENOTSUP` for a file or directory, `EBADF` for stdio or a closed fd.
    pub fn fd_fdstat_set_rights(
        &mut self,
        _mem: &mut dyn GuestMemory,
        fd: u32,
        fs_rights_base: u64,
        fs_rights_inheriting: u64,
    ) -> Result<(), Errno> {
        Rights::from_bits(fs_rights_base).ok_or(Errno::INVAL)?;
        Rights::from_bits(fs_rights_inheriting).ok_or(Errno::INVAL)?;
        self.fds.get(fd)?.inode().ok_or(Errno::BADF)?;
        Err(Errno::NOTSUP)
    }

    /// Describes a preopened directory; any other fd is `EBADF`.
    pub fn fd_prestat_get(&mut self, mem: &mut dyn GuestMemory, fd: u32, buf: u32) -> Result<(), Errno> {
        match &self.fds.get(fd)?.kind {
            Kind::Dir { preopen: Some(name), .. } => {
                let pr_name_len = u32::try_from(name.len()).map_err(|_| Errno::OVERFLOW)?;
                mem.write(buf, &Prestat { pr_name_len }.encode())
            }
            _ => Err(Errno::BADF),
        }
    }

    /// Copies a preopen's guest path (no NUL); a short buffer is `ENAMETOOLONG`, a fd that
    /// is not a preopen `ENOTDIR`, as wasmtime answers.
    pub fn fd_prestat_dir_name(
        &mut self,
        mem: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        match &self.fds.get(fd)?.kind {
            Kind::Dir { preopen: Some(name), .. } => {
                if name.len() > path_len as usize {
                    return Err(Errno::NAMETOOLONG);
                }
                mem.write(path, name)
            }
            _ => Err(Errno::NOTDIR),
        }
    }

    /// Checks an fd is a regular file, returning it. A directory or a stream is `EBADF`, as
    /// wasmtime answers (where POSIX would say `EISDIR` or allow it).
    fn file_fd(&self, fd: u32) -> Result<&Desc, Errno> {
        let desc = self.fds.get(fd)?;
        match desc.kind {
            Kind::File { .. } => Ok(desc),
            _ => Err(Errno::BADF),
        }
    }

    /// Advice is accepted and ignored: in-memory backends have no cache to steer.
    pub fn fd_advise(
        &mut self,
        _mem: &mut dyn GuestMemory,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u32,
    ) -> Result<(), Errno> {
        Advice::try_from(u8::try_from(advice).map_err(|_| Errno::INVAL)?)?;
        self.file_fd(fd)?;
        offset.checked_add(len).ok_or(Errno::INVAL)?;
        Ok(())
    }

    /// Not supported on a file, as in wasmtime (`ENOTSUP`); any other fd is `EBADF`.
    pub fn fd_allocate(&mut self, _mem: &mut dyn GuestMemory, fd: u32, _offset: u64, _len: u64) -> Result<(), Errno> {
        self.file_fd(fd)?;
        Err(Errno::NOTSUP)
    }

    /// Flushes a file's data and metadata.
    pub fn fd_sync(&mut self, _mem: &mut dyn GuestMemory, fd: u32) -> Result<(), Errno> {
        self.sync(fd)
    }

    /// Flushes a file's data.
    pub fn fd_datasync(&mut self, _mem: &mut dyn GuestMemory, fd: u32) -> Result<(), Errno> {
        self.sync(fd)
    }

    fn sync(&mut self, fd: u32) -> Result<(), Errno> {
        let (mount, ino) = self.file_fd(fd)?.inode().ok_or(Errno::BADF)?;
        self.fs(mount).sync(ino)
    }

    /// Returns the attributes of an open file; stdio reports zeros, as wasmtime does.
    pub fn fd_filestat_get(&mut self, mem: &mut dyn GuestMemory, fd: u32, buf: u32) -> Result<(), Errno> {
        let desc = self.fds.get(fd)?;
        let st = match desc.inode() {
            Some((mount, ino)) => self.stat(mount, ino)?,
            None => {
                Filestat { dev: 0, ino: 0, filetype: desc.filetype(), nlink: 0, size: 0, atim: 0, mtim: 0, ctim: 0 }
            }
        };
        mem.write(buf, &st.encode())
    }

    /// Truncates or zero-extends an open file. As in wasmtime (Linux `ftruncate`), an fd
    /// not open for writing or a size past 2^63 - 1 is `EINVAL`; a directory `EBADF`.
    pub fn fd_filestat_set_size(&mut self, _mem: &mut dyn GuestMemory, fd: u32, size: u64) -> Result<(), Errno> {
        let Kind::File { mount, ino, writable: file_writable, .. } = self.file_fd(fd)?.kind else {
            return Err(Errno::BADF);
        };
        writable(mount)?;
        if !file_writable || size > i64::MAX as u64 {
            return Err(Errno::INVAL);
        }
        let now = self.now();
        self.fs(mount).set_size(ino, size, now)
    }

    /// Sets the access and modification times of an open file or directory.
    pub fn fd_filestat_set_times(
        &mut self,
        _mem: &mut dyn GuestMemory,
        fd: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Result<(), Errno> {
        let now = self.now();
        let (atim, mtim) = times(atim, mtim, fst_flags, now)?;
        let desc = self.fds.get(fd)?;
        let (mount, ino) = desc.inode().ok_or(Errno::BADF)?;
        writable(mount)?;
        self.fs(mount).set_times(ino, atim, mtim, now)
    }
}
