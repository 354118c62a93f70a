//! Images move both ways between this backend and an independent littlefs user: the
//! `littlefs2` crate (its own config and storage driver, geometry fixed at compile time),
//! at 512-byte and 4 KiB blocks. What it writes mounts here, its block size read from the
//! superblock, whole or piece by piece; what this backend exports, it mounts and reads,
//! with nothing the guest could not reach.

use littlefs2::driver::Storage;
use littlefs2::fs::{File, Filesystem};
use littlefs2::io::{Read, Result as LfsResult};
use littlefs2::path::PathBuf;
use wasi_core::wasi_abi::{Errno, Filetype};
use wasi_core::{Ino, NewNode, VirtualFs};
use wasi_fs_littlefs::{ImageError, ImageLoader, LittleFs};

mod common;
use common::{names, read_all};

/// A littlefs2 storage driver over an image in memory, of `$block` bytes × `$count`.
macro_rules! image_storage {
    ($name:ident, $block:expr, $count:expr, $cache:ty) => {
        struct $name(Vec<u8>);

        impl Storage for $name {
            const READ_SIZE: usize = 16;
            const WRITE_SIZE: usize = 16;
            const BLOCK_SIZE: usize = $block;
            const BLOCK_COUNT: usize = $count;
            type CACHE_SIZE = $cache;
            type LOOKAHEAD_SIZE = littlefs2::consts::U16;

            fn read(&mut self, off: usize, buf: &mut [u8]) -> LfsResult<usize> {
                buf.copy_from_slice(&self.0[off..off + buf.len()]);
                Ok(buf.len())
            }
            fn write(&mut self, off: usize, data: &[u8]) -> LfsResult<usize> {
                self.0[off..off + data.len()].copy_from_slice(data);
                Ok(data.len())
            }
            fn erase(&mut self, off: usize, len: usize) -> LfsResult<usize> {
                self.0[off..off + len].fill(0xff);
                Ok(len)
            }
        }
    };
}

image_storage!(Small, 512, 512, littlefs2::consts::U512);
image_storage!(Large, 4096, 128, littlefs2::consts::U4096);

fn path(p: &str) -> PathBuf {
    PathBuf::try_from(p).unwrap()
}

/// Bytes that differ from block to block, so a misplaced block shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 4096) as u8).collect()
}

/// Files littlefs2 writes, then reads back from an image this backend exported.
const FILES: [(&str, usize); 3] = [("hello.txt", 6), ("dir/big.bin", 40_000), ("dir/sub/empty", 0)];

/// Makes an image with littlefs2: the directories and files of `FILES`.
fn write_with_littlefs2<S: Storage>(storage: &mut S) {
    Filesystem::format(storage).unwrap();
    Filesystem::mount_and_then(storage, |fs| {
        fs.create_dir(&path("dir"))?;
        fs.create_dir(&path("dir/sub"))?;
        for (name, len) in FILES {
            fs.write(&path(name), &pattern(len))?;
        }
        Ok(())
    })
    .unwrap();
}

/// Reads `name` with littlefs2.
fn read_with_littlefs2<S: Storage>(fs: &Filesystem<'_, S>, name: &str) -> Vec<u8> {
    let len = fs.metadata(&path(name)).unwrap().len();
    let mut data = vec![0u8; len];
    File::open_and_then(fs, &path(name), |f| f.read_exact(&mut data).map(|_| ())).unwrap();
    data
}

/// Finds a path through the `VirtualFs` trait.
fn find(fs: &mut LittleFs, p: &str) -> Result<Ino, Errno> {
    let mut at = fs.root();
    for name in p.split('/') {
        at = fs.lookup(at, name.as_bytes())?;
    }
    Ok(at)
}

/// Checks the tree littlefs2 wrote, through the `VirtualFs` trait, and that it takes changes.
fn check_mounted(fs: &mut LittleFs, block: usize) {
    assert_eq!(fs.block_size(), block);
    for (name, len) in FILES {
        let ino = find(fs, name).unwrap();
        assert_eq!(fs.stat(ino).unwrap().filetype, Filetype::RegularFile);
        assert_eq!(read_all(fs, ino), pattern(len), "{name}");
    }
    let root = fs.root();
    let top: Vec<String> = names(fs, root, 0).into_iter().map(|e| e.0).collect();
    assert_eq!(top, ["dir", "hello.txt"]);
    let dir = find(fs, "dir").unwrap();
    assert_eq!(fs.stat(dir).unwrap().filetype, Filetype::Directory);
    let f = fs.create(dir, b"new", NewNode::File, 5).unwrap();
    fs.write(f, 0, b"added", 6).unwrap();
    let new = find(fs, "dir/new").unwrap();
    assert_eq!(read_all(fs, new), b"added");
}

