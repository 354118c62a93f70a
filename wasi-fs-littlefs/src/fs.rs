//! `LittleFs`: the `VirtualFs` operations on the tree (names, directories, timestamps,
//! listings); file data is in `data.rs`.

use alloc::vec::Vec;
use wasi_core::wasi_abi::{Errno, Filestat, Filetype};
use wasi_core::{DirEntry, Features, Ino, NewNode, Timestamp, VirtualFs};

use crate::data::Data;
use crate::listing::{self, Entry, Listings};
use crate::nodes::{Nodes, ROOT};
use crate::raw::{decode_times, flags, Attrs, CPath, Lfs, ATTR_SYMLINK, ATTR_TIMES, FILE_MAX};

/// Where an earlier version of this crate kept files unlinked while open. Such leftovers
/// are deleted when a disk is mounted for writing, hidden when it is mounted read-only.
const LEGACY_ORPHANS: &[u8] = b".wasi-orphans";
/// Cached nodes before unused ones are evicted (each costs ~100 bytes and its name).
const NODES_KEPT: usize = 2048;
/// Longest symlink target read back: the core never makes a longer one (its path limit).
const LINK_MAX: u64 = 4096;

/// A littlefs filesystem on a RAM disk.
pub struct LittleFs {
    pub(crate) lfs: Lfs,
    pub(crate) nodes: Nodes,
    pub(crate) data: Data,
    listings: Listings,
    /// Scratch paths, kept to save an allocation per call: the entry an operation is on,
    /// a rename's destination, and one for helpers (directory attributes, opening files).
    path: CPath,
    path2: CPath,
    pub(crate) aux: CPath,
    /// Nodes are evicted once there are more than this.
    trim_at: usize,
    /// The disk still holds a legacy orphans directory (read-only mounts).
    legacy_orphans: bool,
    pub(crate) read_only: bool,
}

/// A directory's attribute: its timestamps, then whether it may hold symlinks (so that
/// listing and looking up files need not read each file's symlink mark). Older disks and
/// other writers store 24 bytes or nothing: then every file is checked.
fn encode_dir(times: [u64; 3], symlinks: bool) -> [u8; 25] {
    let mut b = [0u8; 25];
    for (i, v) in times.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    b[24] = u8::from(symlinks);
    b
}

impl LittleFs {
    pub(crate) fn from_lfs(lfs: Lfs, read_only: bool) -> Result<LittleFs, Errno> {
        let mut fs = LittleFs {
            lfs,
            nodes: Nodes::new(),
            data: Data::default(),
            listings: Listings::default(),
            path: CPath::root(),
            path2: CPath::root(),
            aux: CPath::root(),
            trim_at: NODES_KEPT,
            legacy_orphans: false,
            read_only,
        };
        fs.path.push(LEGACY_ORPHANS);
        if fs.lfs.stat(&fs.path).is_ok_and(|i| i.is_dir) {
            if read_only {
                fs.legacy_orphans = true;
            } else {
                fs.remove_legacy_orphans()?;
            }
        }
        Ok(fs)
    }

    /// Deletes what an earlier version left in its orphans directory (in `self.path`).
    fn remove_legacy_orphans(&mut self) -> Result<(), Errno> {
        let mut names = Vec::new();
        self.lfs.list(&self.path, &mut |name, _| {
            names.push(name.to_vec());
            Ok(())
        })?;
        let at = self.path.len();
        for name in names {
            self.path.push(&name);
            self.lfs.remove(&self.path)?;
            self.path.truncate(at);
        }
        self.lfs.remove(&self.path)
    }

    /// Bytes of the disk in use and in all.
    pub fn usage(&mut self) -> Result<(usize, usize), Errno> {
        let g = self.lfs.disk().geometry();
        Ok((self.lfs.used_blocks()? * g.block_size, g.capacity()))
    }

    /// Writes everything held in memory to the disk: data written since the last sync and
    /// directory timestamps. [`LittleFs::read_image`] reads the disk as it stands, so call
    /// this first ([`LittleFs::export_image`] does).
    pub fn flush(&mut self) -> Result<(), Errno> {
        self.end_pass()?;
        for ino in self.nodes.dirty_dirs() {
            self.flush_dir(ino)?;
        }
        Ok(())
    }

    pub(crate) fn writable(&self) -> Result<(), Errno> {
        if self.read_only {
            Err(Errno::ROFS)
        } else {
            Ok(())
        }
    }

