//! Metadata pairs littlefs has fetched, remembered until a block of them changes (our
//! littlefs's `lfs_memo_t`, see vendor/littlefs2-sys/VENDORED.md).
//!
//! A littlefs directory is a chain of metadata pairs with its names sorted across them, and
//! littlefs finds a name by fetching, and checking the CRC of, every pair of the chain up
//! to the name's own: a create or a lookup in a directory of n entries costs O(n) block
//! reads. With what each pair held when last fetched (its state and its greatest name),
//! littlefs steps over every pair whose names all sort before the one it looks for, and
//! reads only the pair that holds, or will hold, the name.
//!
//! Stepping over pairs one by one still costs a lookup per pair, so the remembered pairs
//! of a directory's chain are also kept in order, from the directory's first pair, as a
//! *finger*: each with the greatest name of it and the pairs before it, so that a lookup
//! finds the first pair that may hold its name by binary search.
//!
//! A lookup that finds its name in a pair still reads the pair; the names found in each
//! pair are remembered too (a few per pair), so that looking up a path again reads
//! nothing of the directories above the last name.
//!
//! The memo is a cache of what a fetch computes from a pair's blocks, and littlefs tells
//! it before it programs or erases a block, so a remembered pair is always what fetching
//! it again would give. At most [`MAX_PAIRS`] are kept, in at most [`MAX_FINGERS`]
//! fingers, holding at most [`MAX_NAME_BYTES`] of names: about 1 MiB at most (~190 bytes
//! a pair besides its names).

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::ffi::c_void;
use core::slice;

use littlefs2_sys as ll;
use wasi_core::SortedMap;

/// The most pairs remembered: with 4 KiB blocks, directories of ~180,000 entries in all,
/// and every pair of a 32 MiB disk. Past it the memo starts again, empty.
pub const MAX_PAIRS: usize = 4096;

/// The most fingers kept; a new one past it replaces the one with the lowest first pair.
pub const MAX_FINGERS: usize = 16;

/// The most names remembered as found in a pair; a new one past it replaces the oldest.
pub const MAX_HITS: usize = 4;

/// The most bytes of names held (greatest names and found names): past it a found name
/// is not remembered, and a pair makes the memo start again, empty.
pub const MAX_NAME_BYTES: usize = 256 * 1024;

/// A pair as littlefs asked for it (the order matters to a fetch).
type Pair = [ll::lfs_block_t; 2];

/// A name, shared by a pair and the finger steps it is the greatest name of.
type Name = Rc<[u8]>;

/// What fetching a pair gave.
struct Known {
    dir: ll::lfs_mdir_t,
    /// The greatest of its names, in littlefs's order; `None` if it held none.
    max: Option<Name>,
    /// Its finger (named by the finger's first pair) and its place in it.
    at: Option<(Pair, usize)>,
    /// Names a fetch of it found, each with the tag it found (a path's directories are
    /// found again at each lookup under them), the newest last.
    hits: Vec<(Name, i32)>,
}

impl Known {
    /// The bytes of names it holds.
    fn name_bytes(&self) -> usize {
        self.max.as_ref().map_or(0, |m| m.len()) + self.hits.iter().map(|h| h.0.len()).sum::<usize>()
    }
}

/// A pair of a finger, and the greatest name of it and the pairs before it.
struct Step {
    pair: Pair,
    upto: Option<Name>,
}

/// The remembered pairs.
#[derive(Default)]
pub struct Memo {
    /// Boxed, so that making room in the map moves pointers, not states.
    pairs: SortedMap<Pair, Box<Known>>,
    /// Each block of a remembered pair, and that pair.
    blocks: SortedMap<ll::lfs_block_t, Pair>,
    /// Runs of remembered pairs along directories' chains, by their first pair.
    fingers: SortedMap<Pair, Vec<Step>>,
    /// The bytes of names the pairs hold (`Known::name_bytes`).
    name_bytes: usize,
}

/// littlefs's order of names (`lfs_memo_cmp`).
fn order(a: &[u8], b: &[u8]) -> Ordering {
    // SAFETY: both slices are valid for their lengths.
    let c = unsafe { ll::lfs_memo_cmp(a.as_ptr(), a.len() as ll::lfs_size_t, b.as_ptr(), b.len() as ll::lfs_size_t) };
    c.cmp(&0)
}

/// The greater of two greatest names (`None`: no name).
fn greater(a: &Option<Name>, b: &Option<Name>) -> Option<Name> {
    match (a, b) {
        (Some(x), Some(y)) if order(x, y) == Ordering::Less => Some(y.clone()),
        (Some(x), _) => Some(x.clone()),
        (None, y) => y.clone(),
    }
}

