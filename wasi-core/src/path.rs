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
pub(crate) fn check(path: &[u8]) -> Result<(), Errno> {
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
            return Ok(Resolved {
                parent: cur,
                name: None,
                found: Some((cur, Filetype::Directory)),
                trailing_slash: true,
            });
        }
        let end = buf[pos..].iter().position(|b| *b == b'/').map_or(buf.len(), |i| pos + i);
        let slash_after = end < buf.len();
        let is_last = buf[end..].iter().all(|b| *b == b'/');
        let comp_range = pos..end;
        pos = end;
        match &buf[comp_range.clone()] {
            b"." => {
                if is_last {
                    return Ok(Resolved {
                        parent: cur,
                        name: None,
                        found: Some((cur, Filetype::Directory)),
                        trailing_slash: slash_after,
                    });
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
                    return Ok(Resolved {
                        parent: dir,
                        name: None,
                        found: Some((dir, Filetype::Directory)),
                        trailing_slash: slash_after,
                    });
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
        let filetype = fs.filetype(ino)?;
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
            return Ok(Resolved {
                parent: cur,
                name: Some(name.into()),
                found: Some((ino, filetype)),
                trailing_slash: slash_after,
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::{DirEntry, Ino};
    use alloc::vec::Vec;
    use wasi_abi::Filestat;

    /// One inode of a test tree: (ino, parent, name, type, symlink target).
    type Node = (Ino, Ino, &'static [u8], Filetype, &'static [u8]);

    /// A read-only tree for resolution tests.
    struct Tree(Vec<Node>);

    impl VirtualFs for Tree {
        fn root(&self) -> Ino {
            1
        }
        fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno> {
            if self.stat(dir)?.filetype != Filetype::Directory {
                return Err(Errno::NOTDIR);
            }
            if name == b".." {
                return Ok(self.0.iter().find(|n| n.0 == dir).map_or(1, |n| n.1));
            }
            self.0.iter().find(|n| n.1 == dir && n.2 == name).map(|n| n.0).ok_or(Errno::NOENT)
        }
        fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno> {
            let filetype =
                if ino == 1 { Filetype::Directory } else { self.0.iter().find(|n| n.0 == ino).ok_or(Errno::NOENT)?.3 };
            Ok(Filestat { dev: 0, ino, filetype, nlink: 1, size: 0, atim: 0, mtim: 0, ctim: 0 })
        }
        fn read(&mut self, _: Ino, _: u64, _: &mut [u8]) -> Result<usize, Errno> {
            Ok(0)
        }
        fn readlink(&mut self, ino: Ino) -> Result<Vec<u8>, Errno> {
            Ok(self.0.iter().find(|n| n.0 == ino).ok_or(Errno::NOENT)?.4.into())
        }
        fn readdir(&mut self, _: Ino, _: u64, _: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno> {
            Ok(())
        }
    }

    const D: Filetype = Filetype::Directory;
    const F: Filetype = Filetype::RegularFile;
    const L: Filetype = Filetype::SymbolicLink;

    fn tree() -> Tree {
        Tree(alloc::vec![
            (2, 1, b"dir", D, b""),
            (3, 2, b"file", F, b""),
            (4, 1, b"to_file", L, b"dir/file"),
            (5, 1, b"up", L, b"../outside"),
            (6, 1, b"abs", L, b"/etc/passwd"),
            (7, 1, b"loop", L, b"loop"),
            (8, 2, b"back", L, b"../dir/file"),
        ])
    }

    fn found(path: &[u8], follow: bool) -> Result<Option<(Ino, Filetype)>, Errno> {
        resolve(&mut tree(), 1, path, follow).map(|r| r.found)
    }

    #[test]
    fn plain_and_dotted_paths() {
        assert_eq!(found(b"dir/file", false), Ok(Some((3, F))));
        assert_eq!(found(b"./dir//./file", false), Ok(Some((3, F))));
        assert_eq!(found(b"dir/../dir/file", false), Ok(Some((3, F))));
        assert_eq!(found(b".", false), Ok(Some((1, D))));
        assert_eq!(found(b"dir/..", false), Ok(Some((1, D))));
        assert_eq!(found(b"missing", false), Ok(None));
    }

    #[test]
    fn errors_on_the_way() {
        assert_eq!(found(b"", false), Err(Errno::NOENT));
        assert_eq!(found(b"missing/x", false), Err(Errno::NOENT));
        assert_eq!(found(b"dir/file/x", false), Err(Errno::NOTDIR));
        assert_eq!(found(b"dir/file/", false), Err(Errno::NOTDIR));
        assert_eq!(found(b"dir\0", false), Err(Errno::INVAL));
        let long = alloc::vec![b'a'; 256];
        assert_eq!(found(&long, false), Err(Errno::NAMETOOLONG));
    }

    #[test]
    fn escapes_are_refused() {
        assert_eq!(found(b"/dir", false), Err(ESCAPE));
        assert_eq!(found(b"..", false), Err(ESCAPE));
        assert_eq!(found(b"dir/../..", false), Err(ESCAPE));
        assert_eq!(found(b"up", true), Err(ESCAPE));
        assert_eq!(found(b"abs", true), Err(ESCAPE));
        // Not following the last symlink, nothing escapes.
        assert_eq!(found(b"abs", false), Ok(Some((6, L))));
    }

    #[test]
    fn symlinks() {
        assert_eq!(found(b"to_file", true), Ok(Some((3, F))));
        assert_eq!(found(b"to_file", false), Ok(Some((4, L))));
        assert_eq!(found(b"dir/back", true), Ok(Some((3, F))));
        assert_eq!(found(b"loop", true), Err(Errno::LOOP));
        assert_eq!(found(b"loop/x", false), Err(Errno::LOOP));
        // A trailing slash follows the link even without `follow`.
        assert_eq!(found(b"to_file/", false), Err(Errno::NOTDIR));
        // The sandbox root is the starting directory: `..` from `dir` may not leave it.
        assert_eq!(resolve(&mut tree(), 2, b"back", true).map(|r| r.found), Err(ESCAPE));
    }
}
