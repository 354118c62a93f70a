//! What JS calls to set a host up and read it back: create, seed files, read files, drop.
//! Every host lives in a slot of a table; its number is what the syscalls and the bridge
//! are keyed by.

use std::cell::RefCell;

use wasi_core::{Errno, Ino, NewNode, VirtualFs, WasiCtx};
use wasi_fs_memory::MemoryFs;
use wasm_bindgen::prelude::*;

use crate::services::{JsClock, JsOutput, JsRandom};

thread_local! {
    /// The hosts, by slot; `None` once dropped. Slots are never reused, so a guest still
    /// holding a dropped host's imports reaches nothing rather than another host.
    static HOSTS: RefCell<Vec<Option<WasiCtx>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on host `slot`, if it exists.
pub(crate) fn with_host<R>(slot: u32, f: impl FnOnce(&mut WasiCtx) -> R) -> Option<R> {
    HOSTS.with(|hosts| hosts.borrow_mut().get_mut(slot as usize)?.as_mut().map(f))
}

/// Creates a host. `env` holds `KEY=VALUE` strings; `mounts` the guest path of each
/// in-memory backend to preopen, in order, and `read_only` a flag per mount. Stdin starts
/// empty (see `hostSetStdin`). Returns the slot. Bad input is an `Error` naming what was
/// wrong.
#[wasm_bindgen(js_name = hostCreate)]
pub fn host_create(args: Vec<String>, env: Vec<String>, mounts: Vec<String>, read_only: Vec<u8>) -> Result<u32, JsError> {
    HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        let id = u32::try_from(hosts.len()).map_err(|_| JsError::new("too many WASI hosts"))?;
        let mut b = WasiCtx::builder();
        for a in &args {
            b.arg(a);
        }
        for pair in &env {
            let (k, v) = pair.split_once('=').ok_or_else(|| JsError::new(&format!("env entry {pair:?} is not KEY=VALUE")))?;
            b.env(k, v);
        }
        for (i, path) in mounts.iter().enumerate() {
            let fs = b.backend(Box::new(MemoryFs::new()));
            b.preopen(path, fs, read_only.get(i).copied().unwrap_or(0) != 0);
        }
        b.stdout(Box::new(JsOutput { host: id, fd: 1 })).stderr(Box::new(JsOutput { host: id, fd: 2 }));
        b.clock(Box::new(JsClock(id))).random(Box::new(JsRandom(id)));
        let ctx = b.build().map_err(|e| JsError::new(&e.to_string()))?;
        hosts.push(Some(ctx));
        Ok(id)
    })
}

/// Frees a host's slot and everything it holds.
#[wasm_bindgen(js_name = hostDrop)]
pub fn host_drop(slot: u32) {
    HOSTS.with(|hosts| {
        if let Some(h) = hosts.borrow_mut().get_mut(slot as usize) {
            *h = None;
        }
    });
}

/// Replaces host `slot`'s stdin with `data` (all of it, read before the guest starts).
#[wasm_bindgen(js_name = hostSetStdin)]
pub fn host_set_stdin(slot: u32, data: Vec<u8>) {
    with_host(slot, |ctx| ctx.set_stdin(Box::new(Bytes { data, at: 0 })));
}

/// Walks `path` (relative to the backend root, `/`-separated) to its parent directory,
/// creating missing directories when `create` is set; returns the parent and last name.
fn parent_of<'p>(fs: &mut dyn VirtualFs, path: &'p str, create: bool, now: u64) -> Result<(Ino, &'p str), Errno> {
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let name = parts.pop().ok_or(Errno::INVAL)?;
    let mut dir = fs.root();
    for part in parts {
        dir = match fs.lookup(dir, part.as_bytes()) {
            Ok(ino) => ino,
            Err(Errno::NOENT) if create => fs.create(dir, part.as_bytes(), NewNode::Directory, now)?,
            Err(e) => return Err(e),
        };
    }
    Ok((dir, name))
}

/// Writes a file (creating parent directories) into mount `mount` of host `slot`.
#[wasm_bindgen(js_name = hostWriteFile)]
pub fn host_write_file(slot: u32, mount: u32, path: &str, data: &[u8]) -> Result<(), JsError> {
    let result = with_host(slot, |ctx| {
        let now = crate::bridge::host_now(slot, 0) as u64;
        let fs = ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?;
        let (dir, name) = parent_of(fs, path, true, now)?;
        let ino = match fs.lookup(dir, name.as_bytes()) {
            Ok(ino) => {
                fs.set_size(ino, 0, now)?;
                ino
            }
            Err(_) => fs.create(dir, name.as_bytes(), NewNode::File, now)?,
        };
        fs.write(ino, 0, data, now).map(drop)
    });
    match result {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(JsError::new(&format!("writing {path:?}: {e}"))),
        None => Err(JsError::new("this WASI host was closed")),
    }
}

/// Reads a file back from mount `mount` of host `slot`; `undefined` if it does not exist.
#[wasm_bindgen(js_name = hostReadFile)]
pub fn host_read_file(slot: u32, mount: u32, path: &str) -> Option<Vec<u8>> {
    with_host(slot, |ctx| {
        let fs = ctx.backend_mut(mount as usize)?;
        let (dir, name) = parent_of(fs, path, false, 0).ok()?;
        let ino = fs.lookup(dir, name.as_bytes()).ok()?;
        let size = usize::try_from(fs.stat(ino).ok()?.size).ok()?;
        let mut data = vec![0u8; size];
        let n = fs.read(ino, 0, &mut data).ok()?;
        data.truncate(n);
        Some(data)
    })
    .flatten()
}

/// The whole of stdin, handed over before the guest starts.
struct Bytes {
    data: Vec<u8>,
    at: usize,
}

impl wasi_core::InputStream for Bytes {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let n = buf.len().min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }

    fn readiness(&mut self) -> wasi_core::Readiness {
        match self.data.len() - self.at {
            0 => wasi_core::Readiness::Hangup,
            n => wasi_core::Readiness::Ready { nbytes: n as u64 },
        }
    }
}