    /// Puts the path of `dir`'s entry `name` in `self.path`.
    fn entry_path(&mut self, dir: Ino, name: &[u8]) -> Result<(), Errno> {
        if name.len() > self.lfs.name_max() {
            return Err(Errno::NAMETOOLONG);
        }
        self.dir_node(dir)?;
        self.nodes.path(dir, &mut self.path)?;
        self.path.push(name);
        Ok(())
    }

    /// Checks that `dir` is a cached directory.
    fn dir_node(&mut self, dir: Ino) -> Result<(), Errno> {
        match self.nodes.get(dir) {
            Some(n) if n.orphan => Err(Errno::NOENT),
            Some(n) if n.kind == Filetype::Directory => Ok(()),
            Some(_) => Err(Errno::NOTDIR),
            None => Err(Errno::NOENT),
        }
    }

    /// Whether `name` is the legacy orphans directory where it is hidden.
    fn hidden(&self, dir: Ino, name: &[u8]) -> bool {
        self.legacy_orphans && dir == ROOT && name == LEGACY_ORPHANS
    }

    /// Refuses to make the legacy orphans directory's name (mounting deletes it).
    fn reserved(dir: Ino, name: &[u8]) -> Result<(), Errno> {
        if dir == ROOT && name == LEGACY_ORPHANS {
            Err(Errno::PERM)
        } else {
            Ok(())
        }
    }

    /// Reads a directory's attribute into its node, once.
    fn load_dir(&mut self, dir: Ino) -> Result<(), Errno> {
        if self.nodes.peek(dir).is_some_and(|n| n.dir.times.is_some()) {
            return Ok(());
        }
        self.nodes.path(dir, &mut self.aux)?;
        let mut b = [0u8; 25];
        let len = self.lfs.get_attr(&self.aux, ATTR_TIMES, &mut b)?;
        let state = &mut self.nodes.get(dir).ok_or(Errno::NOENT)?.dir;
        state.times = Some(len.filter(|n| *n >= 24).and_then(|_| decode_times(&b[..24])).unwrap_or_default());
        if len == Some(25) {
            state.symlinks = Some(b[24] != 0);
        }
        Ok(())
    }

    /// Sets `mtim` and `ctim` of a directory to `now` (written later: see `flush`).
    fn touch_dir(&mut self, dir: Ino, now: Timestamp) -> Result<(), Errno> {
        self.load_dir(dir)?;
        let state = &mut self.nodes.get(dir).ok_or(Errno::NOENT)?.dir;
        let [atim, _, _] = state.times.unwrap_or_default();
        state.times = Some([atim, now, now]);
        state.dirty = true;
        Ok(())
    }

    /// Writes a directory's attribute if it changed.
    pub(crate) fn flush_dir(&mut self, dir: Ino) -> Result<(), Errno> {
        let Some(node) = self.nodes.peek(dir) else { return Ok(()) };
        if !node.dir.dirty || node.orphan {
            return Ok(());
        }
        let value = encode_dir(node.dir.times.unwrap_or_default(), node.dir.symlinks.unwrap_or(true));
        self.nodes.path(dir, &mut self.aux)?;
        self.lfs.set_attr(&self.aux, ATTR_TIMES, &value)?;
        if let Some(n) = self.nodes.get(dir) {
            n.dir.dirty = false;
        }
        Ok(())
    }

    /// Whether files in `dir` may be symlinks: `None` if not known (check each file).
    fn dir_symlinks(&mut self, dir: Ino) -> Result<Option<bool>, Errno> {
        self.load_dir(dir)?;
        Ok(self.nodes.peek(dir).and_then(|n| n.dir.symlinks))
    }

    /// The node named `name` in `dir` (its path in `self.path`), cached now if it was not:
    /// one walk of littlefs, opening the file (which reads its size, timestamps and symlink
    /// mark, and is kept for the calls that follow) or finding a directory.
    fn entry(&mut self, dir: Ino, name: &[u8]) -> Result<(Ino, Filetype), Errno> {
        if let Some(ino) = self.nodes.find(dir, name) {
            return Ok((ino, self.nodes.peek(ino).ok_or(Errno::NOENT)?.kind));
        }
        if self.hidden(dir, name) {
            return Err(Errno::NOENT);
        }
        let attrs = if self.dir_symlinks(dir)? == Some(false) { Attrs::Times } else { Attrs::TimesAndLink };
        let (kind, id) = match self.lfs.open(&self.path, flags::READ, attrs) {
            Ok(id) if self.lfs.is_link(id) => (Filetype::SymbolicLink, Some(id)),
            Ok(id) => (Filetype::RegularFile, Some(id)),
            Err(Errno::ISDIR) => (Filetype::Directory, None),
            Err(e) => return Err(e),
        };
        let ino = self.nodes.insert(dir, name, kind);
        if let Some(id) = id {
            self.keep_file(ino, id, false);
        }
        self.trim();
        Ok((ino, kind))
    }

