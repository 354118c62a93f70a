//! The fd table: what each guest fd refers to, with its rights and flags.

use alloc::vec::Vec;
use wasi_abi::{Errno, Fdflags, Filetype, Rights};

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

/// One open fd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Desc {
    pub kind: Kind,
    pub rights: Rights,
    pub inheriting: Rights,
    pub flags: Fdflags,
}

impl Desc {
    /// Fails with `ENOTCAPABLE` unless every one of `needed` is among this fd's rights.
    pub fn require(&self, needed: Rights) -> Result<(), Errno> {
        if self.rights.contains(needed) {
            Ok(())
        } else {
            Err(Errno::NOTCAPABLE)
        }
    }

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

/// The table: a slot per fd number, lowest free number first, capped at `max` open fds.
pub(crate) struct FdTable {
    slots: Vec<Option<Desc>>,
    open: usize,
    max: usize,
}

impl FdTable {
    pub fn new(max: usize) -> Self {
        FdTable { slots: Vec::new(), open: 0, max }
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

    /// Stores `desc` under the lowest free fd number.
    pub fn insert(&mut self, desc: Desc) -> Result<u32, Errno> {
        self.has_room()?;
        let at = match self.slots.iter().position(Option::is_none) {
            Some(at) => at,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        let fd = u32::try_from(at).map_err(|_| Errno::MFILE)?;
        self.slots[at] = Some(desc);
        self.open += 1;
        Ok(fd)
    }

    pub fn remove(&mut self, fd: u32) -> Result<Desc, Errno> {
        let desc = self.slots.get_mut(Self::index(fd)).and_then(Option::take).ok_or(Errno::BADF)?;
        self.open -= 1;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(desc)
    }

    /// Moves `from` onto `to`, returning what `to` held. As in wasmtime, `to` need not be
    /// open, but it must be below the fd cap (`EBADF` otherwise); renumbering an fd onto
    /// itself changes nothing.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<Option<Desc>, Errno> {
        self.get(from)?;
        let at = Self::index(to);
        if at >= self.max {
            return Err(Errno::BADF);
        }
        if from == to {
            return Ok(None);
        }
        let moved = self.remove(from)?;
        if self.slots.len() <= at {
            self.slots.resize(at + 1, None);
        }
        let old = self.slots[at].replace(moved);
        if old.is_none() {
            self.open += 1;
        }
        Ok(old)
    }
}
