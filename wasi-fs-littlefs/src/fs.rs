//! `LittleFs`: inodes emulated over littlefs paths, and the `VirtualFs` operations.

use alloc::vec::Vec;
use wasi_core::wasi_abi::{Errno, Filestat, Filetype};
use wasi_core::{DirEntry, Features, Ino, NewNode, SortedMap, Timestamp, VirtualFs};

use crate::raw::{flags, Lfs, FILE_MAX, NAME_MAX};

/// The root directory's inode.
const ROOT: Ino = 1;
/// Attribute holding `atim`, `mtim`, `ctim` (24 bytes, little-endian).
const ATTR_TIMES: u8 = b't';
/// Attribute marking a file as a symlink whose contents are the target.
const ATTR_SYMLINK: u8 = b'l';
/// Where files unlinked while open wait for their last fd; hidden from the guest.
const ORPHANS: &[u8] = b"/.wasi-orphans";

/// A directory's entries, sorted by name, with their types.
type Listing = Vec<(Vec<u8>, Filetype)>;

/// A littlefs filesystem on a RAM disk.
pub struct LittleFs {
    lfs: Lfs,
    paths: SortedMap<Ino, Vec<u8>>,
    inos: SortedMap<Vec<u8>, Ino>,
    open: SortedMap<Ino, u32>,
    next_ino: Ino,
    /// Cookie -> (directory, entry name) handed out by `readdir`, and back.
    cookies: SortedMap<u64, (Ino, Vec<u8>)>,
    cookie_of: SortedMap<(Ino, Vec<u8>), u64>,
    /// The last directory listed, sorted by name with each entry's type, so a listing
    /// resumed by cookie reads littlefs once rather than once per call. Any change to the
    /// tree drops it.
    listing: Option<(Ino, Listing)>,
    /// The type of each inode `lookup` or `filetype` has seen since the tree last changed:
    /// resolving a path through known components costs no walk of littlefs at all. Any
    /// change to the tree drops it.
    types: SortedMap<Ino, Filetype>,
    read_only: bool,
}

/// `dir` + `/` + `name` as a littlefs path.
fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(dir.len() + 1 + name.len());
    p.extend_from_slice(dir);
    if dir != b"/" {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// The parent of a path (`/` for `/` and for top-level entries).
fn parent(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|b| *b == b'/') {
        Some(0) | None => b"/",
        Some(i) => &path[..i],
    }
}

/// Appends `n` in decimal (without `core::fmt`, which would cost the npm package's wasm
/// several kilobytes for this one use).
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let start = out.len();
    loop {
        out.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out[start..].reverse();
}

fn encode_times(t: [u64; 3]) -> [u8; 24] {
    let mut b = [0u8; 24];
    for (i, v) in t.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    b
}

impl LittleFs {
    pub(crate) fn from_lfs(lfs: Lfs, read_only: bool) -> LittleFs {
        let mut fs = LittleFs {
            lfs,
            paths: SortedMap::new(),
            inos: SortedMap::new(),
            open: SortedMap::new(),
            next_ino: ROOT + 1,
            cookies: SortedMap::new(),
            cookie_of: SortedMap::new(),
            listing: None,
            types: SortedMap::new(),
            read_only,
        };
        fs.paths.insert(ROOT, b"/".to_vec());
        fs.inos.insert(b"/".to_vec(), ROOT);
        fs
    }

    pub(crate) fn lfs(&self) -> &Lfs {
        &self.lfs
    }

    /// Bytes of the disk in use and in all.
    pub fn usage(&mut self) -> Result<(usize, usize), Errno> {
        let (used, all) = self.lfs.usage()?;
        Ok((used * crate::raw::BLOCK_SIZE, all * crate::raw::BLOCK_SIZE))
    }

    fn path(&self, ino: Ino) -> Result<Vec<u8>, Errno> {
        self.paths.get(&ino).cloned().ok_or(Errno::NOENT)
    }

    fn ino_of(&mut self, path: &[u8]) -> Ino {
        if let Some(ino) = self.inos.get(path) {
            return *ino;
        }
        let ino = self.next_ino;
        self.next_ino += 1;
        self.paths.insert(ino, path.to_vec());
        self.inos.insert(path.to_vec(), ino);
        ino
    }

    fn forget(&mut self, path: &[u8]) {
        if let Some(ino) = self.inos.remove(path) {
            self.paths.remove(&ino);
            self.types.remove(&ino);
        }
    }

