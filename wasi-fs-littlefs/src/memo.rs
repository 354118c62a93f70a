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
//! The memo is a cache of what a fetch computes from a pair's blocks, and littlefs tells
//! it before it programs or erases a block, so a remembered pair is always what fetching
//! it again would give. At most [`MAX_PAIRS`] are kept, with their greatest names (at most
//! 255 bytes each).

use alloc::boxed::Box;
use core::ffi::c_void;
use core::slice;

use littlefs2_sys as ll;
use wasi_core::SortedMap;

/// The most pairs remembered: with 4 KiB blocks, directories of ~40,000 entries in all.
/// Past it the memo starts again, empty.
pub const MAX_PAIRS: usize = 1024;

/// A pair as littlefs asked for it (the order matters to a fetch).
type Pair = [ll::lfs_block_t; 2];

/// What fetching a pair gave.
struct Known {
    dir: ll::lfs_mdir_t,
    /// The greatest of its names, in littlefs's order; `None` if it held none.
    max: Option<Box<[u8]>>,
}

/// The remembered pairs.
#[derive(Default)]
pub struct Memo {
    pairs: SortedMap<Pair, Known>,
    /// Each block of a remembered pair, and that pair.
    blocks: SortedMap<ll::lfs_block_t, Pair>,
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
            keep: Some(keep),
            forget: Some(forget),
        }
    }

    fn forget_block(&mut self, block: ll::lfs_block_t) {
        if let Some(pair) = self.blocks.remove(&block) {
            self.pairs.remove(&pair);
            // The pair's other block (gone already when both are the same block).
            self.blocks.remove(&pair[(pair[0] == block) as usize]);
        }
    }

    fn keep(&mut self, pair: Pair, dir: ll::lfs_mdir_t, max: Option<&[u8]>) {
        // A block is in one remembered pair at most (a damaged image may link it twice).
        self.forget_block(pair[0]);
        self.forget_block(pair[1]);
        if self.pairs.len() >= MAX_PAIRS {
            self.clear();
        }
        self.pairs.insert(pair, Known { dir, max: max.map(Box::from) });
        self.blocks.insert(pair[0], pair);
        self.blocks.insert(pair[1], pair);
    }
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
}