    /// Evicts unused nodes once there are too many.
    fn trim(&mut self) {
        if self.nodes.len() <= self.trim_at {
            return;
        }
        for ino in self.nodes.evictable(true) {
            if self.flush_dir(ino).is_ok() {
                self.nodes.remove(ino);
            }
        }
        self.trim_at = NODES_KEPT.max(2 * self.nodes.len());
    }

    /// Forgets a node whose entry is gone, or makes it an orphan if an fd holds it.
    fn drop_node(&mut self, ino: Ino) {
        if self.nodes.peek(ino).is_some_and(|n| n.open > 0) {
            self.nodes.orphan(ino);
        } else {
            self.close_file(ino);
            self.nodes.remove(ino);
        }
    }

    fn stat_node(&mut self, ino: Ino) -> Result<Filestat, Errno> {
        let node = self.nodes.get(ino).ok_or(Errno::NOENT)?;
        let (kind, orphan) = (node.kind, node.orphan);
        let nlink = match kind {
            _ if orphan => 0,
            Filetype::Directory => 2,
            _ => 1,
        };
        let (size, [atim, mtim, ctim]) = if kind == Filetype::Directory {
            if !orphan {
                self.load_dir(ino)?;
            }
            (0, self.nodes.peek(ino).and_then(|n| n.dir.times).unwrap_or_default())
        } else {
            let id = self.file(ino, false)?;
            (self.lfs.size(id)?, self.lfs.times(id).unwrap_or_default())
        };
        Ok(Filestat { dev: 0, ino, filetype: kind, nlink, size, atim, mtim, ctim })
    }

    /// Lists `dir` (at `self.path`) from littlefs, with each entry's type.
    fn snapshot(&mut self, dir: Ino) -> Result<Vec<Entry>, Errno> {
        let mut entries = Vec::new();
        let hide = self.legacy_orphans && dir == ROOT;
        self.lfs.list(&self.path, &mut |name, is_dir| {
            if !(hide && name == LEGACY_ORPHANS) {
                let kind = if is_dir { Filetype::Directory } else { Filetype::RegularFile };
                entries.push(Entry { name: name.into(), kind, gone: false });
            }
            Ok(())
        })?;
        listing::sort(&mut entries);
        let symlinks = self.dir_symlinks(dir)?;
        if symlinks != Some(false) {
            let at = self.path.len();
            let mut any = false;
            for e in entries.iter_mut().filter(|e| e.kind == Filetype::RegularFile) {
                self.path.push(&e.name);
                if self.lfs.get_attr(&self.path, ATTR_SYMLINK, &mut [0u8; 1])?.is_some() {
                    e.kind = Filetype::SymbolicLink;
                    any = true;
                }
                self.path.truncate(at);
            }
            // Now known: write it down, so the next listing checks no file.
            if symlinks.is_none() && !self.read_only {
                if let Some(n) = self.nodes.get(dir) {
                    n.dir.symlinks = Some(any);
                    n.dir.dirty = true;
                }
            }
        }
        Ok(entries)
    }
}

impl VirtualFs for LittleFs {
    fn root(&self) -> Ino {
        ROOT
    }

    fn features(&self) -> Features {
        Features { hard_links: false, symlinks: true, max_file_size: FILE_MAX, max_name_len: self.lfs.name_max() }
    }

    fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno> {
        if name == b".." {
            return Ok(self.nodes.peek(dir).filter(|n| !n.orphan).ok_or(Errno::NOENT)?.parent);
        }
        if let Some(ino) = self.nodes.find(dir, name) {
            return Ok(ino);
        }
        self.entry_path(dir, name)?;
        Ok(self.entry(dir, name)?.0)
    }

    fn filetype(&mut self, ino: Ino) -> Result<Filetype, Errno> {
        Ok(self.nodes.get(ino).ok_or(Errno::NOENT)?.kind)
    }

    fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno> {
        self.stat_node(ino)
    }

    fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        self.read_at(ino, offset, buf)
    }

    fn write(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        self.write_at(ino, offset, data, now)
    }

    fn set_size(&mut self, ino: Ino, size: u64, now: Timestamp) -> Result<(), Errno> {
        self.resize(ino, size, now)
    }

    fn set_times(
        &mut self,
        ino: Ino,
        atim: Option<Timestamp>,
        mtim: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.writable()?;
        let node = self.nodes.get(ino).ok_or(Errno::NOENT)?;
        if node.kind == Filetype::Directory {
            if node.orphan {
                return Err(Errno::NOENT);
            }
            self.load_dir(ino)?;
            let state = &mut self.nodes.get(ino).ok_or(Errno::NOENT)?.dir;
            let [a, m, _] = state.times.unwrap_or_default();
            state.times = Some([atim.unwrap_or(a), mtim.unwrap_or(m), now]);
            state.dirty = true;
            return Ok(());
        }
        self.set_file_times(ino, |[a, m, _]| [atim.unwrap_or(a), mtim.unwrap_or(m), now])
    }

    fn sync(&mut self, ino: Ino) -> Result<(), Errno> {
        self.sync_file(ino)?;
        self.flush_dir(ino)
    }

    fn create(&mut self, dir: Ino, name: &[u8], node: NewNode<'_>, now: Timestamp) -> Result<Ino, Errno> {
        self.writable()?;
        Self::reserved(dir, name)?;
        self.end_pass()?;
        self.entry_path(dir, name)?;
        if self.nodes.find(dir, name).is_some() {
            return Err(Errno::EXIST);
        }
        let ino = match node {
            NewNode::Directory => {
                self.lfs.mkdir(&self.path)?;
                let ino = self.nodes.insert(dir, name, Filetype::Directory);
                if let Some(n) = self.nodes.get(ino) {
                    n.dir.times = Some([now; 3]);
                    n.dir.symlinks = Some(false);
                    n.dir.dirty = true;
                }
                ino
            }
            NewNode::File => {
                let id = self.lfs.create(&self.path, Attrs::Times, [now; 3])?;
                let ino = self.nodes.insert(dir, name, Filetype::RegularFile);
                self.keep_file(ino, id, true);
                ino
            }
            NewNode::Symlink(target) => {
                if self.dir_symlinks(dir)? != Some(true) {
                    let state = &mut self.nodes.get(dir).ok_or(Errno::NOENT)?.dir;
                    state.symlinks = Some(true);
                    state.dirty = true;
                }
                let id = self.lfs.create(&self.path, Attrs::TimesAndLink, [now; 3])?;
                let written = self.lfs.write(id, target).and_then(|_| self.lfs.sync(id));
                let closed = self.lfs.close(id);
                if let Err(e) = written.and(closed) {
                    let _ = self.lfs.remove(&self.path);
                    return Err(e);
                }
                self.nodes.insert(dir, name, Filetype::SymbolicLink)
            }
        };
        self.touch_dir(dir, now)?;
        self.listings.added(dir);
        self.trim();
        Ok(ino)
    }

    fn readlink(&mut self, ino: Ino) -> Result<Vec<u8>, Errno> {
        if self.nodes.get(ino).ok_or(Errno::NOENT)?.kind != Filetype::SymbolicLink {
            return Err(Errno::INVAL);
        }
        let id = self.file(ino, false)?;
        let size = self.lfs.size(id)?;
        if size > LINK_MAX {
            return Err(Errno::NAMETOOLONG);
        }
        let mut target = alloc::vec![0u8; size as usize];
        let n = self.read_at(ino, 0, &mut target)?;
        target.truncate(n);
        Ok(target)
    }

    fn unlink(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.writable()?;
        self.end_pass()?;
        self.entry_path(dir, name)?;
        let (ino, kind) = self.entry(dir, name)?;
        if kind == Filetype::Directory {
            return Err(Errno::ISDIR);
        }
        self.prepare_unlink(ino)?;
        self.lfs.remove(&self.path)?;
        self.drop_node(ino);
        self.listings.removed(dir, name);
        self.touch_dir(dir, now)
    }

    fn rmdir(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.writable()?;
        self.end_pass()?;
        self.entry_path(dir, name)?;
        let (ino, kind) = self.entry(dir, name)?;
        if kind != Filetype::Directory {
            return Err(Errno::NOTDIR);
        }
        self.lfs.remove(&self.path)?;
        self.listings.forget(ino);
        self.drop_node(ino);
        self.listings.removed(dir, name);
        self.touch_dir(dir, now)
    }

    fn rename(
        &mut self,
        old_dir: Ino,
        old_name: &[u8],
        new_dir: Ino,
        new_name: &[u8],
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.writable()?;
        Self::reserved(new_dir, new_name)?;
        self.end_pass()?;
        self.entry_path(new_dir, new_name)?;
        core::mem::swap(&mut self.path, &mut self.path2);
        self.entry_path(old_dir, old_name)?;
        let (src, kind) = self.entry(old_dir, old_name)?;
        if old_dir == new_dir && old_name == new_name {
            return Ok(());
        }
        core::mem::swap(&mut self.path, &mut self.path2);
        let dst = match self.entry(new_dir, new_name) {
            Ok(found) => Some(found),
            Err(Errno::NOENT) => None,
            Err(e) => return Err(e),
        };
        core::mem::swap(&mut self.path, &mut self.path2);
        // Now self.path is the source, self.path2 the destination.
        match dst {
            Some((_, Filetype::Directory)) if kind != Filetype::Directory => return Err(Errno::ISDIR),
            Some((_, k)) if k != Filetype::Directory && kind == Filetype::Directory => return Err(Errno::NOTDIR),
            _ => {}
        }
        if kind == Filetype::SymbolicLink && self.dir_symlinks(new_dir)? != Some(true) {
            let state = &mut self.nodes.get(new_dir).ok_or(Errno::NOENT)?.dir;
            state.symlinks = Some(true);
            state.dirty = true;
        }
        if let Some((d, _)) = dst {
            self.prepare_unlink(d)?;
        }
        // littlefs detaches an open file that is moved: close it, to reopen at the new name.
        self.close_file(src);
        self.lfs.rename(&self.path, &self.path2)?;
        if let Some((d, k)) = dst {
            if k == Filetype::Directory {
                self.listings.forget(d);
            }
            self.drop_node(d);
        }
        self.nodes.rename(src, new_dir, new_name);
        self.listings.removed(old_dir, old_name);
        self.listings.added(new_dir);
        if kind == Filetype::Directory {
            self.load_dir(src)?;
            let state = &mut self.nodes.get(src).ok_or(Errno::NOENT)?.dir;
            let [a, m, _] = state.times.unwrap_or_default();
            state.times = Some([a, m, now]);
            state.dirty = true;
        } else {
            self.set_file_times(src, |[a, m, _]| [a, m, now])?;
        }
        self.touch_dir(old_dir, now)?;
        self.touch_dir(new_dir, now)?;
        self.trim();
        Ok(())
    }

    fn readdir(&mut self, dir: Ino, cookie: u64, sink: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno> {
        match self.nodes.get(dir) {
            Some(n) if n.kind != Filetype::Directory => return Err(Errno::NOTDIR),
            Some(n) if n.orphan => return Ok(()),
            Some(_) => {}
            None => return Err(Errno::NOENT),
        }
        let (at, from) = match self.listings.resume(dir, cookie) {
            Some(found) => found,
            None => {
                self.nodes.path(dir, &mut self.path)?;
                let entries = self.snapshot(dir)?;
                self.listings.start(dir, cookie, entries)
            }
        };
        for (e, next) in self.listings.entries(at, from) {
            let ino = self.nodes.number_of(dir, &e.name);
            if !sink(DirEntry { name: &e.name, ino, filetype: e.kind, next }) {
                break;
            }
        }
        Ok(())
    }

    fn open(&mut self, ino: Ino) -> Result<(), Errno> {
        self.nodes.get(ino).ok_or(Errno::NOENT)?.open += 1;
        Ok(())
    }

    fn recover(&mut self) {
        // The call may have stopped anywhere, in these tables too: start them afresh.
        self.lfs.remount();
        self.nodes = Nodes::new();
        self.data = Data::default();
        self.listings = Listings::default();
        self.trim_at = NODES_KEPT;
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        Some(self)
    }

    fn release(&mut self, ino: Ino) {
        let Some(node) = self.nodes.get(ino) else { return };
        node.open = node.open.saturating_sub(1);
        if node.open > 0 {
            return;
        }
        let orphan = node.orphan;
        if self.data.in_pass(ino) {
            let _ = self.end_pass();
        }
        if orphan {
            self.close_file(ino);
            self.nodes.remove(ino);
        }
    }
}
