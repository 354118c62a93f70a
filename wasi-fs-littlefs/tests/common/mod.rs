//! Helpers shared by this crate's tests: reading through the `VirtualFs` trait.

use wasi_core::{DirEntry, Ino, VirtualFs};

/// A directory's entries after `cookie`, as (name, next cookie).
#[allow(dead_code)]
pub fn names(fs: &mut dyn VirtualFs, dir: Ino, cookie: u64) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    fs.readdir(dir, cookie, &mut |e: DirEntry<'_>| {
        out.push((String::from_utf8(e.name.to_vec()).unwrap(), e.next));
        true
    })
    .unwrap();
    out
}

/// The whole contents of a file.
pub fn read_all(fs: &mut dyn VirtualFs, ino: Ino) -> Vec<u8> {
    let size = fs.stat(ino).unwrap().size as usize;
    let mut buf = vec![0u8; size];
    let n = fs.read(ino, 0, &mut buf).unwrap();
    buf.truncate(n);
    buf
}
