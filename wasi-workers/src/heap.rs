//! The global allocator: small blocks recycled through free lists, in front of dlmalloc
//! over a memory that grows in large steps.
//!
//! dlmalloc's own wasm system allocator grows the memory by exactly what each request
//! needs, so writing a 64 MiB file grows it a thousand times, and a `memory.grow` costs
//! V8 about half a millisecond whatever its size: that was four fifths of the time of a
//! 64 MiB write. Here the memory grows by a quarter of its size at a time, at least 1 MiB
//! and at most 2 MiB (memory never shrinks, so a larger step would be memory the host
//! holds beyond what it uses: the bound on a host's memory counts it); near the limit, by
//! just what is asked.
//!
//! dlmalloc must never be cut short: a guest that has used up nearly all of V8's stack
//! before calling the host makes V8 throw where the stack runs out, and a throw inside
//! dlmalloc would leave its bins half updated. So each call into it first recurses deeper
//! than dlmalloc goes ([`probe`]): if the stack runs out, it runs out there, before the
//! heap is touched. That costs a few calls, so the small blocks a syscall allocates and
//! frees (paths, names) are recycled through a free list per size class ([`Cache`]),
//! whose push and pop make no call at all.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::ptr;

use dlmalloc::Dlmalloc;

use crate::state::Global;

const PAGE: usize = 64 * 1024;
/// The least the memory grows by, in pages (1 MiB).
const MIN_STEP: usize = 16;
/// The most it grows by beyond what is asked, in pages (2 MiB).
const MAX_STEP: usize = 32;
/// How deep [`probe`] recurses: a few times as deep as dlmalloc's calls go (measured by
/// running guests out of stack at every point of a call: tests/faults.test.mjs).
const PROBE_DEPTH: u32 = 8;

/// dlmalloc's source of memory: fresh pages at the end of the linear memory.
pub struct Growing;

// SAFETY: `alloc` returns either null or a region of `size` bytes (at least what was
// asked) that `memory.grow` has just added: nobody else owns it, it is zeroed, and it is
// never handed out again. Nothing is ever released or remapped (wasm memory cannot shrink).
unsafe impl dlmalloc::Allocator for Growing {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let needed = size.div_ceil(PAGE);
        let step = needed.max((wasm32::memory_size(0) / 4).clamp(MIN_STEP, MAX_STEP));
        for pages in [step, needed] {
            let first = wasm32::memory_grow(0, pages);
            if first != usize::MAX {
                return ((first * PAGE) as *mut u8, pages * PAGE, 0);
            }
        }
        (ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

/// Size classes of the cache: 16, 32, ... 1024 bytes.
const CLASSES: usize = 7;
/// The smallest class, as a power of two.
const MIN_CLASS_SHIFT: u32 = 4;
/// Blocks of a class are aligned to this (no larger alignment is asked of small blocks).
const CLASS_ALIGN: usize = 16;
/// Bytes a class's free list may hold; past that, freed blocks go back to dlmalloc (so
/// that memory freed in one size can serve another: the cache holds at most 7 × 64 KiB).
const CLASS_BYTES: usize = 64 * 1024;

/// The size class of a layout, if the cache serves it.
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() > 1 << (MIN_CLASS_SHIFT as usize + CLASSES - 1) || layout.align() > CLASS_ALIGN {
        return None;
    }
    let class = layout.size().max(1).next_power_of_two().trailing_zeros().saturating_sub(MIN_CLASS_SHIFT);
    Some(class as usize)
}

/// The layout of a block of `class`, as dlmalloc allocates it.
fn class_layout(class: usize) -> Layout {
    // SAFETY: a power of two, at most 1024, with a power-of-two alignment.
    unsafe { Layout::from_size_align_unchecked(1 << (MIN_CLASS_SHIFT as usize + class), CLASS_ALIGN) }
}

/// Free blocks by size class: each free block holds the address of the next.
struct Cache {
    heads: [*mut u8; CLASSES],
    bytes: [usize; CLASSES],
}

impl Cache {
    /// A block of `class`, if one is free.
    #[inline(always)]
    fn pop(&mut self, class: usize) -> Option<*mut u8> {
        let head = self.heads[class];
        if head.is_null() {
            return None;
        }
        // SAFETY: a block on the list is ours and holds the next block's address.
        self.heads[class] = unsafe { head.cast::<*mut u8>().read() };
        self.bytes[class] -= 1 << (MIN_CLASS_SHIFT as usize + class);
        Some(head)
    }

