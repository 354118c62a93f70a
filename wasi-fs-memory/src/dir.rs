//! Directory entries: found by name through a hash table in O(1), listed in the order they
//! were added, with cookies that survive changes.
//!
//! Entries sit in a vector in the order they were added, each with a cookie from a
//! per-directory counter, so the vector is sorted by cookie and a listing resumes after a
//! cookie by binary search. Names live end to end in one byte arena. The hash table holds
//! positions in the vector, hashed by name. Removing an entry leaves a hole; once holes
//! outnumber entries the vector and arena are compacted in place and the table rebuilt,
//! so removal is O(1) amortised and memory follows the entries that exist.

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use wasi_core::{Errno, Ino};

use crate::quota::{full, QVec, QuotaAlloc};

/// A removed entry's name length: its slot is a hole until the next compaction.
const HOLE: u16 = u16::MAX;

/// Holes tolerated before compacting, however few entries there are.
const MIN_HOLES: usize = 16;

/// One entry, or a hole.
#[derive(Debug, Clone, Copy)]
struct Slot {
    cookie: u64,
    ino: Ino,
    /// Where the name starts in the arena.
    name_at: u32,
    name_len: u16,
}

/// The entries of one directory.
#[derive(Debug)]
pub struct Dir {
    /// The parent directory (the root is its own parent).
    pub parent: Ino,
    slots: QVec<Slot>,
    names: QVec<u8>,
    /// Positions in `slots` of the live entries, hashed by name.
    index: HashTable<u32, QuotaAlloc>,
    holes: usize,
    next_cookie: u64,
}

fn hash(h: &FixedState, name: &[u8]) -> u64 {
    core::hash::BuildHasher::hash_one(h, name)
}

/// The name of `slot`, from the arena.
fn name_of<'a>(names: &'a [u8], slot: &Slot) -> &'a [u8] {
    &names[slot.name_at as usize..slot.name_at as usize + slot.name_len as usize]
}

/// The hash of the entry at `pos`, for the table to rehash with.
fn rehash<'a>(h: &'a FixedState, slots: &'a [Slot], names: &'a [u8]) -> impl Fn(&u32) -> u64 + 'a {
    move |pos| hash(h, name_of(names, &slots[*pos as usize]))
}

impl Dir {
    /// An empty directory under `parent`, its tables charged to `quota`.
    pub fn new(parent: Ino, quota: &QuotaAlloc) -> Self {
        Dir {
            parent,
            slots: quota.vec(),
            names: quota.vec(),
            index: HashTable::new_in(quota.clone()),
            holes: 0,
            next_cookie: 1,
        }
    }

    /// The position in `slots` of the entry `name`.
    fn position(&self, h: &FixedState, name: &[u8]) -> Option<usize> {
        let eq = |pos: &u32| name_of(&self.names, &self.slots[*pos as usize]) == name;
        self.index.find(hash(h, name), eq).map(|pos| *pos as usize)
    }

    /// The inode named `name`.
    pub fn get(&self, h: &FixedState, name: &[u8]) -> Option<Ino> {
        self.position(h, name).map(|pos| self.slots[pos].ino)
    }

    /// Makes room for one more entry named `name` (`ENOSPC` past the quota), so that
    /// [`Dir::insert`] cannot fail: callers reserve before they change anything.
    pub fn reserve(&mut self, h: &FixedState, name: &[u8]) -> Result<(), Errno> {
        // Positions and name offsets are 32-bit: far beyond what any quota allows.
        if self.slots.len() >= u32::MAX as usize || self.names.len() + name.len() > u32::MAX as usize {
            return Err(Errno::NOSPC);
        }
        self.slots.try_reserve(1).map_err(full)?;
        self.names.try_reserve(name.len()).map_err(full)?;
        self.index.try_reserve(1, rehash(h, &self.slots, &self.names)).map_err(full)
    }

    /// Adds an entry after [`Dir::reserve`]; the caller has checked the name is free.
    pub fn insert(&mut self, h: &FixedState, name: &[u8], ino: Ino) {
        let slot =
            Slot { cookie: self.next_cookie, ino, name_at: self.names.len() as u32, name_len: name.len() as u16 };
        self.next_cookie += 1;
        self.names.extend_from_slice(name);
        self.slots.push(slot);
        let pos = (self.slots.len() - 1) as u32;
        self.index.insert_unique(hash(h, name), pos, rehash(h, &self.slots, &self.names));
    }

    /// Points an existing entry at another inode, keeping its cookie.
    pub fn replace(&mut self, h: &FixedState, name: &[u8], ino: Ino) -> Option<Ino> {
        let pos = self.position(h, name)?;
        Some(core::mem::replace(&mut self.slots[pos].ino, ino))
    }

    /// Removes an entry, returning its inode.
    pub fn remove(&mut self, h: &FixedState, name: &[u8]) -> Option<Ino> {
        let eq = |pos: &u32| name_of(&self.names, &self.slots[*pos as usize]) == name;
        let (pos, _) = self.index.find_entry(hash(h, name), eq).ok()?.remove();
        let slot = &mut self.slots[pos as usize];
        slot.name_len = HOLE;
        let ino = slot.ino;
        self.holes += 1;
        if self.holes >= MIN_HOLES && self.holes > self.index.len() {
            self.compact(h);
        }
        Some(ino)
    }