/// Whether a pair (or run of pairs) whose greatest name is `max` holds only names below
/// `name`: then a fetch looking for `name` finds nothing in it, and no greater name.
fn below(max: &Option<Name>, name: &[u8]) -> bool {
    max.as_ref().is_none_or(|m| order(m, name) == Ordering::Less)
}

impl Memo {
    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Memo::default();
    }

    /// How many pairs are remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// The hooks littlefs calls, on this memo, which must not move while littlefs holds
    /// them.
    pub fn hooks(&mut self) -> ll::lfs_memo_t {
        ll::lfs_memo_t {
            ctx: self as *mut Memo as *mut c_void,
            recall: Some(recall),
            skip: Some(skip),
            hit: Some(hit),
            found: Some(found),
            keep: Some(keep),
            forget: Some(forget),
        }
    }

    fn forget_block(&mut self, block: ll::lfs_block_t) {
        if let Some(pair) = self.blocks.remove(&block) {
            if let Some(known) = self.pairs.remove(&pair) {
                self.name_bytes -= known.name_bytes();
                if let Some((head, i)) = known.at {
                    self.cut(head, i);
                }
            }
            // The pair's other block (gone already when both are the same block).
            self.blocks.remove(&pair[(pair[0] == block) as usize]);
        }
    }

    /// Ends finger `head` before its step `i`.
    fn cut(&mut self, head: Pair, i: usize) {
        let Some(finger) = self.fingers.get_mut(&head) else { return };
        for step in finger.drain(i..) {
            if let Some(k) = self.pairs.get_mut(&step.pair) {
                k.at = None;
            }
        }
        if finger.is_empty() {
            self.fingers.remove(&head);
        }
    }

    fn keep(&mut self, pair: Pair, dir: ll::lfs_mdir_t, max: Option<&[u8]>) {
        // A block is in one remembered pair at most (a damaged image may link it twice).
        self.forget_block(pair[0]);
        self.forget_block(pair[1]);
        let bytes = max.map_or(0, <[u8]>::len);
        if self.pairs.len() >= MAX_PAIRS || self.name_bytes + bytes > MAX_NAME_BYTES {
            self.clear();
        }
        self.name_bytes += bytes;
        self.pairs.insert(pair, Box::new(Known { dir, max: max.map(Rc::from), at: None, hits: Vec::new() }));
        self.blocks.insert(pair[0], pair);
        self.blocks.insert(pair[1], pair);
    }

    /// Remembers that a fetch of `pair` looking for `name` found it as `tag`.
    fn found(&mut self, pair: Pair, name: &[u8], tag: i32) {
        let Some(known) = self.pairs.get_mut(&pair) else { return };
        if let Some(i) = known.hits.iter().position(|h| *h.0 == *name) {
            self.name_bytes -= known.hits.remove(i).0.len();
        } else if self.name_bytes + name.len() > MAX_NAME_BYTES {
            return;
        }
        if known.hits.len() >= MAX_HITS {
            self.name_bytes -= known.hits.remove(0).0.len();
        }
        self.name_bytes += name.len();
        known.hits.push((Rc::from(name), tag));
    }

    /// The state of the last of the remembered pairs from `start` on, along the
    /// directory's chain, that hold only names below `name`, if `start` is one: the pairs a
    /// lookup of `name` can step over.
    fn skip(&mut self, start: Pair, name: &[u8]) -> Option<ll::lfs_mdir_t> {
        match self.pairs.get(&start)?.at {
            // Inside another's finger (the lookup stopped before this pair): step along it.
            Some((head, i)) if head != start => {
                let mut last = None;
                for step in &self.fingers.get(&head)?[i..] {
                    let k = self.pairs.get(&step.pair)?;
                    if !below(&k.max, name) {
                        break;
                    }
                    last = Some(k.dir);
                }
                return last;
            }
            Some(_) => {}
            None => self.begin_finger(start),
        }
        let finger = self.fingers.get(&start)?;
        let n = finger.partition_point(|s| below(&s.upto, name));
        if n < finger.len() {
            return (n > 0).then(|| self.pairs.get(&finger[n - 1].pair).map(|k| k.dir))?;
        }
        self.extend(start, name)
    }

    /// A finger holding only `start`.
    fn begin_finger(&mut self, start: Pair) {
        if self.fingers.len() >= MAX_FINGERS {
            let first = *self.fingers.iter().next().expect("a finger").0;
            self.cut(first, 0);
        }
        let Some(k) = self.pairs.get_mut(&start) else { return };
        k.at = Some((start, 0));
        self.fingers.insert(start, alloc::vec![Step { pair: start, upto: k.max.clone() }]);
    }

    /// Lengthens finger `head`, all of whose pairs hold only names below `name`, along the
    /// chain while the next pair is remembered, up to the first that may hold `name`;
    /// returns the state of the last pair below it.
    fn extend(&mut self, head: Pair, name: &[u8]) -> Option<ll::lfs_mdir_t> {
        loop {
            let finger = self.fingers.get_mut(&head)?;
            let last = finger.last()?;
            let dir = self.pairs.get(&last.pair)?.dir;
            // The directory's last pair: its tail is the next directory's.
            if !dir.split {
                return Some(dir);
            }
            let next = match self.pairs.get_mut(&dir.tail) {
                // Not in a finger already (another's, or this one's in a damaged chain).
                Some(k) if k.at.is_none() => k,
                _ => return Some(dir),
            };
            let upto = greater(&last.upto, &next.max);
            next.at = Some((head, finger.len()));
            let stop = !below(&upto, name);
            finger.push(Step { pair: dir.tail, upto });
            if stop {
                return Some(dir);
            }
        }
    }
}

