//! Inodes over littlefs paths. littlefs is path-based and stores no inode numbers, so an
//! inode is a cached node: its parent's inode and its own name, never a full path (a
//! node's path is its parent's plus its name, so a parent stays cached while a child is).
//!
//! An inode number is a hash of the parent's inode number and the name: the same file gets
//! the same number whenever it is looked up again, even after its node left the cache or
//! in a later mount, so only the nodes in use need to be kept. A renamed node keeps its
//! number while cached, as POSIX wants; if two live nodes would share a number, the newer
//! one gets another.

use alloc::boxed::Box;
use alloc::vec::Vec;
use wasi_core::wasi_abi::{Errno, Filetype};
use wasi_core::{Ino, SortedMap};

use crate::raw::{CPath, FileId};

/// The root directory's inode.
pub const ROOT: Ino = 1;

/// Nodes used this recently (in node accesses) are never evicted: one syscall's lookups
/// and the calls that use their results happen within far fewer.
const RECENT: u64 = 256;

/// A littlefs file a node holds open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handle {
    /// The open file.
    pub id: FileId,
    /// Opened for writing (else read-only).
    pub writable: bool,
}

/// What is known of a directory beyond its name.
#[derive(Debug, Default, Clone, Copy)]
pub struct DirState {
    /// Whether it may hold symlinks (its `s` attribute), once read.
    pub symlinks: Option<bool>,
    /// Its timestamps, once read or set.
    pub times: Option<[u64; 3]>,
    /// The timestamps differ from the disk's.
    pub dirty: bool,
}

/// One cached inode.
#[derive(Debug)]
pub struct Node {
    /// Its number.
    pub ino: Ino,
    /// Its directory.
    pub parent: Ino,
    /// Its name in that directory.
    pub name: Box<[u8]>,
    /// What it is.
    pub kind: Filetype,
    /// Fds open on it.
    pub open: u32,
    /// Unlinked or replaced while open: nameless, found only by its number.
    pub orphan: bool,
    /// Its open littlefs file, if any.
    pub file: Option<Handle>,
    /// Directory state (unused for the rest).
    pub dir: DirState,
    /// Cached nodes whose parent this is.
    children: u32,
    /// When last used, for eviction.
    used: u64,
    /// The next node whose (parent, name) hashes the same, if any.
    same_hash: Option<u32>,
}

/// The cache of nodes (in slots), by number and by the hash of (parent, name). Sorted
/// maps rather than hash tables: the npm package's wasm pays kilobytes per hash table
/// type, and a cache of a few thousand nodes is searched in a dozen steps either way.
pub struct Nodes {
    slots: Vec<Option<Node>>,
    free: Vec<u32>,
    by_ino: SortedMap<Ino, u32>,
    /// The first node of each name hash; the others follow `same_hash`.
    by_name: SortedMap<u64, u32>,
    clock: u64,
}

