//! The memory a littlefs backend holds stays within its capacity plus a fixed allowance,
//! whatever a guest does (the figure in the crate docs): a block is allocated when first
//! written and freed when erased, and every table the backend keeps is bounded by what is
//! open or being listed now. Counted with a global allocator, so this file holds one test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use wasi_core::{DirEntry, Ino, NewNode, VirtualFs};
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

const MIB: usize = 1 << 20;
/// The fixed allowance documented in the crate docs.
const ALLOWANCE: usize = 2 * MIB;

/// What a disk of `capacity` bytes in blocks of `block` bytes may hold, at most.
fn bound(capacity: usize, block: usize) -> usize {
    capacity + 16 * capacity / block + ALLOWANCE
}

/// Lists a directory in full, a few entries per call, as a guest with a small buffer does.
fn list(fs: &mut LittleFs, dir: Ino) -> usize {
    let (mut cookie, mut seen) = (0, 0);
    loop {
        let mut got = 0;
        fs.readdir(dir, cookie, &mut |e: DirEntry<'_>| {
            cookie = e.next;
            got += 1;
            got < 7
        })
        .unwrap();
        seen += got;
        if got < 7 {
            return seen;
        }
    }
}

/// Runs `phase`, checking the memory held after it against the bound; returns it.
fn phase(name: &str, base: usize, limit: usize, run: impl FnOnce()) -> usize {
    run();
    let held = LIVE.load(Ordering::Relaxed) - base;
    println!("{name}: {held} bytes held (bound {limit})");
    assert!(held <= limit, "{name}: {held} bytes held, over {limit}");
    held
}

#[test]
fn memory_stays_within_the_capacity_and_the_allowance() {
    // A fresh disk costs its table and littlefs's buffers; a full one about its capacity.
    for capacity in [MIB, 16 * MIB] {
        let base = LIVE.load(Ordering::Relaxed);
        let mut fs = LittleFs::new(capacity).unwrap();
        let empty = LIVE.load(Ordering::Relaxed) - base;
        assert!(empty < 16 * capacity / 4096 + 96 * 1024, "empty {} MiB disk: {empty}", capacity / MIB);
        let root = fs.root();
        let mut files = 0;
        while let Ok(ino) = fs.create(root, format!("f{files}").as_bytes(), NewNode::File, 1) {
            files += 1;
            if fs.write(ino, 0, &[7u8; 4096], 1).is_err() {
                break;
            }
        }
        let full = phase("full disk", base, bound(capacity, 4096), || {});
        assert!(full > capacity / 2, "a full disk holds its blocks: {full}");
        assert!(files > capacity / 4096 / 2, "the disk holds its share of 4 KiB files: {files}");
    }

    // The memo of metadata pairs at its fullest: a directory's chain of pairs holding long
    // names, found again and again, and as many more directories (a pair each) looked into.
    let base = LIVE.load(Ordering::Relaxed);
    let mut fs = LittleFs::new(16 * MIB).unwrap();
    let root = fs.root();
    let name = |i: usize| format!("{i:0>255}").into_bytes();
    let dirs: Vec<Ino> = (0..1500).map_while(|i| fs.create(root, &name(i), NewNode::Directory, 1).ok()).collect();
    assert!(dirs.len() > 1000, "{} directories", dirs.len());
    // The rest of the disk full, so that what the memo holds shows above the capacity.
    let big = fs.create(root, b"big", NewNode::File, 1).unwrap();
    let mut at = 0;
    while fs.write(big, at, &[7u8; 65536], 1).is_ok_and(|n| n > 0) {
        at += 65536;
    }
    phase("memo", base, bound(16 * MIB, 4096), || {
        for round in 0..3 {
            for (i, dir) in dirs.iter().enumerate() {
                assert_eq!(fs.lookup(root, &name(i)).map(|_| ()), Ok(()), "round {round}");
                let _ = fs.lookup(*dir, b"x");
            }
        }
    });
    drop(fs);

    let base = LIVE.load(Ordering::Relaxed);
    let mut fs = LittleFs::new(MIB).unwrap();
    let limit = bound(MIB, 4096);
    let root = fs.root();
    let d = fs.create(root, b"d", NewNode::Directory, 1).unwrap();
    // Create, list, unlink in a loop: cookies handed out never pile up.
    phase("create/list/unlink", base, limit, || {
        for round in 0..300 {
            for i in 0..20 {
                fs.create(d, format!("r{round}-{i}").as_bytes(), NewNode::File, 1).unwrap();
            }
            assert_eq!(list(&mut fs, d), 20);
            for i in 0..20 {
                fs.unlink(d, format!("r{round}-{i}").as_bytes(), 1).unwrap();
            }
        }
    });
    // Lookups of names that are not there, and of many that are: the node cache is capped.
    phase("lookups", base, limit, || {
        for i in 0..2400 {
            fs.create(d, format!("{i:0>30}").as_bytes(), NewNode::File, 1).unwrap();
        }
        for i in 0..3000 {
            let _ = fs.lookup(d, format!("missing-{i}").as_bytes());
            let name = format!("{:0>30}", i % 2400);
            let ino = fs.lookup(d, name.as_bytes()).unwrap();
            fs.stat(ino).unwrap();
        }
    });
    // Deep nesting: no node stores a path, so memory does not grow with depth squared.
    phase("nesting", base, limit, || {
        let mut dir = root;
        let name = [b'n'; 100];
        for _ in 0..60 {
            match fs.create(dir, &name, NewNode::Directory, 1) {
                Ok(next) => dir = next,
                Err(_) => break,
            }
        }
        for _ in 0..1000 {
            let _ = fs.lookup(dir, b"x");
        }
    });
    // Many files open at once: littlefs keeps a few of them open, not one per fd.
    let opened: Vec<Ino> = (0..500).map(|i| fs.lookup(d, format!("{i:0>30}").as_bytes()).unwrap()).collect();
    phase("500 fds", base, limit, || {
        for ino in &opened {
            fs.open(*ino).unwrap();
            fs.read(*ino, 0, &mut [0u8; 1]).unwrap();
        }
    });
    phase("closed", base, limit, || {
        for ino in &opened {
            fs.release(*ino);
        }
    });
    drop(fs);
    // (The test harness holds what this test printed.)
    let left = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    assert!(left <= 16 * 1024, "dropping the backend gives everything back: {left} bytes left");
}
