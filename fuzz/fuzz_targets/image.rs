//! Damaged littlefs images: a valid image holding files, directories and a symlink, with
//! the fuzzer's bytes written over it (each 4-byte group: a 3-byte offset and a byte).
//! Mounting must refuse it or give a tree whose every entry can be stat'ed and read
//! (errors allowed, panics and hangs not); a mount that worked must also take writes or
//! refuse them with an errno.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wasi_core::{NewNode, VirtualFs};
use wasi_fs_littlefs::LittleFs;

/// The image every input damages.
fn pristine() -> &'static [u8] {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let mut fs = LittleFs::new(64 * 1024).expect("a 64 KiB disk");
        let root = fs.root();
        let d = fs.create(root, b"dir", NewNode::Directory, 1).unwrap();
        for (i, size) in [0usize, 10, 700, 5000].iter().enumerate() {
            let f = fs.create(d, format!("f{i}").as_bytes(), NewNode::File, 2).unwrap();
            fs.write(f, 0, &vec![i as u8; *size], 3).unwrap();
        }
        fs.create(root, b"link", NewNode::Symlink(b"dir/f1"), 4).unwrap();
        fs.export_image()
    })
}

fuzz_target!(|data: &[u8]| {
    let mut image = pristine().to_vec();
    for patch in data.chunks_exact(4) {
        let at = u32::from_le_bytes([patch[0], patch[1], patch[2], 0]) as usize % image.len();
        image[at] = patch[3];
    }
    let Ok(mut fs) = LittleFs::from_image(image, false) else { return };
    walk(&mut fs);
    let root = fs.root();
    if let Ok(f) = fs.create(root, b"new", NewNode::File, 5) {
        let _ = fs.write(f, 0, b"data", 6);
    }
    walk(&mut fs);
});

/// Lists, stats and reads everything reachable, tolerating errors.
fn walk(fs: &mut LittleFs) {
    let mut todo = vec![fs.root()];
    let mut seen = 0;
    while let Some(dir) = todo.pop() {
        let mut entries = Vec::new();
        let _ = fs.readdir(dir, 0, &mut |e| {
            entries.push((e.ino, e.filetype));
            true
        });
        for (ino, ty) in entries {
            seen += 1;
            assert!(seen < 10_000, "the damaged tree does not end");
            let Ok(st) = fs.stat(ino) else { continue };
            match ty {
                wasi_core::wasi_abi::Filetype::Directory => todo.push(ino),
                wasi_core::wasi_abi::Filetype::SymbolicLink => {
                    let _ = fs.readlink(ino);
                }
                _ => {
                    let mut buf = vec![0u8; st.size.min(1 << 20) as usize];
                    let _ = fs.read(ino, 0, &mut buf);
                }
            }
        }
    }
}
