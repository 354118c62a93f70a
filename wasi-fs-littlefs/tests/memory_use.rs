//! littlefs's memory follows what is stored, up to the capacity: a block is allocated when
//! first written and freed when erased, so an empty disk holds only its block table (a
//! pointer per 512-byte block) and littlefs's buffers, and a full one about its capacity.
//! Counted with a global allocator, so this file holds one test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use wasi_core::{NewNode, VirtualFs};
use wasi_fs_littlefs::LittleFs;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Bytes held by a backend of `capacity`, empty and after filling it with 4 KiB files.
fn held(capacity: usize) -> (usize, usize, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    let mut fs = LittleFs::new(capacity).unwrap();
    let empty = LIVE.load(Ordering::Relaxed) - before;
    let root = fs.root();
    let mut files = 0;
    while let Ok(ino) = fs.create(root, format!("f{files}").as_bytes(), NewNode::File, 1) {
        files += 1;
        if fs.write(ino, 0, &[7u8; 4096], 1).is_err() {
            break;
        }
    }
    let full = LIVE.load(Ordering::Relaxed) - before;
    drop(fs);
    (empty, full, files)
}

#[test]
fn memory_follows_use_up_to_the_capacity() {
    for capacity in [1 << 20, 16 << 20] {
        let (empty, full, files) = held(capacity);
        println!("littlefs {} MiB: {empty} bytes empty, {full} bytes full ({files} files)", capacity >> 20);
        let table = capacity / 512 * std::mem::size_of::<usize>();
        assert!(empty < table + 16 * 1024, "empty: {empty}");
        // Beside the disk: the table, the buffers, and about a path and two map entries per file.
        assert!(full < capacity + table + 16 * 1024 + files * 160, "full: {full} with {files} files");
        assert!(full > capacity / 2, "a full disk holds its blocks: {full}");
        assert!(files > capacity / 4096 / 2, "the disk holds its share of 4 KiB files: {files}");
    }
}
