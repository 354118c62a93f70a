//! What JS calls to set a host up and read it back: create with mounts, seed files, read
//! files, export littlefs images, drop.
//! Every host lives in a slot of a table; its number is what the syscalls and the bridge
//! are keyed by.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use wasi_core::{BytesInput, Errno, Ino, NewNode, VirtualFs, WasiCtx, WasiCtxBuilder};
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;
use wasm_bindgen::prelude::*;

use crate::services::{JsClock, JsOutput, JsRandom};

/// A running host: the WASI state, and a handle on each littlefs mount (by mount number)
/// for exporting its image.
struct Host {
    ctx: WasiCtx,
    images: Vec<Option<Rc<RefCell<LittleFs>>>>,
}

/// A host being set up: mounts are added one call at a time, then `hostFinish` builds it.
struct Pending {
    builder: WasiCtxBuilder,
    images: Vec<Option<Rc<RefCell<LittleFs>>>>,
}

thread_local! {
    /// The hosts, by slot; `None` while being set up and once dropped. Slots are never
    /// reused, so a guest still holding a dropped host's imports reaches nothing rather
    /// than another host.
    static HOSTS: RefCell<Vec<Option<Host>>> = const { RefCell::new(Vec::new()) };
    static PENDING: RefCell<BTreeMap<u32, Pending>> = const { RefCell::new(BTreeMap::new()) };
}

/// Runs `f` on host `slot`, if it exists.
pub(crate) fn with_host<R>(slot: u32, f: impl FnOnce(&mut WasiCtx) -> R) -> Option<R> {
    HOSTS.with(|hosts| hosts.borrow_mut().get_mut(slot as usize)?.as_mut().map(|h| f(&mut h.ctx)))
}

fn error(e: impl core::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Starts setting up a host. `env` holds `KEY=VALUE` strings. Returns the slot; add mounts
/// with the `hostMount*` functions, then call `hostFinish`. Stdin starts empty (see
/// `hostSetStdin`).
#[wasm_bindgen(js_name = hostBegin)]
pub fn host_begin(args: Vec<String>, env: Vec<String>) -> Result<u32, JsError> {
    let id = HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        hosts.push(None);
        u32::try_from(hosts.len() - 1).map_err(|_| error("too many WASI hosts"))
    })?;
    let mut b = WasiCtx::builder();
    for a in &args {
        b.arg(a);
    }
    for pair in &env {
        let (k, v) = pair.split_once('=').ok_or_else(|| error(format!("env entry {pair:?} is not KEY=VALUE")))?;
        b.env(k, v);
    }
    b.stdout(Box::new(JsOutput { host: id, fd: 1 })).stderr(Box::new(JsOutput { host: id, fd: 2 }));
    b.clock(Box::new(JsClock(id))).random(Box::new(JsRandom(id)));
    PENDING.with(|p| p.borrow_mut().insert(id, Pending { builder: b, images: Vec::new() }));
    Ok(id)
}

/// Adds a mount to a host being set up.
fn mount(slot: u32, path: &str, read_only: bool, fs: Box<dyn VirtualFs>, image: Option<Rc<RefCell<LittleFs>>>) -> Result<(), JsError> {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let pending = p.get_mut(&slot).ok_or_else(|| error("this WASI host is already set up"))?;
        let backend = pending.builder.backend(fs);
        pending.builder.preopen(path, backend, read_only);
        pending.images.push(image);
        Ok(())
    })
}

/// Preopens an empty in-memory directory at `path`.
#[wasm_bindgen(js_name = hostMountMemory)]
pub fn host_mount_memory(slot: u32, path: &str, read_only: bool) -> Result<(), JsError> {
    mount(slot, path, read_only, Box::new(MemoryFs::new()), None)
}

/// Preopens an empty littlefs disk of `capacity` bytes at `path`.
#[wasm_bindgen(js_name = hostMountLittlefs)]
pub fn host_mount_littlefs(slot: u32, path: &str, read_only: bool, capacity: f64) -> Result<(), JsError> {
    let fs = LittleFs::new(capacity as usize).map_err(|e| error(format!("mount {path:?}: {e}")))?;
    let fs = Rc::new(RefCell::new(fs));
    mount(slot, path, read_only, Box::new(fs.clone()), Some(fs))
}

/// Preopens a littlefs disk image at `path`; a read-only one refuses changes with EROFS.
#[wasm_bindgen(js_name = hostMountImage)]
pub fn host_mount_image(slot: u32, path: &str, read_only: bool, image: Vec<u8>) -> Result<(), JsError> {
    let fs = LittleFs::from_image(image, read_only).map_err(|e| error(format!("mount {path:?}: {e}")))?;
    let fs = Rc::new(RefCell::new(fs));
    mount(slot, path, read_only, Box::new(fs.clone()), Some(fs))
}

/// Builds a host set up with `hostBegin` and the `hostMount*` functions.
#[wasm_bindgen(js_name = hostFinish)]
pub fn host_finish(slot: u32) -> Result<(), JsError> {
    let mut pending = PENDING.with(|p| p.borrow_mut().remove(&slot)).ok_or_else(|| error("this WASI host is already set up"))?;
    let ctx = pending.builder.build().map_err(error)?;
    HOSTS.with(|hosts| {
        if let Some(h) = hosts.borrow_mut().get_mut(slot as usize) {
            *h = Some(Host { ctx, images: pending.images });
        }
    });
    Ok(())
}

/// The disk image of littlefs mount `mount` of host `slot`; `undefined` for other mounts.
#[wasm_bindgen(js_name = hostExportImage)]
pub fn host_export_image(slot: u32, mount: u32) -> Option<Vec<u8>> {
    HOSTS.with(|hosts| {
        let hosts = hosts.borrow();
        let fs = hosts.get(slot as usize)?.as_ref()?.images.get(mount as usize)?.clone()?;
        let image = fs.borrow().export_image();
        Some(image)
    })
}

/// Frees a host's slot and everything it holds.
#[wasm_bindgen(js_name = hostDrop)]
pub fn host_drop(slot: u32) {
    PENDING.with(|p| p.borrow_mut().remove(&slot));
    HOSTS.with(|hosts| {
        if let Some(h) = hosts.borrow_mut().get_mut(slot as usize) {
            *h = None;
        }
    });
}

/// Replaces host `slot`'s stdin with `data` (all of it, read before the guest starts).
#[wasm_bindgen(js_name = hostSetStdin)]
pub fn host_set_stdin(slot: u32, data: Vec<u8>) {
    with_host(slot, |ctx| ctx.set_stdin(Box::new(BytesInput::new(data))));
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