/// FNV-1a over the parent's number and the name, then a finaliser (splitmix64's) so every
/// bit of the result depends on every input bit.
fn name_hash(parent: Ino, name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parent.to_le_bytes().iter().chain(name) {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The inode number of `name` in `parent` unless taken: never 0 or the root's.
fn number(parent: Ino, name: &[u8]) -> Ino {
    name_hash(parent, name).max(ROOT + 1)
}

impl Nodes {
    /// A cache holding the root.
    pub fn new() -> Nodes {
        let mut nodes = Nodes {
            slots: Vec::new(),
            free: Vec::new(),
            by_ino: SortedMap::new(),
            by_name: SortedMap::new(),
            clock: 0,
        };
        nodes.add(Node {
            ino: ROOT,
            parent: ROOT,
            name: Box::default(),
            kind: Filetype::Directory,
            open: 0,
            orphan: false,
            file: None,
            dir: DirState::default(),
            children: 0,
            used: 0,
            same_hash: None,
        });
        nodes
    }

    /// How many nodes are cached.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    fn slot_of(&self, ino: Ino) -> Option<u32> {
        self.by_ino.get(&ino).copied()
    }

    fn node(&self, slot: u32) -> Option<&Node> {
        self.slots.get(slot as usize)?.as_ref()
    }

    fn node_mut(&mut self, slot: u32) -> Option<&mut Node> {
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    fn add(&mut self, node: Node) -> u32 {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let (ino, named) = (node.ino, node.ino != ROOT);
        self.slots[slot as usize] = Some(node);
        self.by_ino.insert(ino, slot);
        if named {
            self.index_name(slot);
        }
        slot
    }

    /// Adds `slot` to the nodes found by its (parent, name).
    fn index_name(&mut self, slot: u32) {
        let Some(n) = self.node(slot) else { return };
        let hash = name_hash(n.parent, &n.name);
        let next = self.by_name.insert(hash, slot);
        if let Some(n) = self.node_mut(slot) {
            n.same_hash = next;
        }
    }

    /// Takes `slot` out of the nodes found by its (parent, name).
    fn unindex_name(&mut self, slot: u32) {
        let Some(n) = self.node(slot) else { return };
        let (hash, after) = (name_hash(n.parent, &n.name), n.same_hash);
        let mut at = self.by_name.get(&hash).copied();
        if at == Some(slot) {
            match after {
                Some(next) => self.by_name.insert(hash, next),
                None => self.by_name.remove(&hash),
            };
            return;
        }
        while let Some(s) = at {
            let next = self.node(s).and_then(|n| n.same_hash);
            if next == Some(slot) {
                if let Some(n) = self.node_mut(s) {
                    n.same_hash = after;
                }
                return;
            }
            at = next;
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The node `ino`, marked used.
    pub fn get(&mut self, ino: Ino) -> Option<&mut Node> {
        let now = self.tick();
        let slot = self.slot_of(ino)?;
        let node = self.slots[slot as usize].as_mut()?;
        node.used = now;
        Some(node)
    }

    /// The node `ino`, without marking it used.
    pub fn peek(&self, ino: Ino) -> Option<&Node> {
        self.slots[self.slot_of(ino)? as usize].as_ref()
    }

    fn slot_named(&self, parent: Ino, name: &[u8]) -> Option<u32> {
        let mut at = self.by_name.get(&name_hash(parent, name)).copied();
        while let Some(s) = at {
            let n = self.node(s)?;
            if n.parent == parent && *n.name == *name {
                return Some(s);
            }
            at = n.same_hash;
        }
        None
    }

    /// The cached node named `name` in `parent`, marked used.
    pub fn find(&mut self, parent: Ino, name: &[u8]) -> Option<Ino> {
        let now = self.tick();
        let slot = self.slot_named(parent, name)?;
        let node = self.slots[slot as usize].as_mut()?;
        node.used = now;
        Some(node.ino)
    }

    /// The inode number `name` in `parent` has or would get, without caching it (for
    /// directory listings).
    pub fn number_of(&self, parent: Ino, name: &[u8]) -> Ino {
        match self.slot_named(parent, name) {
            Some(s) => self.slots[s as usize].as_ref().map_or(0, |n| n.ino),
            None => number(parent, name),
        }
    }

    /// Caches `name` in `parent` (which must be cached and not hold that name already).
    pub fn insert(&mut self, parent: Ino, name: &[u8], kind: Filetype) -> Ino {
        let mut ino = number(parent, name);
        while self.slot_of(ino).is_some() {
            ino = name_hash(ino, name).max(ROOT + 1);
        }
        let used = self.tick();
        if let Some(p) = self.slot_of(parent).and_then(|s| self.slots[s as usize].as_mut()) {
            p.children += 1;
        }
        self.add(Node {
            ino,
            parent,
            name: name.into(),
            kind,
            open: 0,
            orphan: false,
            file: None,
            dir: DirState::default(),
            children: 0,
            used,
            same_hash: None,
        });
        ino
    }

    fn release_parent(&mut self, slot: u32) {
        let Some(parent) = self.slots[slot as usize].as_ref().map(|n| n.parent) else { return };
        if let Some(p) = self.slot_of(parent).and_then(|s| self.slots[s as usize].as_mut()) {
            p.children = p.children.saturating_sub(1);
        }
    }

    /// Forgets `ino` (the root stays).
    pub fn remove(&mut self, ino: Ino) {
        let Some(slot) = self.slot_of(ino).filter(|_| ino != ROOT) else { return };
        let orphan = self.slots[slot as usize].as_ref().is_some_and(|n| n.orphan);
        if !orphan {
            self.unindex_name(slot);
            self.release_parent(slot);
        }
        self.by_ino.remove(&ino);
        self.slots[slot as usize] = None;
        self.free.push(slot);
    }

    /// Makes `ino` nameless: it lives on, found by number only, until [`Nodes::remove`].
    pub fn orphan(&mut self, ino: Ino) {
        let Some(slot) = self.slot_of(ino).filter(|_| ino != ROOT) else { return };
        if self.slots[slot as usize].as_ref().is_some_and(|n| n.orphan) {
            return;
        }
        self.unindex_name(slot);
        self.release_parent(slot);
        if let Some(n) = self.slots[slot as usize].as_mut() {
            n.orphan = true;
        }
    }

    /// Moves `ino` to `name` in `parent` (cached, and not holding that name).
    pub fn rename(&mut self, ino: Ino, parent: Ino, name: &[u8]) {
        let Some(slot) = self.slot_of(ino).filter(|_| ino != ROOT) else { return };
        self.unindex_name(slot);
        self.release_parent(slot);
        if let Some(p) = self.slot_of(parent).and_then(|s| self.slots[s as usize].as_mut()) {
            p.children += 1;
        }
        if let Some(n) = self.slots[slot as usize].as_mut() {
            n.parent = parent;
            n.name = name.into();
        }
        self.index_name(slot);
    }

    /// Writes the littlefs path of `ino` into `out`; `ENOENT` for an orphan or an inode
    /// not cached.
    pub fn path(&self, ino: Ino, out: &mut CPath) -> Result<(), Errno> {
        let mut names: Vec<&[u8]> = Vec::new();
        let mut at = ino;
        while at != ROOT {
            let n = self.peek(at).filter(|n| !n.orphan).ok_or(Errno::NOENT)?;
            names.push(&n.name);
            at = n.parent;
        }
        out.clear();
        for name in names.iter().rev() {
            out.push(name);
        }
        Ok(())
    }

    /// Nodes that may be evicted: not the root, not open, holding no file and no cached
    /// child, not used recently, their directory state clean unless `dirty_too`.
    pub fn evictable(&self, dirty_too: bool) -> Vec<Ino> {
        let recent = self.clock.saturating_sub(RECENT);
        self.slots
            .iter()
            .flatten()
            .filter(|n| {
                n.ino != ROOT
                    && n.open == 0
                    && n.children == 0
                    && n.file.is_none()
                    && !n.orphan
                    && n.used < recent
                    && (dirty_too || !n.dir.dirty)
            })
            .map(|n| n.ino)
            .collect()
    }

    /// Every cached directory whose timestamps differ from the disk's.
    pub fn dirty_dirs(&self) -> Vec<Ino> {
        self.slots.iter().flatten().filter(|n| n.dir.dirty && !n.orphan).map(|n| n.ino).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_paths() {
        let mut n = Nodes::new();
        let a = n.insert(ROOT, b"a", Filetype::Directory);
        let b = n.insert(a, b"b", Filetype::RegularFile);
        assert_eq!(n.find(a, b"b"), Some(b));
        assert_eq!(n.number_of(a, b"b"), b);
        assert_eq!(n.number_of(a, b"c"), number(a, b"c"));
        let mut p = CPath::root();
        n.path(b, &mut p).unwrap();
        assert_eq!(p.bytes(), b"/a/b");
        // The same name gets the same number again once forgotten.
        n.remove(b);
        assert_eq!(n.find(a, b"b"), None);
        assert_eq!(n.insert(a, b"b", Filetype::RegularFile), b);
        // A renamed node keeps its number; its old name's number goes to a newcomer only
        // once the renamed node is gone.
        n.rename(b, ROOT, b"moved");
        n.path(b, &mut p).unwrap();
        assert_eq!(p.bytes(), b"/moved");
        let again = n.insert(a, b"b", Filetype::RegularFile);
        assert_ne!(again, b, "a live node keeps its number");
        assert_eq!(n.find(a, b"b"), Some(again));
        n.orphan(again);
        assert_eq!(n.find(a, b"b"), None);
        assert_eq!(n.path(again, &mut p), Err(Errno::NOENT));
        assert!(n.get(again).is_some(), "an orphan is found by number");
        n.remove(again);
        assert_eq!(n.len(), 3);
    }

    #[test]
    fn parents_stay_while_children_do() {
        let mut n = Nodes::new();
        let a = n.insert(ROOT, b"a", Filetype::Directory);
        let b = n.insert(a, b"b", Filetype::Directory);
        for _ in 0..RECENT + 1 {
            n.get(ROOT);
        }
        assert_eq!(n.evictable(false), [b], "a has a child");
        n.get(b).unwrap().open = 1;
        assert!(n.evictable(false).is_empty());
        n.get(b).unwrap().open = 0;
        n.remove(b);
        for _ in 0..RECENT + 1 {
            n.get(ROOT);
        }
        assert_eq!(n.evictable(false), [a]);
    }
}
