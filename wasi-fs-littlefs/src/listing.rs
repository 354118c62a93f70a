//! Directory listings in progress, and the cookies that resume them.
//!
//! A listing is a snapshot of a directory's entries, taken when a guest starts reading it
//! (cookie 0). A cookie names a snapshot and a position in it, so resuming costs no walk of
//! littlefs, and the cookie stays valid while entries come and go: a removed entry is
//! marked, not taken out, and an entry added later simply is not in this snapshot (POSIX
//! leaves both open). Only a few snapshots are kept, so memory follows the directories
//! being listed now; a cookie of a snapshot that is gone resumes at its position in a new
//! one.

use alloc::boxed::Box;
use alloc::vec::Vec;
use wasi_core::wasi_abi::Filetype;
use wasi_core::Ino;

/// Snapshots kept at once (a guest walking a tree lists one directory per level).
const KEPT: usize = 4;

/// One entry of a snapshot.
#[derive(Debug)]
pub struct Entry {
    /// Its name.
    pub name: Box<[u8]>,
    /// What it is.
    pub kind: Filetype,
    /// Removed since the snapshot was taken.
    pub gone: bool,
}

/// A directory's entries as they were when its listing started, sorted by name.
struct Snapshot {
    dir: Ino,
    id: u32,
    /// An entry was added to the directory since: a new listing needs a new snapshot.
    stale: bool,
    entries: Vec<Entry>,
}

/// The snapshots kept, most recently used last.
#[derive(Default)]
pub struct Listings {
    snapshots: Vec<Snapshot>,
    next_id: u32,
}

/// The cookie resuming after position `pos` (1-based) of snapshot `id`.
fn cookie(id: u32, pos: usize) -> u64 {
    (u64::from(id) << 32) | pos as u64
}

impl Listings {
    /// The snapshot and the position (0-based) a listing of `dir` from `cookie` resumes
    /// at, if a snapshot serves it; `None` means: take a new one and call `start`.
    pub fn resume(&mut self, dir: Ino, cookie: u64) -> Option<(usize, usize)> {
        let (id, pos) = ((cookie >> 32) as u32, (cookie & 0xffff_ffff) as usize);
        let at = self
            .snapshots
            .iter()
            .position(|s| s.dir == dir && if cookie == 0 { !s.stale } else { s.id == id && pos <= s.entries.len() })?;
        let s = self.snapshots.remove(at);
        self.snapshots.push(s);
        Some((self.snapshots.len() - 1, if cookie == 0 { 0 } else { pos }))
    }

    /// Keeps a new snapshot of `dir` (entries sorted by name) and returns where a listing
    /// from `cookie` starts in it: a cookie from a snapshot that is gone resumes at its
    /// position.
    pub fn start(&mut self, dir: Ino, cookie: u64, entries: Vec<Entry>) -> (usize, usize) {
        if self.snapshots.len() == KEPT {
            self.snapshots.remove(0);
        }
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let pos = ((cookie & 0xffff_ffff) as usize).min(entries.len());
        self.snapshots.push(Snapshot { dir, id: self.next_id, stale: false, entries });
        (self.snapshots.len() - 1, pos)
    }

    /// The entries of snapshot `at` from position `from`, each with the cookie that
    /// resumes after it; removed entries are skipped.
    pub fn entries(&self, at: usize, from: usize) -> impl Iterator<Item = (&Entry, u64)> {
        let s = &self.snapshots[at];
        s.entries.iter().enumerate().skip(from).filter(|(_, e)| !e.gone).map(|(i, e)| (e, cookie(s.id, i + 1)))
    }

    /// `name` left `dir`.
    pub fn removed(&mut self, dir: Ino, name: &[u8]) {
        for s in self.snapshots.iter_mut().filter(|s| s.dir == dir) {
            if let Ok(i) = s.entries.binary_search_by(|e| (*e.name).cmp(name)) {
                s.entries[i].gone = true;
            }
        }
    }

    /// An entry was added to `dir`.
    pub fn added(&mut self, dir: Ino) {
        for s in self.snapshots.iter_mut().filter(|s| s.dir == dir) {
            s.stale = true;
        }
    }

    /// `dir` itself is gone.
    pub fn forget(&mut self, dir: Ino) {
        self.snapshots.retain(|s| s.dir != dir);
    }
}

/// Sorts a directory's entries by name. littlefs 2.6 and later keep a directory sorted,
/// so this moves nothing; a disk from an older writer may need it. (An insertion sort: the
/// library sorts cost the npm package's wasm kilobytes.)
pub fn sort(entries: &mut [Entry]) {
    for i in 1..entries.len() {
        if entries[i - 1].name <= entries[i].name {
            continue;
        }
        let at = entries[..i].partition_point(|e| e.name <= entries[i].name);
        entries[at..=i].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn entries(names: &[&str]) -> Vec<Entry> {
        names.iter().map(|n| Entry { name: n.as_bytes().into(), kind: Filetype::RegularFile, gone: false }).collect()
    }

    fn names(l: &Listings, at: usize, from: usize) -> Vec<(String, u64)> {
        l.entries(at, from).map(|(e, c)| (String::from_utf8(e.name.to_vec()).unwrap(), c)).collect()
    }

    #[test]
    fn cookies_survive_changes_and_snapshots_are_few() {
        let mut l = Listings::default();
        assert_eq!(l.resume(7, 0), None);
        let (at, from) = l.start(7, 0, entries(&["a", "b", "c"]));
        let all = names(&l, at, from);
        assert_eq!(all.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        l.removed(7, b"b");
        l.added(7);
        let (at, from) = l.resume(7, all[0].1).unwrap();
        assert_eq!(names(&l, at, from).iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["c"]);
        assert_eq!(l.resume(7, 0), None, "stale: a new listing sees the new entry");
        for dir in 10..10 + KEPT as u64 {
            l.start(dir, 0, entries(&["x"]));
        }
        assert_eq!(l.snapshots.len(), KEPT);
        assert_eq!(l.resume(7, all[0].1), None, "evicted");
        let (at, from) = l.start(7, all[0].1, entries(&["a", "c", "d"]));
        assert_eq!(names(&l, at, from)[0].0, "c", "resumes at the old position");
        l.forget(7);
        assert!(l.snapshots.iter().all(|s| s.dir != 7));
    }

    #[test]
    fn sorts_unsorted_listings() {
        let mut e = entries(&["c", "a", "b", "a2"]);
        sort(&mut e);
        assert_eq!(e.iter().map(|e| &*e.name).collect::<Vec<_>>(), [&b"a"[..], b"a2", b"b", b"c"]);
    }
}
