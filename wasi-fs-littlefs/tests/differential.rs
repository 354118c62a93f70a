//! Differential property test: random sequences of filesystem operations applied to the
//! memory backend, the littlefs backend and a plain model must give the same result for
//! every operation and the same final tree. Only operations the core would issue are
//! generated (no writes to directories through a path, no directory moved into itself).
//! `PROPTEST_CASES=N` runs more cases than the default.

use std::collections::BTreeMap;

use proptest::prelude::*;
use wasi_core::wasi_abi::{Errno, Filetype};
use wasi_core::{DirEntry, Ino, NewNode, VirtualFs};
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

mod common;
use common::read_all;

type Path = Vec<&'static str>;

#[derive(Debug, Clone)]
enum Op {
    CreateFile(Path),
    Mkdir(Path),
    Symlink(Path, &'static str),
    Write(Path, u16, u8, u16),
    Truncate(Path, u16),
    Unlink(Path),
    Rmdir(Path),
    Rename(Path, Path),
    /// Open, unlink, read through the open inode, release.
    UnlinkOpen(Path),
    /// Open, write at each (offset, byte, length) in turn, read the file back, release.
    Writes(Path, Vec<(u16, u8, u16)>),
    /// Open, unlink, write to the unlinked file, read it back, release.
    UnlinkOpenWrite(Path, u16, u8, u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    File(Vec<u8>),
    Dir,
    Link(Vec<u8>),
}

/// What an operation answered, comparable across backends.
type Answer = Result<Vec<u8>, Errno>;

fn path() -> impl Strategy<Value = Path> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..=2)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        path().prop_map(Op::CreateFile),
        path().prop_map(Op::Mkdir),
        (path(), prop::sample::select(vec!["a", "../b", "x/y"])).prop_map(|(p, t)| Op::Symlink(p, t)),
        (path(), 0..3000u16, any::<u8>(), 0..700u16).prop_map(|(p, o, b, n)| Op::Write(p, o, b, n)),
        (path(), 0..3000u16).prop_map(|(p, s)| Op::Truncate(p, s)),
        path().prop_map(Op::Unlink),
        path().prop_map(Op::Rmdir),
        (path(), path()).prop_map(|(a, b)| Op::Rename(a, b)),
        path().prop_map(Op::UnlinkOpen),
        (path(), prop::collection::vec((0..9000u16, any::<u8>(), 1..3000u16), 1..6))
            .prop_map(|(p, w)| Op::Writes(p, w)),
        (path(), 0..6000u16, any::<u8>(), 1..3000u16).prop_map(|(p, o, b, n)| Op::UnlinkOpenWrite(p, o, b, n)),
    ]
}

/// `data` after writing `len` bytes of `byte` at `offset` (zero-filling any gap; no bytes
/// change nothing).
fn written(data: &mut Vec<u8>, offset: u16, byte: u8, len: u16) {
    if len == 0 {
        return;
    }
    let end = offset as usize + len as usize;
    if data.len() < end {
        data.resize(end, 0);
    }
    data[offset as usize..end].fill(byte);
}

/// The model: a map from path to node.
#[derive(Default)]
struct Model(BTreeMap<Path, Node>);

impl Model {
    fn parent_ok(&self, p: &Path) -> Result<(), Errno> {
        for i in 1..p.len() {
            match self.0.get(&p[..i]) {
                Some(Node::Dir) => {}
                Some(_) => return Err(Errno::NOTDIR),
                None => return Err(Errno::NOENT),
            }
        }
        Ok(())
    }

    fn children(&self, p: &Path) -> bool {
        self.0.keys().any(|k| k.len() > p.len() && k.starts_with(p))
    }

