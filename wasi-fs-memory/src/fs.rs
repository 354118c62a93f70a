//! `MemoryFs`: the inode table and the `VirtualFs` operations over it.

use alloc::vec::Vec;
use foldhash::fast::FixedState;
use wasi_core::wasi_abi::{Errno, Filestat};
use wasi_core::{DirEntry, Features, Ino, NewNode, Timestamp, VirtualFs};

use crate::data::Data;
use crate::dir::Dir;
use crate::node::{Content, Node};
use crate::quota::{full, QVec, QuotaAlloc};

/// Longest name, as on common POSIX filesystems.
const MAX_NAME: usize = 255;

/// Largest file, as `i64::MAX` (offsets are signed in preview1).
const MAX_FILE: u64 = i64::MAX as u64;

/// The root directory's inode number.
const ROOT: Ino = 1;

/// An in-memory filesystem. Inode `n` is slot `n - 1` of a table (the root is 1); the
/// number of an inode freed (no name, no fd) goes to the next one created, as on disk.
/// Every table and byte it keeps is charged to its quota (see `quota.rs`).
#[derive(Debug)]
pub struct MemoryFs {
    nodes: QVec<Option<Node>>,
    /// Freed inode numbers; its capacity always covers every slot, so freeing never
    /// allocates.
    free: QVec<Ino>,
    quota: QuotaAlloc,
    hash: FixedState,
}

impl Default for MemoryFs {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryFs {
    /// An empty filesystem with no quota.
    pub fn new() -> Self {
        Self::with_quota(u64::MAX)
    }

    /// An empty filesystem that answers `ENOSPC` once it holds `bytes` of memory, counting
    /// everything it keeps for the guest (a few hundred bytes go to the root directory).
    pub fn with_quota(bytes: u64) -> Self {
        let quota = QuotaAlloc::new(bytes);
        let mut fs = MemoryFs { nodes: quota.vec(), free: quota.vec(), quota, hash: FixedState::with_seed(0) };
        // A quota too small for the root leaves a filesystem whose every change is ENOSPC.
        if fs.reserve_node().is_ok() {
            let root = Node::new(Content::Dir(Dir::new(ROOT, &fs.quota)), 0);
            fs.nodes.push(Some(root));
        }
        fs
    }

    /// Seeds the hash of names and chunk numbers: a host facing guests that may choose
    /// names to collide (hash flooding) passes a random seed.
    pub fn with_hash_seed(mut self, seed: u64) -> Self {
        self.hash = FixedState::with_seed(seed);
        self
    }

    /// Bytes of memory the filesystem holds, as counted against the quota.
    pub fn bytes_used(&self) -> u64 {
        self.quota.used()
    }

    /// The table slot of `ino`.
    fn slot(ino: Ino) -> usize {
        usize::try_from(ino.wrapping_sub(ROOT)).unwrap_or(usize::MAX)
    }

    fn node(&self, ino: Ino) -> Result<&Node, Errno> {
        self.nodes.get(Self::slot(ino)).and_then(Option::as_ref).ok_or(Errno::NOENT)
    }

    fn node_mut(&mut self, ino: Ino) -> Result<&mut Node, Errno> {
        self.nodes.get_mut(Self::slot(ino)).and_then(Option::as_mut).ok_or(Errno::NOENT)
    }

    /// Makes room for one more inode, so that [`MemoryFs::add_node`] cannot fail.
    fn reserve_node(&mut self) -> Result<(), Errno> {
        if self.free.is_empty() {
            self.nodes.try_reserve(1).map_err(full)?;
            self.free.try_reserve(self.nodes.capacity().saturating_sub(self.free.len())).map_err(full)?;
        }
        Ok(())
    }

    /// Puts a new inode in the table, in a freed slot if there is one.
    fn add_node(&mut self, node: Node) -> Ino {
        match self.free.pop() {
            Some(ino) => {
                self.nodes[Self::slot(ino)] = Some(node);
                ino
            }
            None => {
                self.nodes.push(Some(node));
                self.nodes.len() as Ino - 1 + ROOT
            }
        }
    }

