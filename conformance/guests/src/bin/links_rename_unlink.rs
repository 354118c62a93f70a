//! `path_link`, `path_rename`, `path_unlink_file`: link counts, replacement rules, and
//! POSIX lifetime (an open fd keeps reading an unlinked or replaced file).

use conformance_guests::{check_errno, create_file, open, read_file, read_to_end, scratch};

fn nlink(dir: wasi::Fd, path: &str) -> u64 {
    // SAFETY: WASI call with a valid path.
    unsafe { wasi::path_filestat_get(dir, 0, path) }.unwrap().nlink
}

fn main() {
    let dir = scratch("links");
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        create_file(dir, "a", b"AAA");
        wasi::path_create_directory(dir, "d").unwrap();

        // Hard links share the inode and count names (a backend without them says ENOTSUP).
        if conformance_guests::small_backend() {
            check_errno!(wasi::path_link(dir, 0, "a", dir, "d/a2"), ERRNO_NOTSUP);
        } else {
            wasi::path_link(dir, 0, "a", dir, "d/a2").unwrap();
            assert_eq!(nlink(dir, "a"), 2);
            assert_eq!(
                wasi::path_filestat_get(dir, 0, "a").unwrap().ino,
                wasi::path_filestat_get(dir, 0, "d/a2").unwrap().ino
            );
            assert_eq!(read_file(dir, "d/a2"), b"AAA");
            check_errno!(wasi::path_link(dir, 0, "a", dir, "d/a2"), ERRNO_EXIST);
            check_errno!(wasi::path_link(dir, 0, "missing", dir, "x"), ERRNO_NOENT);
            check_errno!(wasi::path_link(dir, 0, "d", dir, "dlink"), ERRNO_PERM);
            check_errno!(wasi::path_link(dir, 0, "a", dir, "fresh/"), ERRNO_NOENT | ERRNO_NOTDIR);
            check_errno!(wasi::path_link(dir, 0, "a", dir, "/abs"), ERRNO_PERM | ERRNO_NOTCAPABLE);
            wasi::path_unlink_file(dir, "d/a2").unwrap();
            assert_eq!(nlink(dir, "a"), 1);
        }

        // Links never follow a symlink: asking to is EINVAL, as wasmtime answers.
        check_errno!(wasi::path_link(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "a", dir, "d/a3"), ERRNO_INVAL);
        check_errno!(wasi::path_link(dir, 0, "a", dir, "a"), ERRNO_EXIST | ERRNO_NOTSUP);
        if !conformance_guests::small_backend() {
            // A link to a dangling symlink links the symlink itself.
            wasi::path_symlink("nowhere", dir, "dangling").unwrap();
            wasi::path_link(dir, 0, "dangling", dir, "dangling2").unwrap();
            assert_eq!(wasi::path_filestat_get(dir, 0, "dangling2").unwrap().filetype, wasi::FILETYPE_SYMBOLIC_LINK);
            wasi::path_unlink_file(dir, "dangling").unwrap();
            wasi::path_unlink_file(dir, "dangling2").unwrap();
        }

        // Unlink: not a directory, not missing, trailing slash on a file.
        check_errno!(wasi::path_unlink_file(dir, "d"), ERRNO_ISDIR);
        check_errno!(wasi::path_unlink_file(dir, "missing"), ERRNO_NOENT);
        check_errno!(wasi::path_unlink_file(dir, "a/"), ERRNO_NOTDIR);

        // An unlinked file stays readable through an open fd.
        let fd = open(dir, "a", 0).unwrap();
        wasi::path_unlink_file(dir, "a").unwrap();
        check_errno!(open(dir, "a", 0), ERRNO_NOENT);
        assert_eq!(read_to_end(fd), b"AAA");
        assert_eq!(wasi::fd_filestat_get(fd).unwrap().nlink, 0);
        wasi::fd_close(fd).unwrap();

        // Rename a file, then over another file: the old one lives on while open.
        create_file(dir, "x", b"X");
        create_file(dir, "y", b"Y");
        let old_y = open(dir, "y", 0).unwrap();
        wasi::path_rename(dir, "x", dir, "y").unwrap();
        check_errno!(open(dir, "x", 0), ERRNO_NOENT);
        assert_eq!(read_file(dir, "y"), b"X");
        assert_eq!(read_to_end(old_y), b"Y");
        wasi::fd_close(old_y).unwrap();
        // Onto itself: nothing happens.
        wasi::path_rename(dir, "y", dir, "y").unwrap();
        assert_eq!(read_file(dir, "y"), b"X");

        // Directories: into place, over an empty directory, not over a full one.
        wasi::path_create_directory(dir, "d/inner").unwrap();
        wasi::path_rename(dir, "d", dir, "e").unwrap();
        assert_eq!(wasi::path_filestat_get(dir, 0, "e/inner").unwrap().filetype, wasi::FILETYPE_DIRECTORY);
        wasi::path_create_directory(dir, "empty").unwrap();
        wasi::path_rename(dir, "e", dir, "empty").unwrap();
        check_errno!(wasi::path_filestat_get(dir, 0, "e"), ERRNO_NOENT);
        wasi::path_create_directory(dir, "full").unwrap();
        create_file(dir, "full/f", b"");
        check_errno!(wasi::path_rename(dir, "empty", dir, "full"), ERRNO_NOTEMPTY | ERRNO_EXIST);
        // Mixed kinds.
        check_errno!(wasi::path_rename(dir, "empty", dir, "y"), ERRNO_NOTDIR);
        check_errno!(wasi::path_rename(dir, "y", dir, "full"), ERRNO_ISDIR);
        check_errno!(wasi::path_rename(dir, "y", dir, "z/"), ERRNO_NOTDIR | ERRNO_NOENT);
        // A directory into its own subtree.
        check_errno!(wasi::path_rename(dir, "empty", dir, "empty/inner/deeper"), ERRNO_INVAL);
        check_errno!(wasi::path_rename(dir, "missing", dir, "z"), ERRNO_NOENT);
        check_errno!(wasi::path_rename(dir, "y", dir, "../z"), ERRNO_PERM | ERRNO_NOTCAPABLE);

        // Renaming across directory fds of the same filesystem.
        let full = conformance_guests::open_dir(dir, "full").unwrap();
        wasi::path_rename(dir, "y", full, "moved").unwrap();
        assert_eq!(read_file(dir, "full/moved"), b"X");
        wasi::fd_close(full).unwrap();
    }
    println!("links_rename_unlink: ok");
}
