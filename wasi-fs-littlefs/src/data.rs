//! File data: littlefs files kept open between calls, and writes gathered into passes.
//!
//! littlefs stores a file as a copy-on-write list of blocks, each pointing back to earlier
//! ones: a write in the middle rewrites every block after it, and littlefs does that copy
//! a byte at a time when the file is next flushed (a seek, a read, a sync). Writing then
//! committing each `fd_write` on its own cost milliseconds. Here a run of writes moving
//! forward through one file is a *pass*: littlefs's file stays open and unflushed, a
//! forward jump copies the skipped bytes from a second, read-only handle on the committed
//! file (in large chunks), and the pass ends — the rest of the file copied the same way,
//! data and timestamps committed together — at a backward write, a read, a sync, a close,
//! any change to the tree, a write to another file, or an export.
//!
//! A pass starts, and grows, only while the disk has room for everything it may write
//! (the free space is counted by littlefs, then followed through the disk's erases), so
//! committing it cannot fail for want of space. Without room, a write goes a block at a
//! time, each committed before the next: on a full disk, the bytes that fit are written
//! and reported, and `ENOSPC` comes only when nothing fits.
//!
//! An unlinked file still open keeps its littlefs file open, marked as not matching the
//! disk, so littlefs counts its blocks as used while its entry is gone: no hidden
//! directory, nothing in an exported image, nothing to reclaim after a remount.

use alloc::vec::Vec;
use wasi_core::wasi_abi::{Errno, Filetype};
use wasi_core::{Ino, Timestamp};

use crate::fs::LittleFs;
use crate::nodes::Handle;
use crate::raw::{flags, Attrs, FileId, FILE_MAX};

/// littlefs files kept open for nodes no fd or pass needs, at most (each holds a cache).
const POOL: usize = 16;
/// Blocks kept free beyond what a pass needs: littlefs may split a directory's metadata
/// pair (two blocks) when it commits.
const SLACK: u64 = 4;
/// Bytes copied or zero-filled per step.
const STEP: usize = 16 * 1024;

/// A run of forward writes to one file, not yet committed.
struct Pass {
    ino: Ino,
    /// The file as committed, to copy unchanged bytes from: opened when first needed.
    old: Option<FileId>,
    /// The committed file's size.
    committed: u64,
    /// The first block the pass writes (those before it are shared with the old file).
    first_block: u64,
    /// The disk's erase count when the pass began: each block the pass takes is erased.
    erases: u64,
}

/// Free blocks when littlefs last counted them, and the disk's erase count then.
#[derive(Clone, Copy)]
struct Space {
    free: u64,
    erases: u64,
}

/// The data path's state.
#[derive(Default)]
pub struct Data {
    /// Nodes holding a littlefs file that may be closed, least recently used first.
    pool: Vec<Ino>,
    pass: Option<Pass>,
    space: Option<Space>,
    /// Scratch for copying and zero-filling.
    buf: Vec<u8>,
}

impl Data {
    /// Whether `ino` has uncommitted writes.
    pub fn in_pass(&self, ino: Ino) -> bool {
        self.pass.as_ref().is_some_and(|p| p.ino == ino)
    }

    fn touch(&mut self, ino: Ino) {
        if self.pool.last() != Some(&ino) {
            if let Some(i) = self.pool.iter().position(|x| *x == ino) {
                self.pool.remove(i);
                self.pool.push(ino);
            }
        }
    }
}

impl LittleFs {
    /// The open littlefs file of `ino` (opened now if needed, for writing on request).
    pub(crate) fn file(&mut self, ino: Ino, write: bool) -> Result<FileId, Errno> {
        if write {
            self.writable()?;
        }
        let node = self.nodes.get(ino).ok_or(Errno::NOENT)?;
        let (kind, file, orphan) = (node.kind, node.file, node.orphan);
        if kind == Filetype::Directory {
            return Err(Errno::ISDIR);
        }
        match file {
            Some(h) if h.writable || !write => {
                self.data.touch(ino);
                return Ok(h.id);
            }
            _ if orphan => return Err(Errno::NOENT),
            Some(_) => self.close_file(ino),
            None => {}
        }
        self.nodes.path(ino, &mut self.aux)?;
        let id = self.lfs.open(&self.aux, if write { flags::RDWR } else { flags::READ }, Attrs::Times)?;
        if write {
            // Opened for writing, littlefs takes the file for changed; it is not, yet.
            if self.lfs.times(id).is_none() {
                self.lfs.set_file_times(id, [0; 3]);
            }
            self.lfs.set_dirty(id, false);
        }
        self.keep_file(ino, id, write);
        Ok(id)
    }

