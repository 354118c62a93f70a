//! The quota: every allocation the filesystem makes for a guest goes through one
//! [`QuotaAlloc`], which charges it (its size plus the allocator's own overhead) before it
//! happens and refuses it past the limit. So what is charged is what the host holds —
//! names, inodes, directory tables, chunk tables, file data, the spare capacity of every
//! table, and both buffers while one grows — and a guest runs out of quota (`ENOSPC`)
//! before the host runs out of memory.

use alloc::alloc::{alloc, dealloc, realloc, Layout};
use alloc::rc::Rc;
use core::cell::Cell;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator};
use wasi_core::Errno;

/// What an allocation costs the host beyond its bytes: the allocator's header and
/// rounding (dlmalloc keeps a word of header and aligns to 8 bytes, glibc 16).
pub const OVERHEAD: u64 = 16;

/// Allocations up to this size are counted as a whole power of two: allocators serve
/// small blocks from size classes (the npm package's heap does, up to 1 KiB).
const SMALL: usize = 1024;

/// What `bytes` of allocation cost against the quota.
const fn cost(bytes: usize) -> u64 {
    if bytes <= SMALL {
        return (if bytes < 16 { 16 } else { bytes.next_power_of_two() }) as u64 + OVERHEAD;
    }
    (bytes as u64).div_ceil(8) * 8 + OVERHEAD
}

/// Bytes charged and the limit, shared by every table of one filesystem.
#[derive(Debug)]
struct Meter {
    used: Cell<u64>,
    limit: u64,
}

/// The allocator of a filesystem's tables, charging its quota. Cloning it shares the quota.
#[derive(Debug, Clone)]
pub struct QuotaAlloc(Rc<Meter>);

/// A vector whose memory is charged to the quota.
pub type QVec<T> = allocator_api2::vec::Vec<T, QuotaAlloc>;

impl QuotaAlloc {
    /// A quota of `limit` bytes, none used.
    pub fn new(limit: u64) -> Self {
        QuotaAlloc(Rc::new(Meter { used: Cell::new(0), limit }))
    }

    /// Bytes charged now.
    pub fn used(&self) -> u64 {
        self.0.used.get()
    }

    /// An empty vector charged to this quota.
    pub fn vec<T>(&self) -> QVec<T> {
        QVec::new_in(self.clone())
    }

    fn take(&self, bytes: u64) -> Result<(), AllocError> {
        let used = self.0.used.get().checked_add(bytes).filter(|u| *u <= self.0.limit).ok_or(AllocError)?;
        self.0.used.set(used);
        Ok(())
    }

    fn give(&self, bytes: u64) {
        self.0.used.set(self.0.used.get().saturating_sub(bytes));
    }
}

/// A reservation that failed (quota or memory): to the guest, the filesystem is full.
pub fn full<E>(_: E) -> Errno {
    Errno::NOSPC
}

// SAFETY: every block comes from the global allocator with the layout it is later freed
// or resized with (the caller's, as `Allocator` requires), and is only charged or refunded
// around those calls: the quota is bookkeeping and never touches the memory.
unsafe impl Allocator for QuotaAlloc {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.take(cost(layout.size()))?;
        // SAFETY: `Allocator` is never asked for a zero-sized layout by the collections
        // used here, and `alloc` is given a valid layout.
        match NonNull::new(unsafe { alloc(layout) }) {
            Some(p) => Ok(NonNull::slice_from_raw_parts(p, layout.size())),
            None => {
                self.give(cost(layout.size()));
                Err(AllocError)
            }
        }
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller passes a block of ours with its layout.
        unsafe { dealloc(ptr.as_ptr(), layout) };
        self.give(cost(layout.size()));
    }

    unsafe fn grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Result<NonNull<[u8]>, AllocError> {
        // Both blocks may exist at once while the contents move: charge the new one first.
        self.take(cost(new.size()))?;
        let moved = if old.align() == new.align() {
            // SAFETY: a block of ours with layout `old`, resized to a larger valid size.
            NonNull::new(unsafe { realloc(ptr.as_ptr(), old, new.size()) })
        } else {
            // SAFETY: `new` is a valid layout; on success the old contents are copied in
            // and the old block freed, as `grow` requires.
            NonNull::new(unsafe { alloc(new) }).inspect(|p| unsafe {
                core::ptr::copy_nonoverlapping(ptr.as_ptr(), p.as_ptr(), old.size());
                dealloc(ptr.as_ptr(), old);
            })
        };
        match moved {
            Some(p) => {
                self.give(cost(old.size()));
                Ok(NonNull::slice_from_raw_parts(p, new.size()))
            }
            None => {
                self.give(cost(new.size()));
                Err(AllocError)
            }
        }
    }

    unsafe fn shrink(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if old.align() != new.align() || new.size() == 0 {
            return Err(AllocError);
        }
        // SAFETY: a block of ours with layout `old`, resized to a smaller nonzero size.
        let p = NonNull::new(unsafe { realloc(ptr.as_ptr(), old, new.size()) }).ok_or(AllocError)?;
        self.give(cost(old.size()));
        self.0.used.set(self.0.used.get() + cost(new.size()));
        Ok(NonNull::slice_from_raw_parts(p, new.size()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_what_is_held_and_refuses_past_the_limit() {
        let q = QuotaAlloc::new(1000);
        let mut v: QVec<u8> = q.vec();
        v.try_reserve_exact(100).unwrap();
        assert_eq!(q.used(), cost(100));
        assert!(v.try_reserve_exact(2000).is_err(), "past the quota");
        assert_eq!(q.used(), cost(100), "a refused growth charges nothing");
        v.try_reserve_exact(400).unwrap();
        assert_eq!(q.used(), cost(v.capacity()));
        v.shrink_to(10);
        assert_eq!(q.used(), cost(v.capacity()));
        drop(v);
        assert_eq!(q.used(), 0);
    }

    #[test]
    fn growth_needs_room_for_both_blocks() {
        let q = QuotaAlloc::new(cost(300) + cost(600) - 8);
        let mut v: QVec<u8> = q.vec();
        v.try_reserve_exact(300).unwrap();
        assert!(v.try_reserve_exact(600).is_err(), "both blocks are held while the contents move");
        assert_eq!(v.capacity(), 300);
        drop(v);
        let mut w: QVec<u8> = q.vec();
        w.try_reserve_exact(600).unwrap();
    }
}
