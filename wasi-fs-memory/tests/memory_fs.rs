//! `MemoryFs` through the `VirtualFs` trait: quota, links and lifetimes, rename rules,
//! readdir cookies, timestamps.

use wasi_core::wasi_abi::{Errno, Filetype};
use wasi_core::{DirEntry, NewNode, VirtualFs};
use wasi_fs_memory::MemoryFs;

fn names(fs: &mut MemoryFs, dir: u64, cookie: u64) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    fs.readdir(dir, cookie, &mut |e: DirEntry<'_>| {
        out.push((String::from_utf8(e.name.to_vec()).unwrap(), e.next));
        true
    })
    .unwrap();
    out
}

#[test]
fn quota_refuses_growth_and_keeps_data() {
    let mut fs = MemoryFs::with_quota(10_000);
    let root = fs.root();
    let f = fs.create(root, b"f", NewNode::File, 1).unwrap();
    fs.write(f, 0, &[7; 4000], 2).unwrap();
    assert_eq!(fs.write(f, 4000, &[8; 8000], 3), Err(Errno::NOSPC));
    assert_eq!(fs.stat(f).unwrap().size, 4000, "a refused write changes nothing");
    let mut back = [0u8; 4000];
    assert_eq!(fs.read(f, 0, &mut back).unwrap(), 4000);
    assert!(back.iter().all(|b| *b == 7));
    // Freeing space makes room again.
    fs.set_size(f, 0, 4).unwrap();
    fs.write(f, 0, &[9; 8000], 5).unwrap();
    // Names cost quota too: creating entries ends in ENOSPC, not unbounded growth.
    let mut made = 0;
    while fs.create(root, format!("n{made}").as_bytes(), NewNode::File, 6).is_ok() {
        made += 1;
    }
    assert!(made < 100, "{made} entries within a 10 kB quota");
}

#[test]
fn hard_links_count_and_outlive_names_while_open() {
    let mut fs = MemoryFs::new();
    let root = fs.root();
    let f = fs.create(root, b"a", NewNode::File, 1).unwrap();
    fs.write(f, 0, b"data", 1).unwrap();
    fs.link(f, root, b"b", 2).unwrap();
    assert_eq!(fs.stat(f).unwrap().nlink, 2);
    assert_eq!(fs.lookup(root, b"b"), Ok(f));
    fs.open(f).unwrap();
    fs.unlink(root, b"a", 3).unwrap();
    fs.unlink(root, b"b", 3).unwrap();
    assert_eq!(fs.stat(f).unwrap().nlink, 0);
    let mut buf = [0u8; 4];
    assert_eq!(fs.read(f, 0, &mut buf), Ok(4), "open inode still readable");
    let used = fs.bytes_used();
    fs.release(f);
    assert_eq!(fs.stat(f), Err(Errno::NOENT), "freed on last release");
    assert!(fs.bytes_used() < used);
    let d = fs.create(root, b"d", NewNode::Directory, 4).unwrap();
    assert_eq!(fs.link(d, root, b"d2", 5), Err(Errno::PERM));
}

#[test]
fn rename_follows_posix() {
    let mut fs = MemoryFs::new();
    let root = fs.root();
    let a = fs.create(root, b"a", NewNode::File, 1).unwrap();
    let b = fs.create(root, b"b", NewNode::File, 1).unwrap();
    let d = fs.create(root, b"d", NewNode::Directory, 1).unwrap();
    let e = fs.create(root, b"e", NewNode::Directory, 1).unwrap();
    fs.create(e, b"inside", NewNode::File, 1).unwrap();
    assert_eq!(fs.rename(root, b"a", root, b"d", 2), Err(Errno::ISDIR));
    assert_eq!(fs.rename(root, b"d", root, b"a", 2), Err(Errno::NOTDIR));
    assert_eq!(fs.rename(root, b"d", root, b"e", 2), Err(Errno::NOTEMPTY));
    assert_eq!(fs.rename(root, b"missing", root, b"x", 2), Err(Errno::NOENT));
    fs.rename(root, b"a", root, b"b", 2).unwrap();
    assert_eq!(fs.lookup(root, b"b"), Ok(a));
    assert_eq!(fs.stat(b), Err(Errno::NOENT), "the replaced file is freed");
    fs.rename(root, b"e", d, b"moved", 3).unwrap();
    assert_eq!(fs.lookup(e, b".."), Ok(d), "a moved directory's parent follows it");
    assert_eq!(fs.stat(d).unwrap().nlink, 3, "d gained a subdirectory");
    assert_eq!(fs.stat(root).unwrap().nlink, 3, "root lost e and still has d");
    assert_eq!(fs.stat(root).unwrap().mtim, 3);
}

#[test]
fn readdir_cookies_survive_changes() {
    let mut fs = MemoryFs::new();
    let root = fs.root();
    for n in ["a", "b", "c", "d"] {
        fs.create(root, n.as_bytes(), NewNode::File, 1).unwrap();
    }
    let all = names(&mut fs, root, 0);
    assert_eq!(all.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    let after_a = all[0].1;
    fs.unlink(root, b"b", 2).unwrap();
    fs.create(root, b"e", NewNode::File, 2).unwrap();
    let rest: Vec<String> = names(&mut fs, root, after_a).into_iter().map(|e| e.0).collect();
    assert_eq!(rest, ["c", "d", "e"]);
    assert!(all.iter().all(|e| e.1 != 0), "cookies are never 0");
    let f = fs.lookup(root, b"a").unwrap();
    assert_eq!(fs.readdir(f, 0, &mut |_| true), Err(Errno::NOTDIR));
}

#[test]
fn times_and_types() {
    let mut fs = MemoryFs::new();
    let root = fs.root();
    let l = fs.create(root, b"l", NewNode::Symlink(b"target"), 5).unwrap();
    let st = fs.stat(l).unwrap();
    assert_eq!((st.filetype, st.size, st.atim, st.mtim, st.ctim), (Filetype::SymbolicLink, 6, 5, 5, 5));
    assert_eq!(fs.readlink(l).unwrap(), b"target");
    let f = fs.create(root, b"f", NewNode::File, 5).unwrap();
    fs.set_times(f, Some(1), None, 9).unwrap();
    let st = fs.stat(f).unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (1, 5, 9));
    fs.write(f, 0, b"x", 11).unwrap();
    let st = fs.stat(f).unwrap();
    assert_eq!((st.mtim, st.ctim), (11, 11));
    assert_eq!(fs.create(root, &[b'x'; 256], NewNode::File, 1), Err(Errno::NAMETOOLONG));
    assert_eq!(fs.create(root, b"f", NewNode::Directory, 1), Err(Errno::EXIST));
    assert_eq!(fs.read(root, 0, &mut [0; 1]), Err(Errno::ISDIR));
}
