//! Directory entries with cookies that survive changes: each entry gets the next value of
//! a per-directory counter when it is added, and a listing resumes after a cookie in
//! O(log n), whatever was added or removed meanwhile.

use alloc::vec::Vec;
use wasi_core::{Ino, SortedMap};

/// The entries of one directory.
#[derive(Debug)]
pub struct Dir {
    /// The parent directory (the root is its own parent).
    pub parent: Ino,
    by_cookie: SortedMap<u64, (Vec<u8>, Ino)>,
    by_name: SortedMap<Vec<u8>, u64>,
    next_cookie: u64,
}

impl Dir {
    /// An empty directory under `parent`.
    pub fn new(parent: Ino) -> Self {
        Dir { parent, by_cookie: SortedMap::new(), by_name: SortedMap::new(), next_cookie: 1 }
    }

    /// The inode named `name`.
    pub fn get(&self, name: &[u8]) -> Option<Ino> {
        self.by_name.get(name).and_then(|c| self.by_cookie.get(c)).map(|(_, ino)| *ino)
    }

    /// Adds an entry; the caller has checked the name is free.
    pub fn insert(&mut self, name: &[u8], ino: Ino) {
        let cookie = self.next_cookie;
        self.next_cookie += 1;
        self.by_name.insert(name.into(), cookie);
        self.by_cookie.insert(cookie, (name.into(), ino));
    }

    /// Points an existing entry at another inode, keeping its cookie.
    pub fn replace(&mut self, name: &[u8], ino: Ino) -> Option<Ino> {
        let cookie = *self.by_name.get(name)?;
        let slot = self.by_cookie.get_mut(&cookie)?;
        Some(core::mem::replace(&mut slot.1, ino))
    }

    /// Removes an entry, returning its inode.
    pub fn remove(&mut self, name: &[u8]) -> Option<Ino> {
        let cookie = self.by_name.remove(name)?;
        self.by_cookie.remove(&cookie).map(|(_, ino)| ino)
    }

    /// Whether the directory has no entries.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Entries after `cookie`, in the order they were added, with their own cookies.
    pub fn after(&self, cookie: u64) -> impl Iterator<Item = (u64, &[u8], Ino)> {
        self.by_cookie.range_from(&cookie.saturating_add(1)).map(|(c, (name, ino))| (*c, name.as_slice(), *ino))
    }
}