/// `lfs_memo_t::hit`.
unsafe extern "C" fn hit(
    ctx: *mut c_void,
    pair: *const ll::lfs_block_t,
    name: *const u8,
    len: ll::lfs_size_t,
    tag: *mut i32,
) -> bool {
    // SAFETY: as in `recall`; `name` points to `len` bytes.
    unsafe {
        let memo = &*(ctx as *const Memo);
        let name = slice::from_raw_parts(name, len as usize);
        let Some(&(_, found)) = memo.pairs.get(&pair_at(pair)).and_then(|k| k.hits.iter().find(|h| *h.0 == *name))
        else {
            return false;
        };
        *tag = found;
        true
    }
}

/// `lfs_memo_t::found`.
unsafe extern "C" fn found(
    ctx: *mut c_void,
    pair: *const ll::lfs_block_t,
    name: *const u8,
    len: ll::lfs_size_t,
    tag: i32,
) {
    // SAFETY: as in `hit`.
    unsafe { (*(ctx as *mut Memo)).found(pair_at(pair), slice::from_raw_parts(name, len as usize), tag) }
}

/// Reads a pair littlefs passes.
///
/// # Safety
/// `pair` points to two blocks.
unsafe fn pair_at(pair: *const ll::lfs_block_t) -> Pair {
    // SAFETY: as the caller promises.
    unsafe { [*pair, *pair.add(1)] }
}

/// `lfs_memo_t::recall`.
unsafe extern "C" fn recall(
    ctx: *mut c_void,
    pair: *const ll::lfs_block_t,
    dir: *mut ll::lfs_mdir_t,
    max: *mut *const u8,
    len: *mut ll::lfs_size_t,
) -> bool {
    // SAFETY: `ctx` is the memo that made the hooks (`Memo::hooks`) and littlefs passes a
    // pair and places for the results; the name stays put until the memo next changes,
    // which littlefs only asks for after it is done with the name.
    unsafe {
        let memo = &*(ctx as *const Memo);
        let Some(known) = memo.pairs.get(&pair_at(pair)) else { return false };
        *dir = known.dir;
        match &known.max {
            Some(name) => {
                *max = name.as_ptr();
                *len = name.len() as ll::lfs_size_t;
            }
            None => *max = core::ptr::null(),
        }
        true
    }
}

/// `lfs_memo_t::skip`.
unsafe extern "C" fn skip(
    ctx: *mut c_void,
    pair: *const ll::lfs_block_t,
    name: *const u8,
    len: ll::lfs_size_t,
    dir: *mut ll::lfs_mdir_t,
) -> bool {
    // SAFETY: as in `recall`; `name` points to `len` bytes.
    unsafe {
        let found = (*(ctx as *mut Memo)).skip(pair_at(pair), slice::from_raw_parts(name, len as usize));
        if let Some(found) = found {
            *dir = found;
        }
        found.is_some()
    }
}

/// `lfs_memo_t::keep`.
unsafe extern "C" fn keep(
    ctx: *mut c_void,
    pair: *const ll::lfs_block_t,
    dir: *const ll::lfs_mdir_t,
    max: *const u8,
    len: ll::lfs_size_t,
) {
    // SAFETY: as in `recall`; `max`, when not null, points to `len` bytes.
    unsafe {
        let max = (!max.is_null()).then(|| slice::from_raw_parts(max, len as usize));
        (*(ctx as *mut Memo)).keep(pair_at(pair), *dir, max);
    }
}