    fn apply(&mut self, op: &Op) -> Answer {
        match op {
            Op::CreateFile(p) | Op::Mkdir(p) | Op::Symlink(p, _) => {
                self.parent_ok(p)?;
                if self.0.contains_key(p) {
                    return Err(Errno::EXIST);
                }
                let node = match op {
                    Op::CreateFile(_) => Node::File(Vec::new()),
                    Op::Mkdir(_) => Node::Dir,
                    Op::Symlink(_, t) => Node::Link(t.as_bytes().to_vec()),
                    _ => unreachable!(),
                };
                self.0.insert(p.clone(), node);
                Ok(Vec::new())
            }
            Op::Write(p, offset, byte, len) => {
                let Some(Node::File(data)) = self.0.get_mut(p) else { return Ok(b"skip".to_vec()) };
                written(data, *offset, *byte, *len);
                Ok(Vec::new())
            }
            Op::Writes(p, writes) => {
                let Some(Node::File(data)) = self.0.get_mut(p) else { return Ok(b"skip".to_vec()) };
                for (offset, byte, len) in writes {
                    written(data, *offset, *byte, *len);
                }
                Ok(data.clone())
            }
            Op::UnlinkOpenWrite(p, offset, byte, len) => {
                let Some(Node::File(data)) = self.0.get(p) else { return Ok(b"skip".to_vec()) };
                let mut data = data.clone();
                written(&mut data, *offset, *byte, *len);
                self.0.remove(p);
                Ok(data)
            }
            Op::Truncate(p, size) => {
                let Some(Node::File(data)) = self.0.get_mut(p) else { return Ok(b"skip".to_vec()) };
                data.resize(*size as usize, 0);
                Ok(Vec::new())
            }
            Op::Unlink(p) | Op::UnlinkOpen(p) => {
                self.parent_ok(p)?;
                match self.0.get(p) {
                    None => Err(Errno::NOENT),
                    Some(Node::Dir) => Err(Errno::ISDIR),
                    Some(node) => {
                        let kept = match (op, node) {
                            (Op::UnlinkOpen(_), Node::File(d)) => d.clone(),
                            _ => Vec::new(),
                        };
                        self.0.remove(p);
                        Ok(kept)
                    }
                }
            }
            Op::Rmdir(p) => {
                self.parent_ok(p)?;
                match self.0.get(p) {
                    None => Err(Errno::NOENT),
                    Some(Node::Dir) if self.children(p) => Err(Errno::NOTEMPTY),
                    Some(Node::Dir) => {
                        self.0.remove(p);
                        Ok(Vec::new())
                    }
                    Some(_) => Err(Errno::NOTDIR),
                }
            }
            Op::Rename(from, to) => {
                if to.starts_with(from) && to.len() > from.len() {
                    return Ok(b"skip".to_vec());
                }
                self.parent_ok(from)?;
                let node = self.0.get(from).cloned().ok_or(Errno::NOENT)?;
                self.parent_ok(to)?;
                if from == to {
                    return Ok(Vec::new());
                }
                match (self.0.get(to), &node) {
                    (Some(Node::Dir), Node::Dir) if self.children(to) => return Err(Errno::NOTEMPTY),
                    (Some(Node::Dir), Node::Dir) => {}
                    (Some(Node::Dir), _) => return Err(Errno::ISDIR),
                    (Some(_), Node::Dir) => return Err(Errno::NOTDIR),
                    _ => {}
                }
                let moved: Vec<(Path, Node)> =
                    self.0.iter().filter(|(k, _)| k.starts_with(from)).map(|(k, v)| (k.clone(), v.clone())).collect();
                self.0.retain(|k, _| !(k.starts_with(from) || k.starts_with(to) && k.len() > to.len()));
                for (k, v) in moved {
                    let mut nk = to.clone();
                    nk.extend_from_slice(&k[from.len()..]);
                    self.0.insert(nk, v);
                }
                Ok(Vec::new())
            }
        }
    }
}

/// Walks to the parent of `p`, returning it and the last name.
fn parent(fs: &mut dyn VirtualFs, p: &Path) -> Result<(Ino, &'static str), Errno> {
    let mut dir = fs.root();
    for name in &p[..p.len() - 1] {
        dir = fs.lookup(dir, name.as_bytes())?;
    }
    Ok((dir, p[p.len() - 1]))
}

fn kind(fs: &mut dyn VirtualFs, p: &Path) -> Option<Filetype> {
    let (dir, name) = parent(fs, p).ok()?;
    let ino = fs.lookup(dir, name.as_bytes()).ok()?;
    Some(fs.stat(ino).ok()?.filetype)
}

