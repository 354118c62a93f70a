//! `path_create_directory`, `path_remove_directory`, and `fd_readdir`: `.`/`..` first,
//! cookies that resume a listing, a buffer that cuts the last entry, listings after unlinks.

use conformance_guests::{check_errno, create_file, list, open, open_dir, scratch};

fn main() {
    let dir = scratch("directories");
    // SAFETY: WASI calls with buffers that outlive them.
    unsafe {
        wasi::path_create_directory(dir, "a").unwrap();
        wasi::path_create_directory(dir, "a/b/").unwrap();
        check_errno!(wasi::path_create_directory(dir, "a"), ERRNO_EXIST);
        check_errno!(wasi::path_create_directory(dir, "."), ERRNO_EXIST);
        check_errno!(wasi::path_create_directory(dir, "missing/x"), ERRNO_NOENT);
        check_errno!(wasi::path_create_directory(dir, ".."), ERRNO_PERM | ERRNO_NOTCAPABLE | ERRNO_EXIST);
        create_file(dir, "file", b"");
        check_errno!(wasi::path_create_directory(dir, "file"), ERRNO_EXIST);
        check_errno!(wasi::path_create_directory(dir, "file/x"), ERRNO_NOTDIR);

        check_errno!(wasi::path_remove_directory(dir, "a"), ERRNO_NOTEMPTY);
        check_errno!(wasi::path_remove_directory(dir, "file"), ERRNO_NOTDIR);
        check_errno!(wasi::path_remove_directory(dir, "missing"), ERRNO_NOENT);
        wasi::path_remove_directory(dir, "a/b").unwrap();
        // A trailing slash: EINVAL, as wasmtime answers (cap-std refuses it).
        check_errno!(wasi::path_remove_directory(dir, "a/"), ERRNO_INVAL);
        wasi::path_remove_directory(dir, "a").unwrap();
        check_errno!(wasi::path_remove_directory(dir, "a"), ERRNO_NOENT);

        // Listing: `.` and `..` first with cookies 1 and 2.
        for i in 0..20 {
            create_file(dir, &format!("entry{i:02}"), b"x");
        }
        let all = list(dir, 4096);
        assert_eq!(all[0].0, ".");
        assert_eq!(all[0].1, wasi::FILETYPE_DIRECTORY);
        assert_eq!(all[0].2, 1);
        assert_eq!(all[1].0, "..");
        assert_eq!(all[1].2, 2);
        let mut names: Vec<_> = all[2..].iter().map(|e| e.0.clone()).collect();
        names.sort();
        let mut want: Vec<_> = (0..20).map(|i| format!("entry{i:02}")).collect();
        want.push("file".into());
        want.sort();
        assert_eq!(names, want);
        assert!(all[2..].iter().all(|e| e.1 == wasi::FILETYPE_REGULAR_FILE));

        // A small buffer gives the same listing through cookies.
        assert_eq!(list(dir, 40), all);

        // Cut entries: a buffer too small for a header fills it entirely.
        let mut buf = [0u8; 10];
        assert_eq!(wasi::fd_readdir(dir, buf.as_mut_ptr(), 10, 0).unwrap(), 10);
        // Resuming at the cookie of the third entry skips the first three.
        let third = all[2].2;
        let mut big = vec![0u8; 4096];
        let used = wasi::fd_readdir(dir, big.as_mut_ptr(), big.len(), third).unwrap();
        let namlen = u32::from_le_bytes(big[16..20].try_into().unwrap()) as usize;
        assert!(used >= 24 + namlen);
        assert_eq!(std::str::from_utf8(&big[24..24 + namlen]).unwrap(), all[3].0);
        // Past the end: nothing.
        let last = all.last().unwrap().2;
        assert_eq!(wasi::fd_readdir(dir, big.as_mut_ptr(), big.len(), last).unwrap(), 0);

        // Entries removed during a listing are skipped; the cookie stays valid.
        let cookie = all[5].2;
        wasi::path_unlink_file(dir, &all[6].0).unwrap();
        let used = wasi::fd_readdir(dir, big.as_mut_ptr(), big.len(), cookie).unwrap();
        let namlen = u32::from_le_bytes(big[16..20].try_into().unwrap()) as usize;
        assert!(used >= 24 + namlen);
        assert_eq!(std::str::from_utf8(&big[24..24 + namlen]).unwrap(), all[7].0);

        // d_ino matches the inode fd_filestat_get reports.
        let f = open(dir, &all[2].0, 0).unwrap();
        let ino = wasi::fd_filestat_get(f).unwrap().ino;
        let used = wasi::fd_readdir(dir, big.as_mut_ptr(), big.len(), 2).unwrap();
        assert!(used >= 24);
        assert_eq!(u64::from_le_bytes(big[8..16].try_into().unwrap()), ino);

        // fd_readdir on a file is ENOTDIR.
        check_errno!(wasi::fd_readdir(f, big.as_mut_ptr(), big.len(), 0), ERRNO_NOTDIR | ERRNO_BADF);
        wasi::fd_close(f).unwrap();

        // An empty directory lists just `.` and `..`.
        wasi::path_create_directory(dir, "empty").unwrap();
        let e = open_dir(dir, "empty").unwrap();
        let names: Vec<_> = list(e, 256).into_iter().map(|e| e.0).collect();
        assert_eq!(names, [".", ".."]);
        wasi::fd_close(e).unwrap();
    }
    println!("directories: ok");
}
