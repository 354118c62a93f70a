//! The `VirtualFs` trait: an inode-based filesystem backend, in the style of FUSE's low-level
//! API. Path resolution, symlink following, sandboxing, rights and trailing-slash rules live
//! in the core; a backend only answers questions about inodes and directory entries.
//!
//! Names handed to a backend are never empty, never `.` or `..`, and never contain `/` or a
//! NUL byte. Methods a backend cannot support keep their default, which answers `ENOTSUP`.

use alloc::vec::Vec;
use wasi_abi::{Errno, Filestat, Filetype};

/// An inode number, unique within one backend for as long as the inode exists.
pub type Ino = u64;

/// A timestamp in nanoseconds since the Unix epoch.
pub type Timestamp = u64;

/// One directory entry, as a backend yields it from `readdir`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirEntry<'a> {
    /// The entry's name.
    pub name: &'a [u8],
    /// The inode the entry points at.
    pub ino: Ino,
    /// The type of that inode.
    pub filetype: Filetype,
    /// The cookie that resumes the listing after this entry. Never 0; stable while the
    /// entry exists, and still valid after the entry (or any other) is removed.
    pub next: u64,
}

/// What a new directory entry should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewNode<'a> {
    /// An empty regular file.
    File,
    /// An empty directory.
    Directory,
    /// A symbolic link with this target (not resolved, may dangle).
    Symlink(&'a [u8]),
}

/// What a backend can carry, so the core can answer the right errno before trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// `link` works (otherwise `path_link` answers `ENOTSUP`).
    pub hard_links: bool,
    /// `NewNode::Symlink` works (otherwise `path_symlink` answers `ENOTSUP`).
    pub symlinks: bool,
    /// Largest file size the backend can store; larger answers `EFBIG`.
    pub max_file_size: u64,
    /// Longest name in bytes; longer answers `ENAMETOOLONG`.
    pub max_name_len: usize,
}

impl Default for Features {
    fn default() -> Self {
        Features { hard_links: true, symlinks: true, max_file_size: i64::MAX as u64, max_name_len: 255 }
    }
}