    fn dir(&self, ino: Ino) -> Result<&Dir, Errno> {
        match &self.node(ino)?.content {
            Content::Dir(d) => Ok(d),
            _ => Err(Errno::NOTDIR),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut Dir, Errno> {
        match &mut self.node_mut(ino)?.content {
            Content::Dir(d) => Ok(d),
            _ => Err(Errno::NOTDIR),
        }
    }

    /// The entry `name` of directory `dir`.
    fn entry(&self, dir: Ino, name: &[u8]) -> Result<Option<Ino>, Errno> {
        Ok(self.dir(dir)?.get(&self.hash, name))
    }

    /// Makes room in `dir` for an entry named `name`.
    fn reserve_entry(&mut self, dir: Ino, name: &[u8]) -> Result<(), Errno> {
        let hash = self.hash;
        self.dir_mut(dir)?.reserve(&hash, name)
    }

    /// Adds the entry `name` to `dir` after [`MemoryFs::reserve_entry`].
    fn insert_entry(&mut self, dir: Ino, name: &[u8], ino: Ino) -> Result<(), Errno> {
        let hash = self.hash;
        self.dir_mut(dir)?.insert(&hash, name, ino);
        Ok(())
    }

    /// Marks a directory's contents as changed.
    fn touch_dir(&mut self, dir: Ino, now: Timestamp) {
        if let Ok(node) = self.node_mut(dir) {
            node.mtim = now;
            node.ctim = now;
        }
    }

    /// Drops one link to `ino`; frees it when no name and no fd is left.
    fn unref(&mut self, ino: Ino, now: Timestamp) {
        let Ok(node) = self.node_mut(ino) else { return };
        node.nlink = node.nlink.saturating_sub(1);
        node.ctim = now;
        self.free_if_unused(ino);
    }

    /// Frees an inode with no name and no fd: its storage goes back to the quota.
    fn free_if_unused(&mut self, ino: Ino) {
        let unused = self.node(ino).is_ok_and(|n| n.open == 0 && n.nlink == 0);
        if unused && ino != ROOT && self.nodes[Self::slot(ino)].take().is_some() {
            // Never allocates: `free` has room for every slot (see `reserve_node`).
            self.free.push(ino);
        }
    }

    /// Writes `len` bytes at `offset` that `fill` puts in place: as many as the quota
    /// allows (`ENOSPC` if none).
    fn write_pieces(
        &mut self,
        ino: Ino,
        offset: u64,
        len: usize,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Errno>,
    ) -> Result<usize, Errno> {
        offset.checked_add(len as u64).filter(|end| *end <= MAX_FILE).ok_or(Errno::FBIG)?;
        let hash = self.hash;
        let node = self.node_mut(ino)?;
        let d = match &mut node.content {
            Content::File(d) => d,
            Content::Dir(_) => return Err(Errno::ISDIR),
            Content::Symlink(_) => return Err(Errno::INVAL),
        };
        // Writing nothing changes nothing, past the end of file too (as POSIX `write`).
        if len == 0 {
            return Ok(0);
        }
        let written = d.write_with(&hash, offset, len, fill)?;
        node.mtim = now;
        node.ctim = now;
        Ok(written)
    }

    fn check_name(name: &[u8]) -> Result<(), Errno> {
        if name.len() > MAX_NAME {
            return Err(Errno::NAMETOOLONG);
        }
        Ok(())
    }

    /// Removes the entry `name` of `dir` for `unlink`/`rmdir`, after `check` approves the node.
    fn remove_entry(
        &mut self,
        dir: Ino,
        name: &[u8],
        now: Timestamp,
        check: impl Fn(&Node) -> Result<(), Errno>,
    ) -> Result<(), Errno> {
        let ino = self.entry(dir, name)?.ok_or(Errno::NOENT)?;
        check(self.node(ino)?)?;
        let hash = self.hash;
        let entries = self.dir_mut(dir)?;
        entries.remove(&hash, name);
        entries.trim(&hash);
        let is_dir = matches!(self.node(ino)?.content, Content::Dir(_));
        if is_dir {
            // The directory loses its name and its own `.`; the parent loses the `..`.
            self.node_mut(ino)?.nlink = 1;
            if let Ok(parent) = self.node_mut(dir) {
                parent.nlink = parent.nlink.saturating_sub(1);
            }
        }
        self.touch_dir(dir, now);
        self.unref(ino, now);
        Ok(())
    }
}

impl VirtualFs for MemoryFs {
    fn root(&self) -> Ino {
        ROOT
    }

    fn features(&self) -> Features {
        Features { hard_links: true, symlinks: true, max_file_size: MAX_FILE, max_name_len: MAX_NAME }
    }

    fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno> {
        let d = self.dir(dir)?;
        if name == b".." {
            return Ok(d.parent);
        }
        d.get(&self.hash, name).ok_or(Errno::NOENT)
    }

    fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno> {
        let n = self.node(ino)?;
        let size = match &n.content {
            Content::File(d) => d.size(),
            Content::Dir(_) => 4096,
            Content::Symlink(t) => t.len() as u64,
        };
        Ok(Filestat {
            dev: 0,
            ino,
            filetype: n.filetype(),
            nlink: n.nlink,
            size,
            atim: n.atim,
            mtim: n.mtim,
            ctim: n.ctim,
        })
    }

    fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        match &self.node(ino)?.content {
            Content::File(d) => Ok(d.read(&self.hash, offset, buf)),
            Content::Dir(_) => Err(Errno::ISDIR),
            Content::Symlink(_) => Err(Errno::INVAL),
        }
    }

    fn read_in_place(
        &mut self,
        ino: Ino,
        offset: u64,
        len: usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), Errno>,
    ) -> Option<Result<usize, Errno>> {
        Some(match self.node(ino).map(|n| &n.content) {
            Ok(Content::File(d)) => d.read_in_place(&self.hash, offset, len, sink),
            Ok(Content::Dir(_)) => Err(Errno::ISDIR),
            Ok(Content::Symlink(_)) => Err(Errno::INVAL),
            Err(e) => Err(e),
        })
    }

