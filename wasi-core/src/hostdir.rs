//! Copying a host directory tree into a backend (feature `std`, on Unix), as `wasi-run
//! --dir` does: a guest sees a copy, and nothing it does reaches the host.

use std::format;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::{Ino, NewNode, VirtualFs};

/// Copies the files, directories and symlinks under `host` into directory `dir` of `fs`,
/// stamping them with `now`.
pub fn copy_into(fs: &mut dyn VirtualFs, dir: Ino, host: &Path, now: u64) -> io::Result<()> {
    let fail = |what: &str, path: &Path, e: crate::Errno| io::Error::other(format!("{what} {}: {e}", path.display()));
    for entry in std::fs::read_dir(host)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.as_bytes();
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            let target = std::fs::read_link(&path)?;
            fs.create(dir, name, NewNode::Symlink(target.as_os_str().as_bytes()), now)
                .map_err(|e| fail("creating symlink", &path, e))?;
        } else if kind.is_dir() {
            let sub =
                fs.create(dir, name, NewNode::Directory, now).map_err(|e| fail("creating directory", &path, e))?;
            copy_into(fs, sub, &path, now)?;
        } else if kind.is_file() {
            let ino = fs.create(dir, name, NewNode::File, now).map_err(|e| fail("creating file", &path, e))?;
            let data = std::fs::read(&path)?;
            let mut at = 0;
            while at < data.len() {
                let n = fs.write(ino, at as u64, &data[at..], now).map_err(|e| fail("writing", &path, e))?;
                if n == 0 {
                    return Err(fail("writing", &path, crate::Errno::NOSPC));
                }
                at += n;
            }
        }
    }
    Ok(())
}