    fn writable(&self) -> Result<(), Errno> {
        if self.read_only {
            Err(Errno::ROFS)
        } else {
            Ok(())
        }
    }

    fn times(&mut self, path: &[u8]) -> Result<[u64; 3], Errno> {
        let mut b = [0u8; 24];
        let mut t = [0u64; 3];
        if self.lfs.get_attr(path, ATTR_TIMES, &mut b)? == Some(24) {
            for (i, v) in t.iter_mut().enumerate() {
                *v = u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or_default());
            }
        }
        Ok(t)
    }

    fn set_times_at(&mut self, path: &[u8], t: [u64; 3]) -> Result<(), Errno> {
        self.lfs.set_attr(path, ATTR_TIMES, &encode_times(t))
    }

    /// Sets `mtim` and `ctim` of `path` to `now`.
    fn touch(&mut self, path: &[u8], now: Timestamp) -> Result<(), Errno> {
        let [atim, _, _] = self.times(path)?;
        self.set_times_at(path, [atim, now, now])
    }

    fn is_symlink(&mut self, path: &[u8]) -> Result<bool, Errno> {
        Ok(self.lfs.get_attr(path, ATTR_SYMLINK, &mut [0u8; 1])?.is_some())
    }

    /// The type of what `path` names (`ENOENT` if nothing).
    fn type_at(&mut self, path: &[u8]) -> Result<Filetype, Errno> {
        let (is_dir, _) = self.lfs.stat(path)?;
        self.type_of(path, is_dir)
    }

    fn type_of(&mut self, path: &[u8], is_dir: bool) -> Result<Filetype, Errno> {
        Ok(if is_dir {
            Filetype::Directory
        } else if self.is_symlink(path)? {
            Filetype::SymbolicLink
        } else {
            Filetype::RegularFile
        })
    }

    /// Checks a new entry name: not too long, not the hidden orphans directory.
    fn entry_path(&self, dir: Ino, name: &[u8]) -> Result<Vec<u8>, Errno> {
        if name.len() > NAME_MAX {
            return Err(Errno::NAMETOOLONG);
        }
        let path = join(&self.path(dir)?, name);
        if path == ORPHANS {
            return Err(Errno::PERM);
        }
        Ok(path)
    }

    /// Moves an open file out of the way (to the orphans directory) instead of deleting it.
    fn orphan(&mut self, path: &[u8]) -> Result<bool, Errno> {
        let Some(&ino) = self.inos.get(path) else { return Ok(false) };
        if self.open.get(&ino).copied().unwrap_or(0) == 0 {
            return Ok(false);
        }
        match self.lfs.mkdir(ORPHANS) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(e),
        }
        let mut to = ORPHANS.to_vec();
        to.push(b'/');
        push_decimal(&mut to, ino);
        self.lfs.rename(path, &to)?;
        self.inos.remove(path);
        self.inos.insert(to.clone(), ino);
        self.paths.insert(ino, to);
        Ok(true)
    }

    /// After `from` moved to `to`, repoints every inode at or below `from`.
    fn moved(&mut self, from: &[u8], to: &[u8]) {
        let below: Vec<(Vec<u8>, Ino)> = self
            .inos
            .iter()
            .filter(|(p, _)| p.as_slice() == from || (p.starts_with(from) && p.get(from.len()) == Some(&b'/')))
            .map(|(p, i)| (p.clone(), *i))
            .collect();
        for (old, ino) in below {
            let mut new = to.to_vec();
            new.extend_from_slice(&old[from.len()..]);
            self.inos.remove(&old);
            self.inos.insert(new.clone(), ino);
            self.paths.insert(ino, new);
        }
    }

    /// Drops what was learnt of the tree, before changing it.
    fn changed(&mut self) {
        self.listing = None;
        self.types = SortedMap::new();
    }

    fn cookie(&mut self, dir: Ino, name: &[u8]) -> u64 {
        let key = (dir, name.to_vec());
        if let Some(c) = self.cookie_of.get(&key) {
            return *c;
        }
        let c = self.cookies.len() as u64 + 1;
        self.cookies.insert(c, key.clone());
        self.cookie_of.insert(key, c);
        c
    }
}

impl VirtualFs for LittleFs {
    fn root(&self) -> Ino {
        ROOT
    }