/// An inode-based filesystem backend. Every method is synchronous.
///
/// The contract, in short:
/// - **Inodes** are numbers the backend picks, stable while the inode exists. The core
///   resolves paths one name at a time with [`lookup`](VirtualFs::lookup) from
///   [`root`](VirtualFs::root), and handles `.`, `..` (it asks `lookup(dir, "..")` for a
///   directory's parent), symlinks, trailing slashes, rights and the sandbox itself.
/// - **Errors** are errnos: a missing inode or entry is `ENOENT`; a directory operation on
///   a non-directory is `ENOTDIR`; running out of space is `ENOSPC` (a write that fits in
///   part writes that part and returns its length); damaged storage is `EIO`. What a
///   backend does not support keeps the default, which answers `ENOTSUP`.
/// - **Lifetimes**: [`open`](VirtualFs::open) and [`release`](VirtualFs::release) bracket
///   every fd on an inode, so an inode unlinked while open must stay readable until its
///   last release.
/// - **Listings**: [`readdir`](VirtualFs::readdir) hands out entries with a cookie each
///   (never 0) that resumes the listing after that entry, and stays valid while entries
///   come and go; the core adds `.` and `..`.
///
/// A read-only backend with one file, and a guest's `path_open` and `fd_read` on it
/// through the core, with the guest's memory as a plain byte slice:
///
/// ```
/// use wasi_core::wasi_abi::{Errno, Filestat, Filetype};
/// use wasi_core::{Clock, DirEntry, Ino, Random, VirtualFs, Waited, WasiCtx};
///
/// /// The root (inode 1) holds `greeting` (inode 2).
/// struct Greeting;
///
/// const TEXT: &[u8] = b"hello, guest";
///
/// impl VirtualFs for Greeting {
///     fn root(&self) -> Ino {
///         1
///     }
///     fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno> {
///         match (dir, name) {
///             (1, b"..") => Ok(1),
///             (1, b"greeting") => Ok(2),
///             (1, _) => Err(Errno::NOENT),
///             _ => Err(Errno::NOTDIR),
///         }
///     }
///     fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno> {
///         let (filetype, size) = match ino {
///             1 => (Filetype::Directory, 0),
///             2 => (Filetype::RegularFile, TEXT.len() as u64),
///             _ => return Err(Errno::NOENT),
///         };
///         Ok(Filestat { dev: 0, ino, filetype, nlink: 1, size, atim: 0, mtim: 0, ctim: 0 })
///     }
///     fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
///         if ino != 2 {
///             return Err(Errno::ISDIR);
///         }
///         let rest = TEXT.get(offset as usize..).unwrap_or(&[]);
///         let n = rest.len().min(buf.len());
///         buf[..n].copy_from_slice(&rest[..n]);
///         Ok(n)
///     }
///     fn readdir(&mut self, dir: Ino, cookie: u64, sink: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno> {
///         if dir != 1 {
///             return Err(Errno::NOTDIR);
///         }
///         if cookie == 0 {
///             sink(DirEntry { name: b"greeting", ino: 2, filetype: Filetype::RegularFile, next: 1 });
///         }
///         Ok(())
///     }
/// }
///
/// /// A clock that stands still, and bytes that are not random: enough for this example.
/// struct Still;
/// impl Clock for Still {
///     fn realtime(&mut self) -> u64 { 0 }
///     fn monotonic(&mut self) -> u64 { 0 }
///     fn sleep(&mut self, _ns: u64) -> Waited { Waited::Done }
/// }
/// impl Random for Still {
///     fn fill(&mut self, buf: &mut [u8]) { buf.fill(4) }
/// }
///
/// let mut b = WasiCtx::builder();
/// b.clock(Box::new(Still)).random(Box::new(Still));
/// let fs = b.backend(Box::new(Greeting));
/// b.preopen("/", fs, true);
/// let mut ctx = b.build().unwrap();
///
/// // Guest memory: the path at 0, an iovec (64 bytes at 128) at 32, results at 48 and 52.
/// let mut memory = vec![0u8; 256];
/// memory[..8].copy_from_slice(b"greeting");
/// memory[32..40].copy_from_slice(&[128, 0, 0, 0, 64, 0, 0, 0]);
/// let mut mem = &mut memory[..];
/// ctx.path_open(&mut mem, 3, 0, 0, 8, 0, 0x2, 0, 0, 48).unwrap();
/// let fd = u32::from_le_bytes(mem[48..52].try_into().unwrap());
/// ctx.fd_read(&mut mem, fd, 32, 1, 52).unwrap();
/// assert_eq!(&mem[128..128 + TEXT.len()], TEXT);
/// // A name the backend does not have, and a path through a file:
/// assert_eq!(ctx.path_open(&mut mem, 3, 0, 128, 5, 0, 0x2, 0, 0, 48), Err(Errno::NOENT));
/// mem[..10].copy_from_slice(b"greeting/x");
/// assert_eq!(ctx.path_open(&mut mem, 3, 0, 0, 10, 0, 0x2, 0, 0, 48), Err(Errno::NOTDIR));
/// ```
pub trait VirtualFs {
    /// The root directory's inode.
    fn root(&self) -> Ino;

    /// What this backend supports.
    fn features(&self) -> Features {
        Features::default()
    }

    /// Finds `name` in directory `dir`. `..` is the only special name handed here: it is
    /// the parent of `dir` (the root is its own parent), used for `fd_readdir`'s `..` entry.
    fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno>;

    /// Attributes of an inode; `dev` is filled in by the core.
    fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno>;

    /// The type of an inode: what path resolution asks of every component. A backend
    /// whose `stat` is costly answers it from what `lookup` learnt.
    fn filetype(&mut self, ino: Ino) -> Result<Filetype, Errno> {
        self.stat(ino).map(|st| st.filetype)
    }

    /// Reads at `offset` into `buf`; returns the bytes read (0 at or past end of file).
    fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno>;

    /// Reads up to `len` bytes at `offset` by lending `sink` the backend's own storage,
    /// piece by piece in file order, so the core can copy file data straight into a guest
    /// memory it cannot borrow: one copy rather than two. Returns the bytes handed over (0
    /// at or past end of file), or `None` where the backend keeps no bytes to lend (the
    /// core then reads into a buffer). A `sink` error ends the read: the bytes handed over
    /// before it, if any, else the error.
    fn read_in_place(
        &mut self,
        _ino: Ino,
        _offset: u64,
        _len: usize,
        _sink: &mut dyn FnMut(&[u8]) -> Result<(), Errno>,
    ) -> Option<Result<usize, Errno>> {
        None
    }

    /// Writes `data` at `offset`, zero-filling any gap past the end of file; returns the bytes
    /// written. Sets `mtim` and `ctim` to `now`. Writing no bytes changes nothing (the core
    /// never asks: it skips empty iovecs).
    fn write(&mut self, _ino: Ino, _offset: u64, _data: &[u8], _now: Timestamp) -> Result<usize, Errno> {
        Err(Errno::NOTSUP)
    }

