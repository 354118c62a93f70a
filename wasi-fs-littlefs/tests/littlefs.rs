//! `LittleFs` through the `VirtualFs` trait: images, full disks, names, cookies, lifetimes.

use wasi_core::wasi_abi::{Errno, Filetype};
use wasi_core::{NewNode, VirtualFs};
use wasi_fs_littlefs::{ImageError, LittleFs};

mod common;
use common::{names, read_all};

const MIB: usize = 1 << 20;

#[test]
fn export_and_import_keep_everything() {
    let mut fs = LittleFs::new(MIB).unwrap();
    let root = fs.root();
    let d = fs.create(root, b"dir", NewNode::Directory, 10).unwrap();
    let f = fs.create(d, "fïlé ✓".as_bytes(), NewNode::File, 20).unwrap();
    fs.write(f, 0, b"hello littlefs", 30).unwrap();
    fs.set_times(f, Some(7), Some(8), 40).unwrap();
    fs.create(root, b"link", NewNode::Symlink(b"dir/f"), 50).unwrap();
    let image = fs.export_image();
    assert_eq!(image.len(), MIB);

    let mut back = LittleFs::from_image(image, false).unwrap();
    let root = back.root();
    let d = back.lookup(root, b"dir").unwrap();
    let f = back.lookup(d, "fïlé ✓".as_bytes()).unwrap();
    assert_eq!(read_all(&mut back, f), b"hello littlefs");
    let st = back.stat(f).unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (7, 8, 40));
    let l = back.lookup(root, b"link").unwrap();
    assert_eq!(back.stat(l).unwrap().filetype, Filetype::SymbolicLink);
    assert_eq!(back.readlink(l).unwrap(), b"dir/f");
    assert_eq!(back.stat(d).unwrap().filetype, Filetype::Directory);
}

#[test]
fn bad_capacities_and_images_are_refused() {
    assert_eq!(LittleFs::new(1000).err(), Some(ImageError::BadSize { bytes: 1000 }));
    assert_eq!(LittleFs::new(512).err(), Some(ImageError::BadSize { bytes: 512 }));
    // The figures in the static reason are the real limits: the smallest disk mounts.
    assert_eq!(LittleFs::new(8192 - 512).err(), Some(ImageError::BadSize { bytes: 8192 - 512 }));
    assert!(LittleFs::new(8192).is_ok());
    assert!(LittleFs::new(8192 + 512).is_ok());
    assert_eq!(
        ImageError::BadSize { bytes: 5 }.to_string(),
        format!("{}; got 5 bytes", ImageError::BadSize { bytes: 5 }.reason())
    );
    assert_eq!(LittleFs::from_image(vec![0u8; 64 * 1024], false).err(), Some(ImageError::NotLittlefs));
    let noise: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_eq!(LittleFs::from_image(noise, false).err(), Some(ImageError::NotLittlefs));
    let image = LittleFs::new(64 * 1024).unwrap().export_image();
    assert!(LittleFs::from_image(image[..image.len() - 100].to_vec(), false).is_err());
    assert!(ImageError::NotLittlefs.to_string().contains("littlefs"));
}

#[test]
fn damaged_images_never_panic() {
    let mut fs = LittleFs::new(64 * 1024).unwrap();
    let root = fs.root();
    let f = fs.create(root, b"f", NewNode::File, 1).unwrap();
    fs.write(f, 0, &[5u8; 5000], 2).unwrap();
    let image = fs.export_image();
    for flip in (0..image.len()).step_by(97) {
        let mut bad = image.clone();
        bad[flip] ^= 0x5a;
        if let Ok(mut fs) = LittleFs::from_image(bad, true) {
            let root = fs.root();
            if let Ok(f) = fs.lookup(root, b"f") {
                let mut buf = vec![0u8; 5000];
                let _ = fs.read(f, 0, &mut buf);
            }
            let _ = names(&mut fs, root, 0);
        }
    }
}