fn apply(fs: &mut dyn VirtualFs, op: &Op) -> Answer {
    match op {
        Op::CreateFile(p) | Op::Mkdir(p) | Op::Symlink(p, _) => {
            let (dir, name) = parent(fs, p)?;
            let node = match op {
                Op::CreateFile(_) => NewNode::File,
                Op::Mkdir(_) => NewNode::Directory,
                Op::Symlink(_, t) => NewNode::Symlink(t.as_bytes()),
                _ => unreachable!(),
            };
            fs.create(dir, name.as_bytes(), node, 1).map(|_| Vec::new())
        }
        Op::Write(p, offset, byte, len) => {
            if kind(fs, p) != Some(Filetype::RegularFile) {
                return Ok(b"skip".to_vec());
            }
            let (dir, name) = parent(fs, p)?;
            let ino = fs.lookup(dir, name.as_bytes())?;
            fs.write(ino, u64::from(*offset), &vec![*byte; *len as usize], 2).map(|_| Vec::new())
        }
        Op::Writes(p, writes) => {
            if kind(fs, p) != Some(Filetype::RegularFile) {
                return Ok(b"skip".to_vec());
            }
            let (dir, name) = parent(fs, p)?;
            let ino = fs.lookup(dir, name.as_bytes())?;
            fs.open(ino)?;
            for (offset, byte, len) in writes {
                fs.write(ino, u64::from(*offset), &vec![*byte; *len as usize], 8)?;
            }
            let back = read_all(fs, ino);
            fs.release(ino);
            Ok(back)
        }
        Op::UnlinkOpenWrite(p, offset, byte, len) => {
            if kind(fs, p) != Some(Filetype::RegularFile) {
                return Ok(b"skip".to_vec());
            }
            let (dir, name) = parent(fs, p)?;
            let ino = fs.lookup(dir, name.as_bytes())?;
            fs.open(ino)?;
            fs.unlink(dir, name.as_bytes(), 9)?;
            fs.write(ino, u64::from(*offset), &vec![*byte; *len as usize], 9)?;
            let back = read_all(fs, ino);
            fs.release(ino);
            Ok(back)
        }
        Op::Truncate(p, size) => {
            if kind(fs, p) != Some(Filetype::RegularFile) {
                return Ok(b"skip".to_vec());
            }
            let (dir, name) = parent(fs, p)?;
            let ino = fs.lookup(dir, name.as_bytes())?;
            fs.set_size(ino, u64::from(*size), 3).map(|_| Vec::new())
        }
        Op::Unlink(p) => {
            let (dir, name) = parent(fs, p)?;
            fs.unlink(dir, name.as_bytes(), 4).map(|_| Vec::new())
        }
        Op::UnlinkOpen(p) => {
            let (dir, name) = parent(fs, p)?;
            let ino = fs.lookup(dir, name.as_bytes())?;
            let is_file = fs.stat(ino)?.filetype == Filetype::RegularFile;
            fs.open(ino)?;
            let result = fs.unlink(dir, name.as_bytes(), 5);
            let kept = if result.is_ok() && is_file { read_all(fs, ino) } else { Vec::new() };
            fs.release(ino);
            result.map(|_| kept)
        }
        Op::Rmdir(p) => {
            let (dir, name) = parent(fs, p)?;
            fs.rmdir(dir, name.as_bytes(), 6).map(|_| Vec::new())
        }
        Op::Rename(from, to) => {
            if to.starts_with(from) && to.len() > from.len() {
                return Ok(b"skip".to_vec());
            }
            let (fd, fname) = parent(fs, from)?;
            fs.lookup(fd, fname.as_bytes())?;
            let (td, tname) = parent(fs, to)?;
            fs.rename(fd, fname.as_bytes(), td, tname.as_bytes(), 7).map(|_| Vec::new())
        }
    }
}

/// Every path under the root with its node, by walking `readdir` (and looking each name
/// up, as a guest does: a listed inode number need not be cached).
fn tree(fs: &mut dyn VirtualFs) -> BTreeMap<Vec<String>, Node> {
    let mut out = BTreeMap::new();
    let mut todo = vec![(fs.root(), Vec::<String>::new())];
    while let Some((dir, at)) = todo.pop() {
        let mut entries = Vec::new();
        fs.readdir(dir, 0, &mut |e: DirEntry<'_>| {
            entries.push((String::from_utf8(e.name.to_vec()).unwrap(), e.ino, e.filetype));
            true
        })
        .unwrap();
        for (name, listed, ty) in entries {
            let ino = fs.lookup(dir, name.as_bytes()).unwrap();
            assert_eq!(listed, ino, "{name}: the listed inode is the one lookup finds");
            let mut p = at.clone();
            p.push(name);
            let node = match ty {
                Filetype::Directory => {
                    todo.push((ino, p.clone()));
                    Node::Dir
                }
                Filetype::SymbolicLink => Node::Link(fs.readlink(ino).unwrap()),
                _ => Node::File(read_all(fs, ino)),
            };
            out.insert(p, node);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    /// Both backends (littlefs in 512-byte and 4 KiB blocks) answer as the model does,
    /// and an exported littlefs image holds the same tree.
    #[test]
    fn memory_littlefs_and_model_agree(ops in prop::collection::vec(op(), 1..40), small_blocks in any::<bool>()) {
        let mut model = Model::default();
        let mut memory = MemoryFs::new();
        let block = if small_blocks { 512 } else { 4096 };
        let mut littlefs = LittleFs::with_block_size(1 << 20, block).unwrap();
        for (i, op) in ops.iter().enumerate() {
            let want = model.apply(op);
            let m = apply(&mut memory, op);
            let l = apply(&mut littlefs, op);
            prop_assert_eq!(&m, &want, "memory, op {} {:?}", i, op);
            prop_assert_eq!(&l, &want, "littlefs, op {} {:?}", i, op);
        }
        let want: BTreeMap<Vec<String>, Node> = model.0.into_iter().map(|(k, v)| (k.into_iter().map(String::from).collect(), v)).collect();
        prop_assert_eq!(&tree(&mut memory), &want);
        prop_assert_eq!(&tree(&mut littlefs), &want);
        let mut again = LittleFs::from_image(littlefs.export_image(), true).unwrap();
        prop_assert_eq!(again.block_size(), block);
        prop_assert_eq!(&tree(&mut again), &want);
    }
}