/// `lfs_memo_t::forget`.
unsafe extern "C" fn forget(ctx: *mut c_void, block: ll::lfs_block_t) {
    // SAFETY: as in `recall`.
    unsafe { (*(ctx as *mut Memo)).forget_block(block) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(count: u16) -> ll::lfs_mdir_t {
        ll::lfs_mdir_t { count, ..Default::default() }
    }

    /// A pair of a directory's chain: its state points at `tail` (the next pair of the
    /// directory when `split`).
    fn linked(count: u16, tail: Pair, split: bool) -> ll::lfs_mdir_t {
        ll::lfs_mdir_t { count, tail, split, ..Default::default() }
    }

    fn recalled(m: &mut Memo, pair: Pair) -> Option<(u16, Option<alloc::vec::Vec<u8>>)> {
        let hooks = m.hooks();
        let (mut d, mut max, mut len) = (dir(0), core::ptr::null(), 0);
        // SAFETY: the hooks are this memo's, which stays put; the results are read only
        // while it does not change.
        unsafe {
            hooks.recall.unwrap()(hooks.ctx, pair.as_ptr(), &mut d, &mut max, &mut len)
                .then(|| (d.count, (!max.is_null()).then(|| slice::from_raw_parts(max, len as usize).to_vec())))
        }
    }

    #[test]
    fn a_pair_is_forgotten_when_either_block_changes() {
        let mut m = Memo::default();
        m.keep([2, 3], dir(5), Some(b"max"));
        m.keep([7, 6], dir(1), None);
        assert_eq!(recalled(&mut m, [2, 3]), Some((5, Some(b"max".to_vec()))));
        assert_eq!(recalled(&mut m, [3, 2]), None, "asked the other way round: not the same fetch");
        assert_eq!(recalled(&mut m, [7, 6]), Some((1, None)));
        m.forget_block(3);
        assert_eq!(recalled(&mut m, [2, 3]), None);
        assert_eq!(m.blocks.len(), 2, "block 2 went with its pair");
        m.forget_block(7);
        assert_eq!((m.len(), m.blocks.len()), (0, 0));
    }

    #[test]
    fn a_block_is_in_one_pair_at_most() {
        let mut m = Memo::default();
        m.keep([2, 3], dir(5), None);
        m.keep([3, 4], dir(6), None);
        assert_eq!(recalled(&mut m, [2, 3]), None);
        assert_eq!(recalled(&mut m, [3, 4]).map(|r| r.0), Some(6));
        m.keep([9, 9], dir(1), None);
        m.forget_block(9);
        assert_eq!((m.len(), m.blocks.len()), (1, 2));
    }

    #[test]
    fn the_memo_starts_again_when_full() {
        let mut m = Memo::default();
        for b in 0..MAX_PAIRS as u32 {
            m.keep([2 * b, 2 * b + 1], dir(1), None);
        }
        assert_eq!(m.len(), MAX_PAIRS);
        m.keep([u32::MAX - 1, u32::MAX], dir(1), None);
        assert_eq!((m.len(), m.blocks.len()), (1, 2));
    }

    /// A directory of pairs [0,1] → [2,3] → … → [18,19], pair i holding names up to
    /// `b"n{i}"`, the last one's tail pointing at another directory's [100,101].
    fn chain(m: &mut Memo) {
        for i in 0..10u32 {
            let tail = if i == 9 { [100, 101] } else { [2 * i + 2, 2 * i + 3] };
            m.keep([2 * i, 2 * i + 1], linked(i as u16, tail, i < 9), Some(alloc::format!("n{i}").as_bytes()));
        }
        m.keep([100, 101], linked(100, [0, 0], false), Some(b"a"));
    }

    #[test]
    fn skip_steps_to_the_pair_before_the_names_own() {
        let mut m = Memo::default();
        chain(&mut m);
        let count = |d: Option<ll::lfs_mdir_t>| d.map(|d| d.count);
        // littlefs sorts a name after the longer names it begins: n3 < n45 < n4.
        assert_eq!(count(m.skip([0, 1], b"n45")), Some(3), "pair 4 may hold it");
        assert_eq!(m.fingers.get(&[0, 1]).map(Vec::len), Some(5), "the finger reaches pair 4");
        assert_eq!(count(m.skip([0, 1], b"n2")), Some(1), "found in the finger by binary search");
        assert_eq!(count(m.skip([0, 1], b"n0")), None, "pair 0 may hold it");
        assert_eq!(count(m.skip([0, 1], b"z")), Some(9), "past every name: the directory's last pair");
        assert_eq!(m.fingers.get(&[0, 1]).map(Vec::len), Some(10), "and not into the next directory");
        assert_eq!(count(m.skip([10, 11], b"n75")), Some(6), "from inside the finger");
        assert_eq!(count(m.skip([10, 11], b"n45")), None);
        assert_eq!(count(m.skip([40, 41], b"z")), None, "not remembered");
    }

    #[test]
    fn a_finger_ends_where_a_pair_changes() {
        let mut m = Memo::default();
        chain(&mut m);
        assert_eq!(m.skip([0, 1], b"z").map(|d| d.count), Some(9));
        m.forget_block(9);
        assert_eq!(m.fingers.get(&[0, 1]).map(Vec::len), Some(4), "pairs 0 to 3 are left");
        assert_eq!(m.skip([0, 1], b"z").map(|d| d.count), Some(3), "pair 4 is no longer known");
        m.keep([8, 9], linked(40, [10, 11], true), Some(b"n4"));
        assert_eq!(m.skip([0, 1], b"z").map(|d| d.count), Some(9), "pair 4 is back, and those after it");
        m.forget_block(0);
        assert!(m.fingers.is_empty());
        assert!(m.pairs.values().all(|k| k.at.is_none()));
    }

    fn hit_of(m: &mut Memo, pair: Pair, name: &[u8]) -> Option<i32> {
        let hooks = m.hooks();
        let mut tag = 0;
        // SAFETY: the hooks are this memo's, which stays put; `name` is a slice.
        unsafe {
            hooks.hit.unwrap()(hooks.ctx, pair.as_ptr(), name.as_ptr(), name.len() as u32, &mut tag).then_some(tag)
        }
    }

    fn find(m: &mut Memo, pair: Pair, name: &[u8], tag: i32) {
        let hooks = m.hooks();
        // SAFETY: as in `hit_of`.
        unsafe { hooks.found.unwrap()(hooks.ctx, pair.as_ptr(), name.as_ptr(), name.len() as u32, tag) }
    }

    #[test]
    fn found_names_are_few_and_go_with_their_pair() {
        let mut m = Memo::default();
        find(&mut m, [2, 3], b"a", 1);
        assert_eq!(hit_of(&mut m, [2, 3], b"a"), None, "only in remembered pairs");
        m.keep([2, 3], dir(5), Some(b"z"));
        for (i, name) in [b"a", b"b", b"c", b"d", b"e"].iter().enumerate() {
            find(&mut m, [2, 3], *name, i as i32);
        }
        find(&mut m, [2, 3], b"c", 9);
        assert_eq!(hit_of(&mut m, [2, 3], b"a"), None, "the oldest went");
        assert_eq!(hit_of(&mut m, [2, 3], b"b"), Some(1), "c found again took no other's place");
        assert_eq!(hit_of(&mut m, [2, 3], b"c"), Some(9));
        assert_eq!(hit_of(&mut m, [2, 3], b"e"), Some(4));
        assert_eq!(hit_of(&mut m, [2, 3], b"ee"), None);
        m.forget_block(2);
        m.keep([2, 3], dir(5), Some(b"z"));
        assert_eq!(hit_of(&mut m, [2, 3], b"e"), None, "forgotten with the pair");
    }

    #[test]
    fn names_held_are_bounded() {
        let mut m = Memo::default();
        let long = [b'n'; 255];
        let mut kept = 0u32;
        while m.pairs.len() as u32 == kept {
            m.keep([2 * kept, 2 * kept + 1], dir(1), Some(&long));
            kept += 1;
        }
        assert_eq!(kept as usize, MAX_NAME_BYTES / 255 + 1, "the pair past the budget started the memo again");
        assert_eq!((m.len(), m.name_bytes), (1, 255));
        let last = [2 * (kept - 1), 2 * (kept - 1) + 1];
        for i in 0..10u8 {
            find(&mut m, last, &[i; 200], 1);
        }
        assert_eq!(m.name_bytes, 255 + MAX_HITS * 200, "the oldest found names went");
        m.forget_block(last[0]);
        assert_eq!(m.name_bytes, 0);
    }

    #[test]
    fn fingers_are_few() {
        let mut m = Memo::default();
        for i in 0..(MAX_FINGERS as u32 + 4) {
            m.keep([2 * i, 2 * i + 1], linked(1, [0, 0], false), None);
            assert!(m.skip([2 * i, 2 * i + 1], b"z").is_some());
        }
        assert_eq!(m.fingers.len(), MAX_FINGERS);
        assert_eq!(m.pairs.values().filter(|k| k.at.is_some()).count(), MAX_FINGERS);
    }
}