    fn write(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        self.write_pieces(ino, offset, data.len(), now, &mut Data::from_slice(data))
    }

    fn write_in_place(
        &mut self,
        ino: Ino,
        offset: u64,
        len: usize,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Errno>,
    ) -> Option<Result<usize, Errno>> {
        Some(self.write_pieces(ino, offset, len, now, fill))
    }

    fn set_size(&mut self, ino: Ino, size: u64, now: Timestamp) -> Result<(), Errno> {
        if size > MAX_FILE {
            return Err(Errno::FBIG);
        }
        let hash = self.hash;
        let node = self.node_mut(ino)?;
        match &mut node.content {
            Content::File(d) => d.set_size(&hash, size),
            Content::Dir(_) => return Err(Errno::ISDIR),
            Content::Symlink(_) => return Err(Errno::INVAL),
        }
        node.mtim = now;
        node.ctim = now;
        Ok(())
    }

    /// Stores zeros over the range, so that it is backed by memory charged to the quota
    /// (`ENOSPC` past it), as `posix_fallocate` promises.
    fn allocate(&mut self, ino: Ino, offset: u64, len: u64, now: Timestamp) -> Result<(), Errno> {
        offset.checked_add(len).filter(|end| *end <= MAX_FILE).ok_or(Errno::FBIG)?;
        let hash = self.hash;
        let node = self.node_mut(ino)?;
        match &mut node.content {
            Content::File(d) => d.allocate(&hash, offset, len)?,
            Content::Dir(_) => return Err(Errno::ISDIR),
            Content::Symlink(_) => return Err(Errno::INVAL),
        }
        node.ctim = now;
        Ok(())
    }

    fn set_times(
        &mut self,
        ino: Ino,
        atim: Option<Timestamp>,
        mtim: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), Errno> {
        let node = self.node_mut(ino)?;
        if let Some(t) = atim {
            node.atim = t;
        }
        if let Some(t) = mtim {
            node.mtim = t;
        }
        node.ctim = now;
        Ok(())
    }

    fn create(&mut self, dir: Ino, name: &[u8], new: NewNode<'_>, now: Timestamp) -> Result<Ino, Errno> {
        Self::check_name(name)?;
        if self.entry(dir, name)?.is_some() {
            return Err(Errno::EXIST);
        }
        // Everything that can run out of quota comes first, so a refusal changes nothing.
        let content = match new {
            NewNode::File => Content::File(Data::new(&self.quota)),
            NewNode::Directory => Content::Dir(Dir::new(dir, &self.quota)),
            NewNode::Symlink(target) => {
                let mut t = self.quota.vec();
                t.try_reserve_exact(target.len()).map_err(full)?;
                t.extend_from_slice(target);
                Content::Symlink(t)
            }
        };
        self.reserve_entry(dir, name)?;
        self.reserve_node()?;
        let is_dir = matches!(content, Content::Dir(_));
        let ino = self.add_node(Node::new(content, now));
        self.insert_entry(dir, name, ino)?;
        if is_dir {
            self.node_mut(dir)?.nlink += 1;
        }
        self.touch_dir(dir, now);
        Ok(ino)
    }

