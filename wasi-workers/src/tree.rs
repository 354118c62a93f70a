//! What JS needs to carry a mount's tree in and out as a tar archive (`js/tar.js`):
//! make directories, symlinks and hard links, set mtimes and sizes, list a directory with each
//! entry's attributes, read a symlink. The archive itself is read and written in JS, which
//! costs the shipped module nothing; these calls only touch one node at a time. Paths are
//! relative to the mount's root, checked in JS first and again here (`..` and NUL are
//! `EINVAL`). Nothing here follows a symlink: an archive cannot write through one.

use alloc::vec::Vec;

use wasi_core::wasi_abi::Filetype;
use wasi_core::{Errno, Ino, NewNode, Timestamp, VirtualFs};

use crate::api::{node_at, parent_of, split_input, take_input, with_running, OUTPUT};

/// What `host_make` makes.
const DIRECTORY: u32 = 0;
const SYMLINK: u32 = 1;
const FILE: u32 = 2;

/// The most bytes of entries `host_list_dir` answers at once (it answers at least one).
const LIST_BYTES: usize = 64 * 1024;

/// The bytes of an entry's record before its name (see `host_list_dir`).
const RECORD_HEAD: usize = 8 * 5 + 1 + 2;

/// A code for JS: 0 or an errno, or a refusal (see `api.rs`).
fn code(result: Result<(), u32>) -> u32 {
    result.err().unwrap_or(0)
}

/// A count for JS, or minus the code of why not.
fn count(result: Result<usize, u32>) -> f64 {
    match result {
        Ok(n) => n as f64,
        Err(code) => -f64::from(code),
    }
}

/// Backend `mount` of `ctx`.
fn backend(ctx: &mut wasi_core::WasiCtx, mount: u32) -> Result<&mut (dyn VirtualFs + 'static), Errno> {
    ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)
}