#[test]
fn images_from_littlefs2_mount_at_their_block_size() {
    let mut small = Small(vec![0xff; 512 * 512]);
    write_with_littlefs2(&mut small);
    let mut large = Large(vec![0xff; 4096 * 128]);
    write_with_littlefs2(&mut large);
    for (image, block) in [(small.0, 512), (large.0, 4096)] {
        let mut fs = LittleFs::from_image(image.clone(), false).unwrap();
        check_mounted(&mut fs, block);
        // Changed here, the image keeps littlefs2's on-disk version: littlefs2 reads it.
        let changed = fs.export_image();
        let back = if block == 512 {
            Filesystem::mount_and_then(&mut Small(changed), |fs| Ok(read_with_littlefs2(fs, "dir/new")))
        } else {
            Filesystem::mount_and_then(&mut Large(changed), |fs| Ok(read_with_littlefs2(fs, "dir/new")))
        };
        assert_eq!(back.unwrap(), b"added");
        // Piece by piece, out of order, in pieces that straddle blocks.
        let mut loader = ImageLoader::new(image.len()).unwrap();
        let pieces: Vec<(usize, &[u8])> = image.chunks(1000).enumerate().map(|(i, c)| (i * 1000, c)).rev().collect();
        for (at, piece) in pieces {
            loader.write(at, piece).unwrap();
        }
        check_mounted(&mut loader.mount(false).unwrap(), block);
        // Told the wrong block size, littlefs refuses the superblock.
        let mut wrong = ImageLoader::new(image.len()).unwrap();
        wrong.write(0, &image).unwrap();
        wrong.set_block_size(if block == 512 { 1024 } else { 2048 });
        assert_eq!(wrong.mount(true).err(), Some(ImageError::NotLittlefs));
    }
}

/// Writes `FILES` through the `VirtualFs` trait as a guest would (a large file in
/// overwrites out of order), with an unlinked-but-open file on the side.
fn write_with_backend(fs: &mut LittleFs) -> Ino {
    let root = fs.root();
    let dir = fs.create(root, b"dir", NewNode::Directory, 1).unwrap();
    fs.create(dir, b"sub", NewNode::Directory, 1).unwrap();
    for (name, len) in FILES {
        let (parent, leaf) = name.rsplit_once('/').unwrap_or(("", name));
        let at = if parent.is_empty() { root } else { find(fs, parent).unwrap() };
        let ino = fs.create(at, leaf.as_bytes(), NewNode::File, 2).unwrap();
        fs.open(ino).unwrap();
        let data = pattern(len);
        for chunk in (0..len.div_ceil(3000)).rev() {
            let range = chunk * 3000..((chunk + 1) * 3000).min(len);
            assert_eq!(fs.write(ino, range.start as u64, &data[range.clone()], 3).unwrap(), range.len());
        }
        fs.release(ino);
    }
    fs.create(root, b"link", NewNode::Symlink(b"dir/big.bin"), 4).unwrap();
    let gone = fs.create(root, b"unlinked", NewNode::File, 5).unwrap();
    fs.open(gone).unwrap();
    fs.write(gone, 0, &[9u8; 10_000], 6).unwrap();
    fs.unlink(root, b"unlinked", 7).unwrap();
    gone
}

/// Reads with littlefs2 what `write_with_backend` wrote.
fn check_exported<S: Storage>(fs: &Filesystem<'_, S>) -> LfsResult<()> {
    for (name, len) in FILES {
        assert_eq!(read_with_littlefs2(fs, name), pattern(len), "{name}");
    }
    let mut top = Vec::new();
    fs.read_dir_and_then(&path("/"), |entries| {
        for e in entries {
            top.push(String::from(e?.file_name().as_str()));
        }
        Ok(())
    })?;
    top.retain(|n| n != "." && n != "..");
    assert_eq!(top, ["dir", "hello.txt", "link"], "nothing unlinked, no orphans directory");
    let mut times = [0u8; 24];
    let attr = fs.attribute(&path("hello.txt"), b't', &mut times)?.expect("timestamps");
    assert_eq!(attr.total_size(), 24);
    assert_eq!(u64::from_le_bytes(times[8..16].try_into().unwrap()), 3, "mtim of the last write");
    Ok(())
}

#[test]
fn exported_images_mount_in_littlefs2() {
    for block in [512, 4096] {
        let capacity = if block == 512 { 512 * 512 } else { 4096 * 128 };
        let mut fs = LittleFs::with_block_size(capacity, block).unwrap();
        let gone = write_with_backend(&mut fs);
        let image = fs.export_image();
        // The unlinked file is still readable through its fd after the export.
        assert_eq!(read_all(&mut fs, gone), vec![9u8; 10_000]);
        if block == 512 {
            Filesystem::mount_and_then(&mut Small(image), check_exported).unwrap();
        } else {
            Filesystem::mount_and_then(&mut Large(image), check_exported).unwrap();
        }
        fs.release(gone);
    }
}

#[test]
fn leftovers_of_an_orphans_directory_are_reclaimed_on_mount() {
    // Where an earlier version of this backend kept files unlinked while open.
    let mut disk = Large(vec![0xff; 4096 * 128]);
    Filesystem::format(&mut disk).unwrap();
    Filesystem::mount_and_then(&mut disk, |fs| {
        fs.create_dir(&path(".wasi-orphans"))?;
        fs.write(&path(".wasi-orphans/17"), &pattern(100_000))?;
        fs.write(&path("kept"), b"kept")
    })
    .unwrap();
    let mut ro = LittleFs::from_image(disk.0.clone(), true).unwrap();
    let root = ro.root();
    assert_eq!(names(&mut ro, root, 0).into_iter().map(|e| e.0).collect::<Vec<_>>(), ["kept"], "hidden");
    assert_eq!(ro.lookup(root, b".wasi-orphans"), Err(Errno::NOENT));
    let mut rw = LittleFs::from_image(disk.0, false).unwrap();
    assert!(rw.usage().unwrap().0 + 100_000 <= ro.usage().unwrap().0, "its space is free again");
    assert_eq!(names(&mut rw, root, 0).into_iter().map(|e| e.0).collect::<Vec<_>>(), ["kept"]);
    let image = rw.export_image();
    Filesystem::mount_and_then(&mut Large(image), |fs| {
        assert!(!fs.exists(&path(".wasi-orphans")), "deleted from the image");
        Ok(())
    })
    .unwrap();
}