    /// Writes `len` bytes at `offset` that `fill` copies straight into the backend's own
    /// storage, piece by piece in file order: the counterpart of `read_in_place`. Returns
    /// the bytes written, or `None` where the backend keeps no bytes to lend (the core then
    /// writes from a buffer). A `fill` error ends the write before that piece: the bytes
    /// written before it, if any, else the error.
    fn write_in_place(
        &mut self,
        _ino: Ino,
        _offset: u64,
        _len: usize,
        _now: Timestamp,
        _fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Errno>,
    ) -> Option<Result<usize, Errno>> {
        None
    }

    /// Truncates or zero-extends a regular file to `size`. Sets `mtim` and `ctim` to `now`.
    fn set_size(&mut self, _ino: Ino, _size: u64, _now: Timestamp) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }

    /// Ensures the range `offset..offset + len` is backed by storage, extending the file
    /// with zeros if it ends beyond the current size.
    fn allocate(&mut self, ino: Ino, offset: u64, len: u64, now: Timestamp) -> Result<(), Errno> {
        let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
        if end > self.stat(ino)?.size {
            self.set_size(ino, end, now)?;
        }
        Ok(())
    }

    /// Sets access and/or modification times (`None` leaves one unchanged); `ctim` becomes `now`.
    fn set_times(
        &mut self,
        _ino: Ino,
        _atim: Option<Timestamp>,
        _mtim: Option<Timestamp>,
        _now: Timestamp,
    ) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }

    /// Makes an inode's data durable.
    fn sync(&mut self, _ino: Ino) -> Result<(), Errno> {
        Ok(())
    }

    /// Creates `name` in `dir`; `EEXIST` if the name is taken. Returns the new inode.
    fn create(&mut self, _dir: Ino, _name: &[u8], _node: NewNode<'_>, _now: Timestamp) -> Result<Ino, Errno> {
        Err(Errno::NOTSUP)
    }

    /// The target of a symbolic link; `EINVAL` if `ino` is not one.
    fn readlink(&mut self, _ino: Ino) -> Result<Vec<u8>, Errno> {
        Err(Errno::INVAL)
    }

    /// Adds the name `new_name` in `new_dir` for the existing non-directory inode `ino`.
    fn link(&mut self, _ino: Ino, _new_dir: Ino, _new_name: &[u8], _now: Timestamp) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }

    /// Removes a non-directory entry (`EISDIR` for a directory). The inode lives on while
    /// it is open (see `open`/`release`).
    fn unlink(&mut self, _dir: Ino, _name: &[u8], _now: Timestamp) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }

    /// Removes an empty directory entry (`ENOTDIR` if not a directory, `ENOTEMPTY` if not empty).
    fn rmdir(&mut self, _dir: Ino, _name: &[u8], _now: Timestamp) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }

    /// Moves an entry, replacing the destination as POSIX `rename` does: a file may replace a
    /// file or symlink, a directory may replace an empty directory (`ENOTEMPTY` otherwise);
    /// a directory over a non-directory is `ENOTDIR`, a non-directory over a directory is
    /// `EISDIR`. Renaming an entry onto itself (the same inode) succeeds and does nothing.
    /// The core has already refused moving a directory into its own subtree.
    fn rename(
        &mut self,
        _old_dir: Ino,
        _old_name: &[u8],
        _new_dir: Ino,
        _new_name: &[u8],
        _now: Timestamp,
    ) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }

    /// Lists `dir` starting after `cookie` (0: from the start), calling `sink` for each entry
    /// until it returns `false` or the directory ends. `.` and `..` are not listed: the
    /// core adds them.
    fn readdir(&mut self, dir: Ino, cookie: u64, sink: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno>;

    /// Notes that an fd now refers to `ino`, so that unlinking it keeps the data alive.
    fn open(&mut self, _ino: Ino) -> Result<(), Errno> {
        Ok(())
    }

    /// Notes that an fd referring to `ino` was closed; an unlinked inode with no more open
    /// fds can now be freed.
    fn release(&mut self, _ino: Ino) {}

    /// Puts the backend's in-memory state back in order after a call into it may have
    /// been cut short at any point (in the npm package, a JS exception unwinding through
    /// it: a guest whose stack ran out mid-call). A backend whose storage is consistent at
    /// every step but whose in-memory state may not be (littlefs, which survives power
    /// loss, behind caches and a list of open files) reloads that state from storage.
    /// Nothing by default.
    fn recover(&mut self) {}

    /// The backend as its own type, for a host that holds it as `dyn VirtualFs` and needs
    /// what only that type offers (a littlefs disk image, say): a backend with such
    /// methods answers `Some(self)`, and the host downcasts.
    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        None
    }
}

/// `VirtualFs` must stay object safe: the core holds backends as `dyn VirtualFs`.
const _: Option<&dyn VirtualFs> = None;
