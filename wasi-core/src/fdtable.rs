//! The fd table: what each guest fd refers to, and its flags.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use wasi_abi::{Errno, Fdflags, Filetype};

use crate::vfs::Ino;

/// Which backend an inode lives in, and whether the preopen it came through is read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mount {
    pub backend: usize,
    pub read_only: bool,
}

/// What an fd refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Stdin,
    Stdout,
    Stderr,
    File { mount: Mount, ino: Ino, pos: u64, readable: bool, writable: bool },
    Dir { mount: Mount, ino: Ino, preopen: Option<Vec<u8>> },
}

/// One open fd. It has no rights of its own: like wasmtime, the host reports rights for
/// the kind of fd (`fd_fdstat_get`) but enforces only the open mode and the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Desc {
    pub kind: Kind,
    pub flags: Fdflags,
}

impl Desc {
    /// The backend inode behind this fd, if it has one.
    pub fn inode(&self) -> Option<(Mount, Ino)> {
        match self.kind {
            Kind::File { mount, ino, .. } | Kind::Dir { mount, ino, .. } => Some((mount, ino)),
            _ => None,
        }
    }

    /// The file type `fd_fdstat_get` reports; stdio is `unknown`, as wasmtime reports a
    /// stream that is not a terminal.
    pub fn filetype(&self) -> Filetype {
        match self.kind {
            Kind::Stdin | Kind::Stdout | Kind::Stderr => Filetype::Unknown,
            Kind::File { .. } => Filetype::RegularFile,
            Kind::Dir { .. } => Filetype::Directory,
        }
    }
}

/// The table: a slot per fd number, capped at `max` open fds. Numbers are handed out as
/// wasmtime does, so a guest sees the same fds: the highest number freed by a close or a
/// renumber first, else one past the highest open fd.
pub(crate) struct FdTable {
    slots: Vec<Option<Desc>>,
    freed: BTreeSet<u32>,
    open: usize,
    max: usize,
}

impl FdTable {
    pub fn new(max: usize) -> Self {
        FdTable { slots: Vec::new(), freed: BTreeSet::new(), open: 0, max }
    }

    fn index(fd: u32) -> usize {
        fd as usize
    }

    pub fn get(&self, fd: u32) -> Result<&Desc, Errno> {
        self.slots.get(Self::index(fd)).and_then(Option::as_ref).ok_or(Errno::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Desc, Errno> {
        self.slots.get_mut(Self::index(fd)).and_then(Option::as_mut).ok_or(Errno::BADF)
    }

    /// Whether another fd can be opened (else `EMFILE`), checked before creating anything.
    pub fn has_room(&self) -> Result<(), Errno> {
        if self.open >= self.max {
            Err(Errno::MFILE)
        } else {
            Ok(())
        }
    }

    /// Stores `desc` under the next fd number.
    pub fn insert(&mut self, desc: Desc) -> Result<u32, Errno> {
        self.has_room()?;
        let fd = match self.freed.pop_last() {
            Some(fd) => fd,
            None => u32::try_from(self.slots.len()).map_err(|_| Errno::MFILE)?,
        };
        let at = Self::index(fd);
        if self.slots.len() <= at {
            self.slots.resize(at + 1, None);
        }
        self.slots[at] = Some(desc);
        self.open += 1;
        Ok(fd)
    }

    pub fn remove(&mut self, fd: u32) -> Result<Desc, Errno> {
        let desc = self.slots.get_mut(Self::index(fd)).and_then(Option::take).ok_or(Errno::BADF)?;
        self.open -= 1;
        self.freed.insert(fd);
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(desc)
    }

    /// Moves `from` onto `to`, returning what `to` held. As in wasmtime, both must be open
    /// (`EBADF` otherwise); renumbering an fd onto itself changes nothing.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<Option<Desc>, Errno> {
        self.get(to)?;
        self.get(from)?;
        if from == to {
            return Ok(None);
        }
        let moved = self.remove(from)?;
        self.freed.remove(&to);
        let old = self.slots[Self::index(to)].replace(moved);
        Ok(old)
    }
}