    fn features(&self) -> Features {
        Features { hard_links: false, symlinks: true, max_file_size: FILE_MAX, max_name_len: NAME_MAX }
    }

    fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno> {
        let dir_path = self.path(dir)?;
        if name == b".." {
            let up = parent(&dir_path).to_vec();
            return Ok(self.ino_of(&up));
        }
        let path = join(&dir_path, name);
        if path == ORPHANS {
            return Err(Errno::NOENT);
        }
        // A path whose type is known has not changed since it was looked up (any change to
        // the tree drops the types): no need to walk littlefs again.
        if let Some(&ino) = self.inos.get(&path) {
            if self.types.contains_key(&ino) {
                return Ok(ino);
            }
        }
        // littlefs itself answers ENOTDIR when `dir` is not a directory.
        let filetype = self.type_at(&path)?;
        let ino = self.ino_of(&path);
        self.types.insert(ino, filetype);
        Ok(ino)
    }

    fn filetype(&mut self, ino: Ino) -> Result<Filetype, Errno> {
        if let Some(t) = self.types.get(&ino) {
            return Ok(*t);
        }
        let filetype = self.type_at(&self.path(ino)?)?;
        self.types.insert(ino, filetype);
        Ok(filetype)
    }

    fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno> {
        let path = self.path(ino)?;
        let (is_dir, size) = self.lfs.stat(&path)?;
        let filetype = self.type_of(&path, is_dir)?;
        let [atim, mtim, ctim] = self.times(&path)?;
        let nlink = if path.starts_with(ORPHANS) {
            0
        } else if is_dir {
            2
        } else {
            1
        };
        Ok(Filestat { dev: 0, ino, filetype, nlink, size, atim, mtim, ctim })
    }

    fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let path = self.path(ino)?;
        if offset >= FILE_MAX {
            return Ok(0);
        }
        self.lfs.with_file(&path, flags::READ, |f| {
            f.seek(offset)?;
            let mut done = 0;
            while done < buf.len() {
                let n = f.read(&mut buf[done..])?;
                if n == 0 {
                    break;
                }
                done += n;
            }
            Ok(done)
        })
    }

    fn write(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        self.writable()?;
        if offset.checked_add(data.len() as u64).is_none_or(|end| end > FILE_MAX) {
            return Err(Errno::FBIG);
        }
        let path = self.path(ino)?;
        let n = self.lfs.with_file(&path, flags::RDWR, |f| {
            f.seek(offset)?;
            f.write(data)
        })?;
        self.touch(&path, now)?;
        Ok(n)
    }

    fn set_size(&mut self, ino: Ino, size: u64, now: Timestamp) -> Result<(), Errno> {
        self.writable()?;
        let path = self.path(ino)?;
        self.lfs.with_file(&path, flags::RDWR, |f| f.truncate(size))?;
        self.touch(&path, now)
    }

    fn set_times(
        &mut self,
        ino: Ino,
        atim: Option<Timestamp>,
        mtim: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.writable()?;
        let path = self.path(ino)?;
        let [a, m, _] = self.times(&path)?;
        self.set_times_at(&path, [atim.unwrap_or(a), mtim.unwrap_or(m), now])
    }

    fn create(&mut self, dir: Ino, name: &[u8], node: NewNode<'_>, now: Timestamp) -> Result<Ino, Errno> {
        self.writable()?;
        self.changed();
        let path = self.entry_path(dir, name)?;
        match node {
            NewNode::Directory => self.lfs.mkdir(&path)?,
            NewNode::File => self.lfs.with_file(&path, flags::CREATE_NEW, |_| Ok(()))?,
            NewNode::Symlink(target) => {
                self.lfs.with_file(&path, flags::CREATE_NEW, |f| f.write(target).map(drop))?;
                self.lfs.set_attr(&path, ATTR_SYMLINK, &[1])?;
            }
        }
        self.set_times_at(&path, [now; 3])?;
        let dir_path = self.path(dir)?;
        self.touch(&dir_path, now)?;
        Ok(self.ino_of(&path))
    }

    fn readlink(&mut self, ino: Ino) -> Result<Vec<u8>, Errno> {
        let path = self.path(ino)?;
        if !self.is_symlink(&path)? {
            return Err(Errno::INVAL);
        }
        let (_, size) = self.lfs.stat(&path)?;
        let mut target = alloc::vec![0u8; size as usize];
        let n = self.read(ino, 0, &mut target)?;
        target.truncate(n);
        Ok(target)
    }

    fn unlink(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.writable()?;
        self.changed();
        let path = self.entry_path(dir, name)?;
        if self.lfs.stat(&path)?.0 {
            return Err(Errno::ISDIR);
        }
        if !self.orphan(&path)? {
            self.lfs.remove(&path)?;
            self.forget(&path);
        }
        let dir_path = self.path(dir)?;
        self.touch(&dir_path, now)
    }

    fn rmdir(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.writable()?;
        self.changed();
        let path = self.entry_path(dir, name)?;
        if !self.lfs.stat(&path)?.0 {
            return Err(Errno::NOTDIR);
        }
        self.lfs.remove(&path)?;
        self.forget(&path);
        let dir_path = self.path(dir)?;
        self.touch(&dir_path, now)
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
        self.changed();
        let from = self.entry_path(old_dir, old_name)?;
        let to = self.entry_path(new_dir, new_name)?;
        let (from_dir, _) = self.lfs.stat(&from)?;
        if from == to {
            return Ok(());
        }
        match self.lfs.stat(&to) {
            Ok((true, _)) if !from_dir => return Err(Errno::ISDIR),
            Ok((false, _)) if from_dir => return Err(Errno::NOTDIR),
            Ok((false, _)) => {
                self.orphan(&to)?;
            }
            _ => {}
        }
        self.lfs.rename(&from, &to)?;
        self.forget(&to);
        self.moved(&from, &to);
        let [a, m, _] = self.times(&to)?;
        self.set_times_at(&to, [a, m, now])?;
        for d in [old_dir, new_dir] {
            let p = self.path(d)?;
            self.touch(&p, now)?;
        }
        Ok(())
    }

    fn readdir(&mut self, dir: Ino, cookie: u64, sink: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno> {
        let dir_path = self.path(dir)?;
        let listing = match self.listing.take() {
            Some((cached, entries)) if cached == dir => entries,
            _ => {
                if !self.lfs.stat(&dir_path)?.0 {
                    return Err(Errno::NOTDIR);
                }
                let mut listed = self.lfs.list(&dir_path)?;
                // littlefs 2.6 and later keep a directory sorted by name, so this moves
                // nothing; a disk from an older writer may need it. (An insertion sort:
                // the library sorts cost the npm package's wasm kilobytes.)
                for i in 1..listed.len() {
                    let at = listed[..i].partition_point(|e| e.name <= listed[i].name);
                    listed[at..=i].rotate_right(1);
                }
                let mut entries = Vec::with_capacity(listed.len());
                for entry in listed {
                    let path = join(&dir_path, &entry.name);
                    if path != ORPHANS {
                        let filetype = self.type_of(&path, entry.is_dir)?;
                        entries.push((entry.name, filetype));
                    }
                }
                entries
            }
        };
        let start = match cookie {
            0 => 0,
            c => match self.cookies.get(&c) {
                Some((d, after)) if *d == dir => listing.partition_point(|(name, _)| name <= after),
                _ => listing.len(),
            },
        };
        for (name, filetype) in &listing[start..] {
            let ino = self.ino_of(&join(&dir_path, name));
            let next = self.cookie(dir, name);
            if !sink(DirEntry { name, ino, filetype: *filetype, next }) {
                break;
            }
        }
        self.listing = Some((dir, listing));
        Ok(())
    }

    fn open(&mut self, ino: Ino) -> Result<(), Errno> {
        self.path(ino)?;
        *self.open.get_or_insert_with(ino, || 0) += 1;
        Ok(())
    }

    fn recover(&mut self) {
        self.lfs.remount();
        self.changed();
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        Some(self)
    }

    fn release(&mut self, ino: Ino) {
        let Some(count) = self.open.get_mut(&ino) else { return };
        *count -= 1;
        if *count > 0 {
            return;
        }
        self.open.remove(&ino);
        if let Some(path) = self.paths.get(&ino).cloned() {
            if path.starts_with(ORPHANS) && self.lfs.remove(&path).is_ok() {
                self.forget(&path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal() {
        for n in [0u64, 7, 10, 12345, u64::MAX] {
            let mut out = b"x".to_vec();
            super::push_decimal(&mut out, n);
            assert_eq!(out, alloc::format!("x{n}").into_bytes());
        }
    }
}