    /// Gives `ino` the open file `id`.
    pub(crate) fn keep_file(&mut self, ino: Ino, id: FileId, writable: bool) {
        if let Some(n) = self.nodes.get(ino) {
            n.file = Some(Handle { id, writable });
        }
        self.data.pool.push(ino);
        while self.data.pool.len() > POOL {
            let Some(i) = self.data.pool.iter().position(|x| !self.data.in_pass(*x)) else { break };
            let victim = self.data.pool[i];
            self.close_file(victim);
        }
    }

    /// Closes the littlefs file of `ino`, if open (committed already: see `end_pass`).
    pub(crate) fn close_file(&mut self, ino: Ino) {
        debug_assert!(!self.data.in_pass(ino));
        self.data.pool.retain(|x| *x != ino);
        if let Some(h) = self.nodes.get(ino).and_then(|n| n.file.take()) {
            let _ = self.lfs.close(h.id);
        }
    }

    /// Before `ino`'s entry goes: an fd that holds it keeps the data, in a littlefs file
    /// open for writing and marked as not matching the disk (see the module docs).
    pub(crate) fn prepare_unlink(&mut self, ino: Ino) -> Result<(), Errno> {
        let node = self.nodes.peek(ino).ok_or(Errno::NOENT)?;
        if node.open == 0 || node.kind == Filetype::Directory {
            self.close_file(ino);
            return Ok(());
        }
        let id = self.file(ino, true)?;
        self.lfs.set_dirty(id, true);
        self.data.pool.retain(|x| *x != ino);
        Ok(())
    }

    /// Commits the pass, if any (see the module docs).
    pub(crate) fn end_pass(&mut self) -> Result<(), Errno> {
        let Some(mut pass) = self.data.pass.take() else { return Ok(()) };
        let result = self.finish(&mut pass);
        if let Some(old) = pass.old {
            let _ = self.lfs.close(old);
        }
        if result.is_err() {
            self.discard_file(pass.ino);
        }
        result
    }

    fn finish(&mut self, pass: &mut Pass) -> Result<(), Errno> {
        let id = self.nodes.peek(pass.ino).and_then(|n| n.file).ok_or(Errno::IO)?.id;
        let pos = self.lfs.tell(id);
        if pos < pass.committed && !self.lfs.is_inline(id) {
            self.copy(pass, id, pos, pass.committed)?;
        }
        self.lfs.sync(id)
    }

    /// Drops the pass and the file it wrote: the file is as last committed.
    fn abort_pass(&mut self) {
        if let Some(pass) = self.data.pass.take() {
            if let Some(old) = pass.old {
                let _ = self.lfs.close(old);
            }
            self.discard_file(pass.ino);
        }
    }

    /// Closes a littlefs file that failed: littlefs commits nothing of it.
    fn discard_file(&mut self, ino: Ino) {
        self.data.pool.retain(|x| *x != ino);
        if let Some(h) = self.nodes.get(ino).and_then(|n| n.file.take()) {
            let _ = self.lfs.close(h.id);
        }
    }

    /// Copies bytes `from..to` of the pass's file as committed to `id` at its position.
    fn copy(&mut self, pass: &mut Pass, id: FileId, from: u64, to: u64) -> Result<(), Errno> {
        let old = match pass.old {
            Some(old) => old,
            None => {
                self.nodes.path(pass.ino, &mut self.aux)?;
                *pass.old.insert(self.lfs.open(&self.aux, flags::READ, Attrs::None)?)
            }
        };
        self.data.buf.resize(STEP, 0);
        self.lfs.seek(old, from)?;
        let mut at = from;
        while at < to {
            let n = ((to - at) as usize).min(STEP);
            let got = self.lfs.read(old, &mut self.data.buf[..n])?;
            if got == 0 {
                return Err(Errno::IO);
            }
            self.lfs.write(id, &self.data.buf[..got])?;
            at += got as u64;
        }
        Ok(())
    }

    /// Writes `n` zero bytes to `id` at its position.
    fn zero_fill(&mut self, id: FileId, mut n: u64) -> Result<(), Errno> {
        self.data.buf.clear();
        self.data.buf.resize(STEP, 0);
        while n > 0 {
            let step = (n as usize).min(STEP);
            self.lfs.write(id, &self.data.buf[..step])?;
            n -= step as u64;
        }
        Ok(())
    }