    fn readlink(&mut self, ino: Ino) -> Result<Vec<u8>, Errno> {
        match &self.node(ino)?.content {
            Content::Symlink(t) => Ok(t.to_vec()),
            _ => Err(Errno::INVAL),
        }
    }

    fn link(&mut self, ino: Ino, new_dir: Ino, new_name: &[u8], now: Timestamp) -> Result<(), Errno> {
        Self::check_name(new_name)?;
        if matches!(self.node(ino)?.content, Content::Dir(_)) {
            return Err(Errno::PERM);
        }
        if self.entry(new_dir, new_name)?.is_some() {
            return Err(Errno::EXIST);
        }
        self.reserve_entry(new_dir, new_name)?;
        self.insert_entry(new_dir, new_name, ino)?;
        let node = self.node_mut(ino)?;
        node.nlink += 1;
        node.ctim = now;
        self.touch_dir(new_dir, now);
        Ok(())
    }

    fn unlink(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.remove_entry(dir, name, now, |n| match n.content {
            Content::Dir(_) => Err(Errno::ISDIR),
            _ => Ok(()),
        })
    }

    fn rmdir(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.remove_entry(dir, name, now, |n| match &n.content {
            Content::Dir(d) if d.is_empty() => Ok(()),
            Content::Dir(_) => Err(Errno::NOTEMPTY),
            _ => Err(Errno::NOTDIR),
        })
    }

    fn rename(
        &mut self,
        old_dir: Ino,
        old_name: &[u8],
        new_dir: Ino,
        new_name: &[u8],
        now: Timestamp,
    ) -> Result<(), Errno> {
        Self::check_name(new_name)?;
        let ino = self.entry(old_dir, old_name)?.ok_or(Errno::NOENT)?;
        let moving_dir = matches!(self.node(ino)?.content, Content::Dir(_));
        let replaced = self.entry(new_dir, new_name)?;
        if replaced == Some(ino) {
            return Ok(());
        }
        match replaced {
            Some(victim) => match (&self.node(victim)?.content, moving_dir) {
                (Content::Dir(d), true) if !d.is_empty() => return Err(Errno::NOTEMPTY),
                (Content::Dir(_), true) => {}
                (Content::Dir(_), false) => return Err(Errno::ISDIR),
                (_, true) => return Err(Errno::NOTDIR),
                (_, false) => {}
            },
            // The only step that can run out of quota, before anything changes.
            None => self.reserve_entry(new_dir, new_name)?,
        }
        let hash = self.hash;
        self.dir_mut(old_dir)?.remove(&hash, old_name);
        match replaced {
            Some(victim) => {
                self.dir_mut(new_dir)?.replace(&hash, new_name, ino);
                if moving_dir {
                    // The replaced empty directory loses its name, its `.`, and the
                    // `..` it gave the new parent.
                    self.node_mut(victim)?.nlink = 1;
                    let parent = self.node_mut(new_dir)?;
                    parent.nlink = parent.nlink.saturating_sub(1);
                }
                self.unref(victim, now);
            }
            None => self.insert_entry(new_dir, new_name, ino)?,
        }
        self.dir_mut(old_dir)?.trim(&hash);
        if moving_dir {
            if let Content::Dir(d) = &mut self.node_mut(ino)?.content {
                d.parent = new_dir;
            }
            if old_dir != new_dir {
                let old = self.node_mut(old_dir)?;
                old.nlink = old.nlink.saturating_sub(1);
                self.node_mut(new_dir)?.nlink += 1;
            }
        }
        self.node_mut(ino)?.ctim = now;
        self.touch_dir(old_dir, now);
        self.touch_dir(new_dir, now);
        Ok(())
    }

    fn readdir(&mut self, dir: Ino, cookie: u64, sink: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno> {
        let d = self.dir(dir)?;
        for (next, name, ino) in d.after(cookie) {
            let filetype = self.node(ino).map_or(wasi_core::wasi_abi::Filetype::Unknown, Node::filetype);
            if !sink(DirEntry { name, ino, filetype, next }) {
                break;
            }
        }
        Ok(())
    }

    fn open(&mut self, ino: Ino) -> Result<(), Errno> {
        self.node_mut(ino)?.open += 1;
        Ok(())
    }

    fn release(&mut self, ino: Ino) {
        if let Ok(node) = self.node_mut(ino) {
            node.open = node.open.saturating_sub(1);
        }
        self.free_if_unused(ino);
    }
}