    /// Drops the holes, keeping the order (and so the cookies), and rebuilds the table, all
    /// in place: it allocates nothing.
    fn compact(&mut self, h: &FixedState) {
        let mut kept = 0usize;
        let mut arena = 0usize;
        for read in 0..self.slots.len() {
            let slot = self.slots[read];
            if slot.name_len == HOLE {
                continue;
            }
            let len = slot.name_len as usize;
            self.names.copy_within(slot.name_at as usize..slot.name_at as usize + len, arena);
            self.slots[kept] = Slot { name_at: arena as u32, ..slot };
            kept += 1;
            arena += len;
        }
        self.slots.truncate(kept);
        self.names.truncate(arena);
        self.holes = 0;
        // The table keeps its capacity, which held more entries than there are now: no
        // allocation here.
        self.index.clear();
        for (pos, slot) in self.slots.iter().enumerate() {
            self.index.insert_unique(
                hash(h, name_of(&self.names, slot)),
                pos as u32,
                rehash(h, &self.slots, &self.names),
            );
        }
    }

    /// Gives back the memory of tables much larger than the entries need. Separate from
    /// [`Dir::remove`] so that a reservation made before a removal still holds after it
    /// (a rename within one directory).
    pub fn trim(&mut self, h: &FixedState) {
        let live = self.slots.len();
        if self.slots.capacity() > 4 * live.max(4) {
            self.slots.shrink_to(2 * live);
            self.names.shrink_to(2 * self.names.len());
            self.index.shrink_to(self.index.len(), rehash(h, &self.slots, &self.names));
        }
    }

    /// Whether the directory has no entries.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Entries after `cookie`, in the order they were added, with their own cookies.
    pub fn after(&self, cookie: u64) -> impl Iterator<Item = (u64, &[u8], Ino)> {
        let start = self.slots.partition_point(|s| s.cookie <= cookie);
        self.slots[start..].iter().filter(|s| s.name_len != HOLE).map(|s| (s.cookie, name_of(&self.names, s), s.ino))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec::Vec;

    fn h() -> FixedState {
        FixedState::with_seed(3)
    }

    fn add(d: &mut Dir, name: &[u8], ino: Ino) {
        d.reserve(&h(), name).unwrap();
        d.insert(&h(), name, ino);
    }

    fn names_after(d: &Dir, cookie: u64) -> Vec<Vec<u8>> {
        d.after(cookie).map(|(_, n, _)| n.to_vec()).collect()
    }

    #[test]
    fn cookies_survive_removals_and_compaction() {
        let quota = QuotaAlloc::new(u64::MAX);
        let mut d = Dir::new(1, &quota);
        for i in 0..100u64 {
            add(&mut d, format!("f{i}").as_bytes(), i + 10);
        }
        let cookie_of_50 = d.after(0).find(|(_, n, _)| *n == b"f50").unwrap().0;
        for i in (0..100u64).filter(|i| i % 10 != 0) {
            assert_eq!(d.remove(&h(), format!("f{i}").as_bytes()), Some(i + 10));
        }
        assert!(d.slots.len() <= 10 + MIN_HOLES, "compacted as holes came to outnumber entries");
        assert_eq!(names_after(&d, cookie_of_50), [b"f60", b"f70", b"f80", b"f90"].map(|n| n.to_vec()));
        assert_eq!(d.get(&h(), b"f30"), Some(40));
        assert_eq!(d.get(&h(), b"f31"), None);
        add(&mut d, b"new", 7);
        assert_eq!(names_after(&d, cookie_of_50).last().map(Vec::as_slice), Some(&b"new"[..]));
        assert_eq!(d.replace(&h(), b"new", 8), Some(7));
        assert_eq!(d.get(&h(), b"new"), Some(8));
    }

    #[test]
    fn memory_follows_the_entries() {
        let quota = QuotaAlloc::new(u64::MAX);
        let mut d = Dir::new(1, &quota);
        let empty = quota.used();
        for i in 0..10_000u64 {
            add(&mut d, format!("a-long-name-{i:0>200}").as_bytes(), i + 2);
        }
        let full = quota.used();
        assert!(full > 10_000 * 200, "names are charged: {full}");
        for i in 0..10_000u64 {
            d.remove(&h(), format!("a-long-name-{i:0>200}").as_bytes());
            d.trim(&h());
        }
        assert!(d.is_empty());
        assert!(quota.used() - empty < full / 50, "{} of {full} bytes still held", quota.used() - empty);
    }

    #[test]
    fn a_full_quota_refuses_the_reservation() {
        let quota = QuotaAlloc::new(2000);
        let mut d = Dir::new(1, &quota);
        let mut added = 0;
        while d.reserve(&h(), &[b'x'; 200]).is_ok() {
            d.insert(&h(), format!("{added:0>200}").as_bytes(), 5);
            added += 1;
        }
        assert!(added > 0);
        assert!(quota.used() <= 2000);
        assert_eq!(d.after(0).count(), added);
    }
}