    /// Free blocks, as last counted less the blocks erased since.
    fn free_blocks(&mut self) -> Result<u64, Errno> {
        let erases = self.lfs.disk().erases();
        let space = match self.data.space {
            Some(s) => s,
            None => self.count_free()?,
        };
        Ok(space.free.saturating_sub(erases - space.erases))
    }

    fn count_free(&mut self) -> Result<Space, Errno> {
        let used = self.lfs.used_blocks()? as u64;
        let count = self.lfs.disk().geometry().block_count as u64;
        let space = Space { free: count.saturating_sub(used), erases: self.lfs.disk().erases() };
        self.data.space = Some(space);
        Ok(space)
    }

    /// Whether `blocks` more blocks (and the slack) can be taken, counting again if the
    /// estimate says no.
    fn room_for(&mut self, blocks: u64) -> Result<bool, Errno> {
        if blocks + SLACK <= self.free_blocks()? {
            return Ok(true);
        }
        self.count_free()?;
        Ok(blocks + SLACK <= self.free_blocks()?)
    }

    /// Whether the pass can reach `end` (and copy the rest of the file).
    fn pass_room(&mut self, id: FileId, end: u64) -> Result<bool, Errno> {
        let Some(pass) = &self.data.pass else { return Ok(false) };
        let g = self.lfs.disk().geometry();
        let size = end.max(self.lfs.size(id)?).max(pass.committed);
        let taken = self.lfs.disk().erases() - pass.erases;
        let need = g.file_blocks(size).saturating_sub(pass.first_block).saturating_sub(taken);
        self.room_for(need)
    }

    /// Starts a pass on `ino` (open for writing as `id`) at `offset`.
    fn start_pass(&mut self, ino: Ino, id: FileId, offset: u64) -> Result<(), Errno> {
        let committed = self.lfs.size(id)?;
        let start = offset.min(committed);
        let first_block = if self.lfs.is_inline(id) { 0 } else { self.lfs.disk().geometry().block_index(start) };
        self.data.pass = Some(Pass { ino, old: None, committed, first_block, erases: self.lfs.disk().erases() });
        self.lfs.seek(id, start)
    }

    /// Moves the pass's file `id` to `offset`: forward, copying or zero-filling the gap;
    /// anywhere in a file held in its directory entry.
    fn move_to(&mut self, id: FileId, offset: u64) -> Result<(), Errno> {
        let pos = self.lfs.tell(id);
        if offset == pos {
            return Ok(());
        }
        if self.lfs.is_inline(id) {
            let size = self.lfs.size(id)?;
            self.lfs.seek(id, offset.min(size))?;
            return self.zero_fill(id, offset.saturating_sub(size));
        }
        let Some(mut pass) = self.data.pass.take() else { return Err(Errno::IO) };
        let copied_to = offset.min(pass.committed).max(pos);
        let copied = if pos < copied_to { self.copy(&mut pass, id, pos, copied_to) } else { Ok(()) };
        self.data.pass = Some(pass);
        copied?;
        self.zero_fill(id, offset.saturating_sub(copied_to))
    }

    /// Sets the timestamps of the open file `id` to `now` for a change of its data.
    fn touch_file(&mut self, id: FileId, now: Timestamp) {
        let [atim, _, _] = self.lfs.times(id).unwrap_or_default();
        self.lfs.set_file_times(id, [atim, now, now]);
    }

