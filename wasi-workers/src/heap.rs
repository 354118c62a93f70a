//! The global allocator: dlmalloc over a memory that grows in large steps.
//!
//! dlmalloc's own wasm system allocator grows the memory by exactly what each request
//! needs, so writing a 64 MiB file grows it a thousand times, and a `memory.grow` costs
//! V8 about half a millisecond whatever its size: that was four fifths of the time of a
//! 64 MiB write. Here the memory grows by a quarter of its size at a time, at least 1 MiB
//! and at most 4 MiB (memory never shrinks, so a larger step would be memory the host
//! holds beyond what it uses: the bound on a host's memory counts it); near the limit, by
//! just what is asked.
//!
//! dlmalloc must never be cut short: a guest that has used up nearly all of V8's stack
//! before calling the host makes V8 throw where the stack runs out, and a throw inside
//! dlmalloc would leave its bins half updated. So each call first recurses as deep as
//! dlmalloc can go ([`probe`]): if the stack runs out, it runs out there, before the heap
//! is touched.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::ptr;

use dlmalloc::Dlmalloc;

use crate::state::Global;

const PAGE: usize = 64 * 1024;
/// The least the memory grows by, in pages (1 MiB).
const MIN_STEP: usize = 16;
/// The most it grows by beyond what is asked, in pages (4 MiB).
const MAX_STEP: usize = 64;
/// How deep [`probe`] recurses: its frames are smaller than dlmalloc's, so this is a
/// generous multiple of dlmalloc's depth.
const PROBE_DEPTH: u32 = 48;

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

/// Recurses `depth` frames deep and back, so that a stack overflow happens here rather
/// than inside dlmalloc (see the module docs).
#[inline(never)]
fn probe(depth: u32) -> u32 {
    if depth == 0 {
        return 0;
    }
    core::hint::black_box(probe(core::hint::black_box(depth - 1))) + 1
}

/// The heap: one dlmalloc over `Growing`.
pub struct Heap(Global<Dlmalloc<Growing>>);

impl Heap {
    /// An empty heap.
    pub const fn new() -> Heap {
        Heap(Global::new(Dlmalloc::new_with_allocator(Growing)))
    }
}

impl Heap {
    /// Runs `f` on dlmalloc once the stack has room for it.
    fn with<R>(&self, f: impl FnOnce(&mut Dlmalloc<Growing>) -> R) -> Option<R> {
        probe(PROBE_DEPTH);
        self.0.with(f)
    }
}

/// Whether a call was cut short inside dlmalloc (its lock is still held, and no JS can
/// run inside it): the heap cannot be trusted any more.
pub fn interrupted() -> bool {
    crate::HEAP.0.is_held()
}

// SAFETY: each method hands dlmalloc the layout the pointer was allocated with, as
// `GlobalAlloc`'s contract guarantees its callers do; a reentrant call (which would need
// an allocation inside dlmalloc) finds the heap borrowed and fails as out of memory.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        self.with(|d| unsafe { d.malloc(layout.size(), layout.align()) }).unwrap_or(ptr::null_mut())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        self.with(|d| unsafe { d.calloc(layout.size(), layout.align()) }).unwrap_or(ptr::null_mut())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: see the impl.
        self.with(|d| unsafe { d.free(ptr, layout.size(), layout.align()) });
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        self.with(|d| unsafe { d.realloc(ptr, layout.size(), layout.align(), new_size) }).unwrap_or(ptr::null_mut())
    }
}
