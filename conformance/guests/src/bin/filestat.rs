//! `path_filestat_get` and `path_filestat_set_times`: types, inode numbers, link counts,
//! sizes, timestamps, with and without following symlinks.

use conformance_guests::{check_errno, create_file, scratch};

fn main() {
    let dir = scratch("filestat");
    // SAFETY: WASI calls with valid arguments.
    unsafe {
        create_file(dir, "f", b"12345");
        wasi::path_create_directory(dir, "d").unwrap();
        wasi::path_symlink("f", dir, "l").unwrap();

        let f = wasi::path_filestat_get(dir, 0, "f").unwrap();
        let d = wasi::path_filestat_get(dir, 0, "d").unwrap();
        let l = wasi::path_filestat_get(dir, 0, "l").unwrap();
        assert_eq!((f.filetype, f.size, f.nlink), (wasi::FILETYPE_REGULAR_FILE, 5, 1));
        assert_eq!(d.filetype, wasi::FILETYPE_DIRECTORY);
        assert_eq!(l.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
        assert!(f.ino != d.ino && d.ino != l.ino && f.ino != l.ino, "inodes are distinct");
        assert_eq!(f.dev, d.dev, "one filesystem, one device");
        assert!(f.mtim > 1_600_000_000_000_000_000 && f.ctim >= f.mtim.min(f.ctim));
        // The directory's own stat matches the path's.
        let own = wasi::fd_filestat_get(dir).unwrap();
        assert_eq!(own.ino, wasi::path_filestat_get(dir, 0, ".").unwrap().ino);
        assert_eq!(wasi::path_filestat_get(dir, 0, "d/..").unwrap().ino, own.ino);

        check_errno!(wasi::path_filestat_get(dir, 0, "missing"), ERRNO_NOENT);
        check_errno!(wasi::path_filestat_get(dir, 0, "f/"), ERRNO_NOTDIR);
        check_errno!(wasi::path_filestat_get(dir, 0, "f/x"), ERRNO_NOTDIR);

        // Times through a path, following the link or not.
        wasi::path_filestat_set_times(dir, 0, "f", 111, 222, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM).unwrap();
        let f = wasi::path_filestat_get(dir, 0, "f").unwrap();
        assert_eq!((f.atim, f.mtim), (111, 222));
        wasi::path_filestat_set_times(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "l", 333, 0, wasi::FSTFLAGS_ATIM).unwrap();
        let f = wasi::path_filestat_get(dir, 0, "f").unwrap();
        assert_eq!((f.atim, f.mtim), (333, 222), "following the link changed the target");
        wasi::path_filestat_set_times(dir, 0, "d", 0, 0, wasi::FSTFLAGS_ATIM_NOW | wasi::FSTFLAGS_MTIM_NOW).unwrap();
        let d = wasi::path_filestat_get(dir, 0, "d").unwrap();
        assert!(d.atim > 1_600_000_000_000_000_000 && d.mtim > 1_600_000_000_000_000_000);
        check_errno!(
            wasi::path_filestat_set_times(dir, 0, "f", 1, 1, wasi::FSTFLAGS_MTIM | wasi::FSTFLAGS_MTIM_NOW),
            ERRNO_INVAL
        );
        check_errno!(wasi::path_filestat_set_times(dir, 0, "missing", 1, 1, wasi::FSTFLAGS_MTIM), ERRNO_NOENT);

        // Creating an entry changes the directory's mtim.
        wasi::path_filestat_set_times(dir, 0, "d", 0, 10, wasi::FSTFLAGS_MTIM).unwrap();
        create_file(dir, "d/new", b"");
        assert!(wasi::path_filestat_get(dir, 0, "d").unwrap().mtim > 10);
    }
    println!("filestat: ok");
}
