//! Sandboxed path resolution, done here once for every path syscall.
//!
//! A path is resolved component by component from the directory fd it is relative to, which
//! is the root of its sandbox: `..` may climb back toward that directory but never above it,
//! an absolute path or symlink target is refused, and every symlink followed counts toward
//! a limit of [`MAX_SYMLINKS`]. Any attempt to leave the sandbox is [`ESCAPE`].

use alloc::vec::Vec;
use wasi_abi::{Errno, Filetype};

use crate::vfs::{Ino, VirtualFs};

/// How many symlinks one resolution may follow before answering `ELOOP`.
pub const MAX_SYMLINKS: usize = 40;

/// The errno for a path that would leave its sandbox (absolute, or too many `..`):
/// `EPERM`, as wasmtime answers.
pub const ESCAPE: Errno = Errno::PERM;

/// Longest path accepted (bytes), as Linux's `PATH_MAX`.
pub const MAX_PATH: usize = 4096;

/// Where a path led.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The directory holding the last component.
    pub parent: Ino,
    /// The last component's name; `None` when the path ends in `.` or `..` (it names a
    /// directory without naming an entry of its parent).
    pub name: Option<Vec<u8>>,
    /// The inode and type the path names, if it exists.
    pub found: Option<(Ino, Filetype)>,
    /// The path ended with `/`: what it names must be a directory.
    pub trailing_slash: bool,
}

impl Resolved {
    /// The existing inode, or `ENOENT`.
    pub fn existing(&self) -> Result<(Ino, Filetype), Errno> {
        self.found.ok_or(Errno::NOENT)
    }

    /// The entry name, for operations on a parent's entry; a path ending in `.` or `..`
    /// names no entry.
    pub fn entry(&self, none: Errno) -> Result<&[u8], Errno> {
        self.name.as_deref().ok_or(none)
    }
}

/// Checks a path before resolution: empty is `ENOENT`, a NUL byte `EINVAL`, too long
/// `ENAMETOOLONG`, absolute `ESCAPE`.
fn check(path: &[u8]) -> Result<(), Errno> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.contains(&0) {
        return Err(Errno::INVAL);
    }
    if path.len() > MAX_PATH {
        return Err(Errno::NAMETOOLONG);
    }
    if path[0] == b'/' {
        return Err(ESCAPE);
    }
    Ok(())
}

/// Resolves `path` relative to the directory `start`. Symlinks are followed in every
/// component but the last; in the last when `follow` is set or the path ends with `/`.
/// A missing last component is not an error (`found` is `None`); a missing directory on
/// the way is `ENOENT`, a non-directory on the way `ENOTDIR`.
pub(crate) fn resolve(fs: &mut dyn VirtualFs, start: Ino, path: &[u8], follow: bool) -> Result<Resolved, Errno> {
    check(path)?;
    let max_name = fs.features().max_name_len;
    let mut stack: Vec<Ino> = alloc::vec![start];
    let mut buf: Vec<u8> = path.into();
    let mut pos = 0usize;
    let mut links = 0usize;
    loop {
        while buf.get(pos) == Some(&b'/') {
            pos += 1;
        }
        let cur = *stack.last().unwrap_or(&start);
        if pos == buf.len() {
            // The path ended in `/` (or only `/`s after a `.`/`..`): it names `cur` itself.
            return Ok(Resolved { parent: cur, name: None, found: Some((cur, Filetype::Directory)), trailing_slash: true });
        }
        let end = buf[pos..].iter().position(|b| *b == b'/').map_or(buf.len(), |i| pos + i);
        let slash_after = end < buf.len();
        let is_last = buf[end..].iter().all(|b| *b == b'/');
        let comp_range = pos..end;
        pos = end;
        match &buf[comp_range.clone()] {
            b"." => {
                if is_last {
                    return Ok(Resolved { parent: cur, name: None, found: Some((cur, Filetype::Directory)), trailing_slash: slash_after });
                }
                continue;
            }
            b".." => {
                if stack.len() == 1 {
                    return Err(ESCAPE);
                }
                stack.pop();
                if is_last {
                    let dir = *stack.last().unwrap_or(&start);
                    return Ok(Resolved { parent: dir, name: None, found: Some((dir, Filetype::Directory)), trailing_slash: slash_after });
                }
                continue;
            }
            name if name.len() > max_name => return Err(Errno::NAMETOOLONG),
            _ => {}
        }
        let name = &buf[comp_range.clone()];
        let ino = match fs.lookup(cur, name) {
            Ok(ino) => ino,
            Err(Errno::NOENT) if is_last => {
                return Ok(Resolved { parent: cur, name: Some(name.into()), found: None, trailing_slash: slash_after });
            }
            Err(e) => return Err(e),
        };
        let filetype = fs.stat(ino)?.filetype;
        if filetype == Filetype::SymbolicLink && (!is_last || follow || slash_after) {
            links += 1;
            if links > MAX_SYMLINKS {
                return Err(Errno::LOOP);
            }
            let target = fs.readlink(ino)?;
            if target.is_empty() {
                return Err(Errno::NOENT);
            }
            if target[0] == b'/' {
                return Err(ESCAPE);
            }
            let mut next = target;
            next.extend_from_slice(&buf[comp_range.end..]);
            if next.len() > MAX_PATH {
                return Err(Errno::NAMETOOLONG);
            }
            buf = next;
            pos = 0;
            continue;
        }
        if is_last {
            if slash_after && filetype != Filetype::Directory {
                return Err(Errno::NOTDIR);
            }
            return Ok(Resolved { parent: cur, name: Some(name.into()), found: Some((ino, filetype)), trailing_slash: slash_after });
        }
        if filetype != Filetype::Directory {
            return Err(Errno::NOTDIR);
        }
        stack.push(ino);
    }
}

/// Whether `ancestor` is `ino` or one of its parents (walking `..` up to the root), so
/// that a directory is never moved into itself.
pub(crate) fn is_ancestor(fs: &mut dyn VirtualFs, ancestor: Ino, mut ino: Ino) -> Result<bool, Errno> {
    loop {
        if ino == ancestor {
            return Ok(true);
        }
        let parent = fs.lookup(ino, b"..")?;
        if parent == ino {
            return Ok(false);
        }
        ino = parent;
    }
}