/// Frees `name` in `dir` for a new entry, as tar does when it extracts over a file: a
/// non-directory there is removed; a directory is `EEXIST`.
fn make_room(fs: &mut dyn VirtualFs, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
    match fs.lookup(dir, name) {
        Ok(ino) if fs.filetype(ino)? == Filetype::Directory => Err(Errno::EXIST),
        Ok(_) => fs.unlink(dir, name, now),
        Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes a directory (`kind` 0; one that exists already is kept), a symlink (`kind` 1) or
/// an empty file (`kind` 2) at the path in the input's first `path_len` bytes, creating
/// missing parents; a symlink's target is the rest of the input. A symlink or file takes
/// the place of a non-directory, as a new inode (a hard link to the old one keeps its
/// data). Returns 0 or a code.
#[no_mangle]
pub extern "C" fn host_make(mount: u32, kind: u32, path_len: u32) -> u32 {
    let Some((path, target)) = split_input(path_len) else { return u32::from(Errno::INVAL.raw()) };
    code(with_running(|ctx| {
        let now = crate::bridge::host_now(0) as u64;
        let fs = backend(ctx, mount)?;
        let (dir, name) = parent_of(fs, &path, true, now)?;
        match kind {
            DIRECTORY => match fs.lookup(dir, name) {
                Ok(ino) if fs.filetype(ino)? == Filetype::Directory => Ok(()),
                Ok(_) => Err(Errno::EXIST),
                Err(Errno::NOENT) => fs.create(dir, name, NewNode::Directory, now).map(drop),
                Err(e) => Err(e),
            },
            SYMLINK if !target.contains(&0) => {
                make_room(fs, dir, name, now)?;
                fs.create(dir, name, NewNode::Symlink(&target), now).map(drop)
            }
            FILE => {
                make_room(fs, dir, name, now)?;
                fs.create(dir, name, NewNode::File, now).map(drop)
            }
            _ => Err(Errno::INVAL),
        }
    }))
}

/// Gives the file at the path after the input's first `path_len` bytes a second name: the
/// path in those bytes (replacing a non-directory). `ENOTSUP` before any change where the
/// backend has no hard links (JS then writes a copy). Returns 0 or a code.
#[no_mangle]
pub extern "C" fn host_link(mount: u32, path_len: u32) -> u32 {
    let Some((path, existing)) = split_input(path_len) else { return u32::from(Errno::INVAL.raw()) };
    code(with_running(|ctx| {
        let now = crate::bridge::host_now(0) as u64;
        let fs = backend(ctx, mount)?;
        if !fs.features().hard_links {
            return Err(Errno::NOTSUP);
        }
        let ino = node_at(fs, &existing)?;
        if fs.filetype(ino)? == Filetype::Directory {
            return Err(Errno::PERM);
        }
        let (dir, name) = parent_of(fs, &path, true, now)?;
        if fs.lookup(dir, name) == Ok(ino) {
            return Ok(());
        }
        make_room(fs, dir, name, now)?;
        fs.link(ino, dir, name, now)
    }))
}

/// Sets the mtime of the node at the input path (the mount's root for none) to `secs`
/// seconds and `nanos` nanoseconds after the epoch; times before it become the epoch.
/// Returns 0 or a code.
#[no_mangle]
pub extern "C" fn host_set_mtime(mount: u32, secs: f64, nanos: u32) -> u32 {
    let path = take_input();
    let mtime = (secs.max(0.0) as u64).saturating_mul(1_000_000_000).saturating_add(u64::from(nanos));
    code(with_running(|ctx| {
        let now = crate::bridge::host_now(0) as u64;
        let fs = backend(ctx, mount)?;
        let ino = node_at(fs, &path)?;
        fs.set_times(ino, None, Some(mtime), now)
    }))
}

/// Sets the size of the file at the input path to `size` bytes (a sparse file's holes at its
/// end, which no write makes), and commits it. Returns 0 or a code.
#[no_mangle]
pub extern "C" fn host_set_size(mount: u32, size: f64) -> u32 {
    let path = take_input();
    code(with_running(|ctx| {
        let now = crate::bridge::host_now(0) as u64;
        let fs = backend(ctx, mount)?;
        let ino = node_at(fs, &path)?;
        if fs.filetype(ino)? != Filetype::RegularFile {
            return Err(Errno::INVAL);
        }
        fs.set_size(ino, size as u64, now)?;
        fs.sync(ino)
    }))
}

/// Lists the directory at the input path (the mount's root for none) after `cookie` (0:
/// from the start; two halves, as JS has no u64) into the output buffer, up to 64 KiB of
/// records; returns the bytes listed (0 at the end), or minus the code of why not. Each
/// record, little-endian: the cookie after it, ino, nlink, size, mtime (ns) as u64, the
/// filetype as a u8, the name's length as a u16, the name.
#[no_mangle]
pub extern "C" fn host_list_dir(mount: u32, cookie_lo: u32, cookie_hi: u32) -> f64 {
    let path = take_input();
    let cookie = u64::from(cookie_hi) << 32 | u64::from(cookie_lo);
    count(with_running(|ctx| {
        let fs = backend(ctx, mount)?;
        let dir = node_at(fs, &path)?;
        let mut out = Vec::new();
        let mut inos = Vec::new();
        let mut full = Ok(());
        fs.readdir(dir, cookie, &mut |e| {
            if !out.is_empty() && out.len() + RECORD_HEAD + e.name.len() > LIST_BYTES {
                return false;
            }
            full = out.try_reserve(RECORD_HEAD + e.name.len()).and_then(|()| inos.try_reserve(1));
            if full.is_err() {
                return false;
            }
            inos.push((out.len(), e.ino));
            out.extend_from_slice(&e.next.to_le_bytes());
            out.extend_from_slice(&e.ino.to_le_bytes());
            out.extend_from_slice(&[0; 24]);
            out.push(e.filetype.raw());
            out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            out.extend_from_slice(e.name);
            true
        })?;
        full.map_err(|_| Errno::NOMEM)?;
        // Attributes come after the listing: the backend is lent to `readdir` until then.
        for (at, ino) in inos {
            let st = fs.stat(ino)?;
            out[at + 16..at + 24].copy_from_slice(&st.nlink.to_le_bytes());
            out[at + 24..at + 32].copy_from_slice(&st.size.to_le_bytes());
            out[at + 32..at + 40].copy_from_slice(&st.mtim.to_le_bytes());
        }
        let len = out.len();
        OUTPUT.with(|o| *o = out);
        Ok(len)
    }))
}

/// Puts the target of the symlink at the input path in the output buffer; returns its
/// length, or minus the code of why not (`EINVAL` for a node that is not a symlink).
#[no_mangle]
pub extern "C" fn host_readlink(mount: u32) -> f64 {
    let path = take_input();
    count(with_running(|ctx| {
        let fs = backend(ctx, mount)?;
        let ino = node_at(fs, &path)?;
        let target = fs.readlink(ino)?;
        let len = target.len();
        OUTPUT.with(|o| *o = target);
        Ok(len)
    }))
}