    pub(crate) fn read_at(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        if self.data.in_pass(ino) {
            self.end_pass()?;
        }
        let id = self.file(ino, false)?;
        if offset >= FILE_MAX || buf.is_empty() {
            return Ok(0);
        }
        self.lfs.seek(id, offset)?;
        let mut done = 0;
        while done < buf.len() {
            let n = self.lfs.read(id, &mut buf[done..])?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    pub(crate) fn write_at(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        self.writable()?;
        if offset.checked_add(data.len() as u64).is_none_or(|end| end > FILE_MAX) {
            return Err(Errno::FBIG);
        }
        if data.is_empty() {
            return Ok(0);
        }
        if self.data.pass.as_ref().is_some_and(|p| p.ino != ino) {
            self.end_pass()?;
        }
        let id = self.file(ino, true)?;
        if self.nodes.peek(ino).is_some_and(|n| n.orphan) {
            return self.write_orphan(id, offset, data, now);
        }
        match self.write_in_pass(ino, offset, data, now) {
            Ok(true) => Ok(data.len()),
            Ok(false) => {
                self.end_pass()?;
                self.write_committed(ino, offset, data, now)
            }
            Err(e) => {
                self.abort_pass();
                Err(e)
            }
        }
    }

    /// Writes within a pass; false if the disk has no room for it.
    fn write_in_pass(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<bool, Errno> {
        let mut id = self.file(ino, true)?;
        if self.data.pass.is_some() && offset < self.lfs.tell(id) && !self.lfs.is_inline(id) {
            self.end_pass()?;
            id = self.file(ino, true)?;
        }
        if self.data.pass.is_none() {
            self.start_pass(ino, id, offset)?;
        }
        if !self.pass_room(id, offset + data.len() as u64)? {
            return Ok(false);
        }
        self.move_to(id, offset)?;
        self.lfs.write(id, data)?;
        self.touch_file(id, now);
        Ok(true)
    }

    /// Writes a block at a time, committing each: the bytes that fit, or the error if none.
    fn write_committed(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        let step = self.lfs.disk().geometry().block_size;
        let mut done = 0;
        for chunk in data.chunks(step) {
            let at = offset + done as u64;
            let written = self.file(ino, true).and_then(|id| {
                self.start_pass(ino, id, at)?;
                self.move_to(id, at)?;
                self.lfs.write(id, chunk)?;
                self.touch_file(id, now);
                Ok(())
            });
            let result = match written {
                Ok(()) => self.end_pass(),
                Err(e) => {
                    self.abort_pass();
                    Err(e)
                }
            };
            match result {
                Ok(()) => done += chunk.len(),
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(done)
    }

    /// Writes to an unlinked file: its entry is gone, so nothing is committed, and
    /// littlefs rewrites it as it needs; there must be room for all of it.
    fn write_orphan(&mut self, id: FileId, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        let size = self.lfs.size(id)?;
        let end = offset + data.len() as u64;
        let blocks = self.lfs.disk().geometry().file_blocks(size.max(end));
        if !self.room_for(blocks)? {
            return Err(Errno::NOSPC);
        }
        self.lfs.seek(id, offset.min(size))?;
        self.zero_fill(id, offset.saturating_sub(size))?;
        self.lfs.write(id, data)?;
        self.touch_file(id, now);
        Ok(data.len())
    }

    pub(crate) fn resize(&mut self, ino: Ino, size: u64, now: Timestamp) -> Result<(), Errno> {
        self.writable()?;
        if size > FILE_MAX {
            return Err(Errno::FBIG);
        }
        self.end_pass()?;
        let id = self.file(ino, true)?;
        let current = self.lfs.size(id)?;
        let orphan = self.nodes.peek(ino).is_some_and(|n| n.orphan);
        if size < current {
            self.lfs.truncate(id, size)?;
        } else if size > current && orphan {
            if !self.room_for(self.lfs.disk().geometry().file_blocks(size))? {
                return Err(Errno::NOSPC);
            }
            self.lfs.seek(id, current)?;
            self.zero_fill(id, size - current)?;
        } else if size > current {
            self.start_pass(ino, id, current)?;
            let grown = match self.pass_room(id, size) {
                Ok(true) => self.zero_fill(id, size - current),
                Ok(false) => Err(Errno::NOSPC),
                Err(e) => Err(e),
            };
            if let Err(e) = grown {
                self.abort_pass();
                return Err(e);
            }
        }
        self.touch_file(id, now);
        if orphan {
            return Ok(());
        }
        if self.data.pass.is_some() {
            return self.end_pass();
        }
        self.commit(ino, id)
    }

    /// Commits the open file `id` of `ino` after a change of its entry.
    fn commit(&mut self, ino: Ino, id: FileId) -> Result<(), Errno> {
        self.lfs.set_dirty(id, true);
        let synced = self.lfs.sync(id);
        if synced.is_err() {
            self.discard_file(ino);
        }
        synced
    }

    /// Sets a file's timestamps to what `f` makes of them, committed now (or with the pass).
    pub(crate) fn set_file_times(&mut self, ino: Ino, f: impl FnOnce([u64; 3]) -> [u64; 3]) -> Result<(), Errno> {
        self.writable()?;
        let id = self.file(ino, true)?;
        let times = f(self.lfs.times(id).unwrap_or_default());
        self.lfs.set_file_times(id, times);
        if self.data.in_pass(ino) || self.nodes.peek(ino).is_some_and(|n| n.orphan) {
            return Ok(());
        }
        self.commit(ino, id)
    }

    /// Commits a file's pass, if it has one.
    pub(crate) fn sync_file(&mut self, ino: Ino) -> Result<(), Errno> {
        if self.data.in_pass(ino) {
            self.end_pass()?;
        }
        Ok(())
    }
}
