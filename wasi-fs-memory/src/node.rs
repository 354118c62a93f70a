//! One inode: what it holds, its links, its times and how many fds have it open.

use wasi_core::wasi_abi::Filetype;
use wasi_core::Timestamp;

use crate::data::Data;
use crate::dir::Dir;
use crate::quota::QVec;

/// What an inode holds.
#[derive(Debug)]
pub enum Content {
    /// A regular file.
    File(Data),
    /// A directory.
    Dir(Dir),
    /// A symbolic link's target.
    Symlink(QVec<u8>),
}

/// An inode.
#[derive(Debug)]
pub struct Node {
    pub content: Content,
    /// Names pointing here (for a directory: its entry in the parent and its own `.`,
    /// plus each subdirectory's `..`, as POSIX counts).
    pub nlink: u64,
    pub atim: Timestamp,
    pub mtim: Timestamp,
    pub ctim: Timestamp,
    /// Open fds referring to this inode.
    pub open: u32,
}

impl Node {
    pub fn new(content: Content, now: Timestamp) -> Self {
        let nlink = if matches!(content, Content::Dir(_)) { 2 } else { 1 };
        Node { content, nlink, atim: now, mtim: now, ctim: now, open: 0 }
    }

    pub fn filetype(&self) -> Filetype {
        match self.content {
            Content::File(_) => Filetype::RegularFile,
            Content::Dir(_) => Filetype::Directory,
            Content::Symlink(_) => Filetype::SymbolicLink,
        }
    }
}