    /// Keeps a freed block of `class`, unless the list is full (false).
    #[inline(always)]
    fn push(&mut self, class: usize, block: *mut u8) -> bool {
        let size = 1 << (MIN_CLASS_SHIFT as usize + class);
        if self.bytes[class] + size > CLASS_BYTES {
            return false;
        }
        // SAFETY: the block is ours, at least 16 bytes, aligned for a pointer.
        unsafe { block.cast::<*mut u8>().write(self.heads[class]) };
        self.heads[class] = block;
        self.bytes[class] += size;
        true
    }
}

/// Recurses `depth` frames deep and back, so that a stack overflow happens here rather
/// than inside dlmalloc (see the module docs).
#[inline(never)]
fn probe(depth: u32) -> u32 {
    if depth == 0 {
        return 0;
    }
    // A rotation of the result, not an addition: LLVM turns recursion that only adds to
    // its result into a loop.
    probe(depth - 1).rotate_left(1) ^ depth
}

/// The heap: the cache and dlmalloc over `Growing`.
pub struct Heap {
    cache: Global<Cache>,
    dlmalloc: Global<Dlmalloc<Growing>>,
}

impl Heap {
    /// An empty heap.
    pub const fn new() -> Heap {
        Heap {
            cache: Global::new(Cache { heads: [ptr::null_mut(); CLASSES], bytes: [0; CLASSES] }),
            dlmalloc: Global::new(Dlmalloc::new_with_allocator(Growing)),
        }
    }

    /// Runs `f` on dlmalloc once the stack has room for it.
    fn dlmalloc<R>(&self, f: impl FnOnce(&mut Dlmalloc<Growing>) -> R) -> Option<R> {
        core::hint::black_box(probe(PROBE_DEPTH));
        self.dlmalloc.with(f)
    }

    /// A block from dlmalloc for exactly `layout`.
    fn take_whole(&self, layout: Layout, zeroed: bool) -> *mut u8 {
        // SAFETY: a valid layout, as `GlobalAlloc` guarantees (or a class's).
        let block = self.dlmalloc(|d| unsafe {
            if zeroed {
                d.calloc(layout.size(), layout.align())
            } else {
                d.malloc(layout.size(), layout.align())
            }
        });
        block.unwrap_or(ptr::null_mut())
    }

    /// A block for `layout`: from the cache where it serves the layout.
    fn take(&self, layout: Layout, zeroed: bool) -> *mut u8 {
        let Some(class) = class_of(layout) else { return self.take_whole(layout, zeroed) };
        if let Some(Some(block)) = self.cache.with(|c| c.pop(class)) {
            if zeroed {
                // SAFETY: the block holds at least `layout.size()` bytes.
                unsafe { block.write_bytes(0, layout.size()) };
            }
            return block;
        }
        let whole = class_layout(class);
        self.take_whole(whole, zeroed)
    }

    /// Frees a block allocated for `layout`.
    fn give(&self, block: *mut u8, layout: Layout) {
        let whole = match class_of(layout) {
            Some(class) if self.cache.with(|c| c.push(class, block)) == Some(true) => return,
            Some(class) => class_layout(class),
            None => layout,
        };
        // SAFETY: the block was allocated by dlmalloc with `whole`.
        self.dlmalloc(|d| unsafe { d.free(block, whole.size(), whole.align()) });
    }
}

/// Whether a call was cut short inside the heap (its lock is still held, and no JS runs
/// inside it): it cannot be trusted any more.
pub fn interrupted() -> bool {
    crate::HEAP.cache.is_held() || crate::HEAP.dlmalloc.is_held()
}

// SAFETY: every block handed out is either a cache block of its class (at least the
// layout's size, aligned to 16 ≥ the layout's alignment) or dlmalloc's for exactly the
// layout; `dealloc` and `realloc` receive the layout the block was allocated with, as
// `GlobalAlloc`'s contract guarantees, so they find the same class (or none) again. A
// reentrant call (which would need an allocation inside the heap) finds it held and fails
// as out of memory.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.take(layout, false)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.take(layout, true)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.give(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `GlobalAlloc::realloc` promises a valid new size for this alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new)) {
            (None, None) => {
                // SAFETY: dlmalloc's block, with its layout.
                self.dlmalloc(|d| unsafe { d.realloc(ptr, layout.size(), layout.align(), new_size) })
                    .unwrap_or(ptr::null_mut())
            }
            (Some(a), Some(b)) if a == b => ptr,
            _ => {
                let moved = self.take(new, false);
                if !moved.is_null() {
                    // SAFETY: both blocks hold at least the smaller size; they are distinct.
                    unsafe { ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size)) };
                    self.give(ptr, layout);
                }
                moved
            }
        }
    }
}