#[test]
fn a_full_disk_is_enospc_and_keeps_what_was_written() {
    let mut fs = LittleFs::new(32 * 512).unwrap();
    let root = fs.root();
    let f = fs.create(root, b"f", NewNode::File, 1).unwrap();
    let chunk = [9u8; 1024];
    let mut written = 0u64;
    let err = loop {
        match fs.write(f, written, &chunk, 2) {
            Ok(n) => written += n as u64,
            Err(e) => break e,
        }
        assert!(written < 1 << 20, "a 16 KiB disk took 1 MiB");
    };
    assert_eq!(err, Errno::NOSPC);
    assert!(written > 0);
    let data = read_all(&mut fs, f);
    assert!(data.len() as u64 >= written && data[..written as usize].iter().all(|b| *b == 9));
}

#[test]
fn names_limits_and_read_only() {
    let mut fs = LittleFs::new(MIB).unwrap();
    let root = fs.root();
    fs.create(root, &[b'n'; 255], NewNode::File, 1).unwrap();
    assert_eq!(fs.create(root, &[b'n'; 256], NewNode::File, 1), Err(Errno::NAMETOOLONG));
    assert_eq!(fs.create(root, &[b'n'; 255], NewNode::Directory, 1), Err(Errno::EXIST));
    assert!(!fs.features().hard_links);
    let d = fs.create(root, b"dir", NewNode::Directory, 1).unwrap();
    assert_eq!(fs.read(d, 0, &mut [0u8; 4]), Err(Errno::ISDIR));
    assert_eq!(fs.write(d, 0, b"x", 1), Err(Errno::ISDIR));
    let file = fs.lookup(root, &[b'n'; 255]).unwrap();
    assert_eq!(fs.lookup(file, b"x"), Err(Errno::NOTDIR));
    let f = fs.lookup(root, &[b'n'; 255]).unwrap();
    assert_eq!(fs.write(f, (1 << 31) - 2, b"xyz", 1), Err(Errno::FBIG));
    let mut ro = LittleFs::from_image(fs.export_image(), true).unwrap();
    let root = ro.root();
    let f = ro.lookup(root, &[b'n'; 255]).unwrap();
    assert_eq!(ro.write(f, 0, b"x", 1), Err(Errno::ROFS));
    assert_eq!(ro.create(root, b"new", NewNode::File, 1), Err(Errno::ROFS));
}

#[test]
fn cookies_survive_unlinks_and_open_files_survive_unlink() {
    let mut fs = LittleFs::new(MIB).unwrap();
    let root = fs.root();
    for n in ["a", "b", "c", "d"] {
        fs.create(root, n.as_bytes(), NewNode::File, 1).unwrap();
    }
    let all = names(&mut fs, root, 0);
    assert_eq!(all.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    fs.unlink(root, b"b", 2).unwrap();
    let rest: Vec<String> = names(&mut fs, root, all[0].1).into_iter().map(|e| e.0).collect();
    assert_eq!(rest, ["c", "d"]);

    let c = fs.lookup(root, b"c").unwrap();
    fs.write(c, 0, b"still here", 3).unwrap();
    fs.open(c).unwrap();
    fs.unlink(root, b"c", 4).unwrap();
    assert_eq!(fs.lookup(root, b"c"), Err(Errno::NOENT));
    assert_eq!(read_all(&mut fs, c), b"still here");
    assert_eq!(fs.stat(c).unwrap().nlink, 0);
    let names_now: Vec<String> = names(&mut fs, root, 0).into_iter().map(|e| e.0).collect();
    assert_eq!(names_now, ["a", "d"], "the orphans directory is hidden");
    let (used_before, _) = fs.usage().unwrap();
    fs.release(c);
    assert_eq!(fs.stat(c), Err(Errno::NOENT));
    assert!(fs.usage().unwrap().0 <= used_before);

    // Renaming over an open file keeps the old data readable through the fd.
    let a = fs.lookup(root, b"a").unwrap();
    let d = fs.lookup(root, b"d").unwrap();
    fs.write(a, 0, b"A", 5).unwrap();
    fs.write(d, 0, b"D", 5).unwrap();
    fs.open(d).unwrap();
    fs.rename(root, b"a", root, b"d", 6).unwrap();
    assert_eq!(read_all(&mut fs, d), b"D");
    let now_d = fs.lookup(root, b"d").unwrap();
    assert_eq!(read_all(&mut fs, now_d), b"A");
    fs.release(d);
}

#[test]
fn a_damaged_block_reads_as_eio() {
    let mut fs = LittleFs::new(64 * 1024).unwrap();
    let root = fs.root();
    let f = fs.create(root, b"big", NewNode::File, 1).unwrap();
    // Distinct bytes per block-sized stretch, so each data block can be found in the image.
    let data: Vec<u8> = (0..8 * 512).map(|i| (i / 512) as u8 + 0x40).collect();
    fs.write(f, 0, &data, 2).unwrap();
    let mut image = fs.export_image();
    // littlefs links a file's blocks backwards: every block after the first starts with
    // pointers to earlier ones. Point them all past the end of the disk.
    let mut damaged = 0;
    for b in 0..image.len() / 512 {
        let block = &mut image[b * 512..(b + 1) * 512];
        if (0x40..0x48).contains(&block[300]) && block[100..300].iter().all(|x| *x == block[300]) {
            block[..8].fill(0xfe);
            damaged += 1;
        }
    }
    assert!(damaged >= 4, "found the file's blocks");
    let mut fs = LittleFs::from_image(image, true).unwrap();
    let root = fs.root();
    let f = fs.lookup(root, b"big").unwrap();
    let mut buf = vec![0u8; data.len()];
    assert_eq!(fs.read(f, 0, &mut buf), Err(Errno::IO));
}

#[test]
fn a_write_that_fills_the_disk_reports_what_it_wrote() {
    for block in [512, 4096] {
        let mut fs = LittleFs::with_block_size(64 * block, block).unwrap();
        let root = fs.root();
        let f = fs.create(root, b"f", NewNode::File, 1).unwrap();
        fs.open(f).unwrap();
        let data: Vec<u8> = (0..64 * block).map(|i| (i % 251) as u8).collect();
        let n = fs.write(f, 0, &data, 2).unwrap();
        assert!(n > 0 && n < data.len(), "{block}: some of it fits: {n}");
        assert_eq!(fs.write(f, n as u64, &data[n..], 3), Err(Errno::NOSPC), "nothing more fits");
        assert_eq!(read_all(&mut fs, f), &data[..n], "what was reported is there");
        fs.release(f);
        let mut back = LittleFs::from_image(fs.export_image(), true).unwrap();
        let root = back.root();
        let f = back.lookup(root, b"f").unwrap();
        assert_eq!(read_all(&mut back, f), &data[..n], "and in the image");
        // Growing a file is all or nothing.
        let mut fs = LittleFs::from_image(fs.export_image(), false).unwrap();
        let f = fs.lookup(root, b"f").unwrap();
        assert_eq!(fs.set_size(f, 64 * block as u64, 4), Err(Errno::NOSPC));
        assert_eq!(fs.stat(f).unwrap().size, n as u64);
    }
}

#[test]
fn files_unlinked_while_open_never_reach_an_image() {
    // Over several "requests" (mount, write, unlink a file still open, export while it is
    // open), the free space does not shrink: the unlinked files are not in the images.
    let mut image = LittleFs::new(MIB).unwrap().export_image();
    let mut free = None;
    for request in 0..8u8 {
        let mut fs = LittleFs::from_image(image, false).unwrap();
        let (used, all) = fs.usage().unwrap();
        assert_eq!(*free.get_or_insert(all - used), all - used, "request {request}");
        let root = fs.root();
        let f = fs.create(root, b"scratch", NewNode::File, 1).unwrap();
        fs.open(f).unwrap();
        fs.write(f, 0, &vec![request; 100_000], 2).unwrap();
        fs.unlink(root, b"scratch", 3).unwrap();
        fs.write(f, 100_000, b"more", 4).unwrap();
        image = fs.export_image();
        assert_eq!(read_all(&mut fs, f).len(), 100_004, "the fd still reads it");
        assert_eq!(names(&mut fs, root, 0), vec![]);
    }
    // The name an earlier version kept unlinked files under is reserved.
    let mut fs = LittleFs::from_image(image, false).unwrap();
    let root = fs.root();
    assert_eq!(fs.create(root, b".wasi-orphans", NewNode::Directory, 1), Err(Errno::PERM));
}
