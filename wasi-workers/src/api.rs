//! What JS calls to set the host up and read it back. Byte strings travel through one
//! input buffer (`input_reserve`, then the call that consumes it) and one output buffer
//! (`output_ptr` after a call that fills it); failures return a nonzero code, with a
//! static reason at `reason_ptr`/`reason_len` for JS to put in its error message.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::str;

use wasi_core::{BuildError, BytesInput, Discard, Errno, Ino, NewNode, VirtualFs, WasiCtx};
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

use crate::services::{JsClock, JsOutput, JsRandom, JsStdin, BLOCKING};
use crate::state::{with_host, Global, Host, State, HOST, OUTPUT};

/// Bytes JS has written for the next call.
static INPUT: Global<Vec<u8>> = Global::new(Vec::new());
/// Why the last call that failed failed.
static REASON: Global<&'static str> = Global::new("");

/// Success.
const OK: u32 = 0;
/// Failure; the reason is at `reason_ptr`.
const FAILED: u32 = 1;

fn fail(reason: &'static str) -> u32 {
    REASON.with(|r| *r = reason);
    FAILED
}

/// Takes what JS wrote with `input_reserve`.
fn take_input() -> Vec<u8> {
    INPUT.with(core::mem::take).unwrap_or_default()
}

/// Splits the input at byte `at`: (the first part, typically a path; the rest).
fn split_input(at: u32) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut first = take_input();
    let at = usize::try_from(at).ok().filter(|at| *at <= first.len())?;
    let rest = first.split_off(at);
    Some((first, rest))
}

/// Makes room for `len` bytes of input and returns where JS writes them.
#[no_mangle]
pub extern "C" fn input_reserve(len: u32) -> *mut u8 {
    INPUT
        .with(|input| {
            input.clear();
            input.resize(len as usize, 0);
            input.as_mut_ptr()
        })
        .unwrap_or(core::ptr::null_mut())
}

/// Where the last failure's reason starts.
#[no_mangle]
pub extern "C" fn reason_ptr() -> *const u8 {
    REASON.with(|r| r.as_ptr()).unwrap_or(core::ptr::null())
}

/// The length of the last failure's reason.
#[no_mangle]
pub extern "C" fn reason_len() -> u32 {
    REASON.with(|r| r.len() as u32).unwrap_or(0)
}

/// Where the bytes of the last `host_read_file` or `host_export_image` start.
#[no_mangle]
pub extern "C" fn output_ptr() -> *const u8 {
    OUTPUT.with(|o| o.as_ptr()).unwrap_or(core::ptr::null())
}

/// Frees the output buffer once JS has copied it.
#[no_mangle]
pub extern "C" fn output_free() {
    OUTPUT.with(|o| *o = Vec::new());
}

/// The output stream for fd 1 or 2: handed to JS if it has somewhere to send it, dropped
/// here otherwise (a JS call and a fresh buffer per write cost more than the write).
fn output_for(fd: u32, to_js: bool) -> Box<dyn wasi_core::OutputStream> {
    if to_js {
        Box::new(JsOutput(fd))
    } else {
        Box::new(Discard)
    }
}

/// Starts setting the host up, dropping any earlier one. Add arguments, environment and
/// mounts, then call `host_finish`. Stdin starts empty (see `host_set_stdin`); stdout and
/// stderr go to JS where `stdout_to_js`/`stderr_to_js` say so, and nowhere otherwise.
#[no_mangle]
pub extern "C" fn host_begin(stdout_to_js: bool, stderr_to_js: bool) {
    let mut builder = WasiCtx::builder();
    builder.stdout(output_for(1, stdout_to_js)).stderr(output_for(2, stderr_to_js));
    builder.clock(Box::new(JsClock)).random(Box::new(JsRandom));
    HOST.with(|state| *state = State::Pending { builder, images: Vec::new() });
}

/// Runs `f` on the host being set up.
fn pending(f: impl FnOnce(&mut wasi_core::WasiCtxBuilder, &mut Vec<Option<Rc<RefCell<LittleFs>>>>) -> u32) -> u32 {
    HOST.with(|state| match state {
        State::Pending { builder, images } => f(builder, images),
        _ => fail("this WASI host is already set up"),
    })
    .unwrap_or(FAILED)
}

/// Adds the input (UTF-8) as the next argument.
#[no_mangle]
pub extern "C" fn host_arg() -> u32 {
    let arg = take_input();
    pending(|b, _| match str::from_utf8(&arg) {
        Ok(arg) => {
            b.arg(arg);
            OK
        }
        Err(_) => fail("an argument is not valid UTF-8"),
    })
}

/// Adds an environment variable: the input is its name (`name_len` bytes) then its value.
#[no_mangle]
pub extern "C" fn host_env(name_len: u32) -> u32 {
    let Some((name, value)) = split_input(name_len) else { return fail("bad environment entry") };
    pending(|b, _| match (str::from_utf8(&name), str::from_utf8(&value)) {
        (Ok(name), Ok(value)) => {
            b.env(name, value);
            OK
        }
        _ => fail("an environment entry is not valid UTF-8"),
    })
}

/// Adds a mount at the guest path in the input.
fn mount(read_only: bool, path: &[u8], fs: Box<dyn VirtualFs>, image: Option<Rc<RefCell<LittleFs>>>) -> u32 {
    let Ok(path) = str::from_utf8(path) else { return fail("a mount path is not valid UTF-8") };
    pending(|b, images| {
        let backend = b.backend(fs);
        b.preopen(path, backend, read_only);
        images.push(image);
        OK
    })
}

/// Preopens an empty in-memory directory at the guest path in the input, answering
/// `ENOSPC` once it holds `quota` bytes.
#[no_mangle]
pub extern "C" fn host_mount_memory(read_only: bool, quota: f64) -> u32 {
    let path = take_input();
    mount(read_only, &path, Box::new(MemoryFs::with_quota(quota as u64)), None)
}

/// Preopens an empty littlefs disk of `capacity` bytes at the guest path in the input.
#[no_mangle]
pub extern "C" fn host_mount_littlefs(read_only: bool, capacity: f64) -> u32 {
    let path = take_input();
    match LittleFs::new(capacity as usize) {
        Ok(fs) => {
            let fs = Rc::new(RefCell::new(fs));
            mount(read_only, &path, Box::new(fs.clone()), Some(fs))
        }
        Err(e) => fail(e.reason()),
    }
}

/// Preopens a littlefs disk image: the input is the guest path (`path_len` bytes) then the
/// image. A read-only mount refuses changes with `EROFS`.
#[no_mangle]
pub extern "C" fn host_mount_image(read_only: bool, path_len: u32) -> u32 {
    let Some((path, image)) = split_input(path_len) else { return fail("bad mount") };
    match LittleFs::from_image(image, read_only) {
        Ok(fs) => {
            let fs = Rc::new(RefCell::new(fs));
            mount(read_only, &path, Box::new(fs.clone()), Some(fs))
        }
        Err(e) => fail(e.reason()),
    }
}

/// Builds the host set up since `host_begin`.
#[no_mangle]
pub extern "C" fn host_finish() -> u32 {
    let taken = HOST.with(|state| core::mem::replace(state, State::Empty));
    let Some(State::Pending { mut builder, images }) = taken else { return fail("this WASI host is already set up") };
    match builder.build() {
        Ok(ctx) => {
            HOST.with(|state| *state = State::Running(Host { ctx, images }));
            OK
        }
        Err(e) => fail(build_reason(&e)),
    }
}

/// What JS's own checks on the options should have caught, said without `core::fmt`.
fn build_reason(e: &BuildError) -> &'static str {
    match e {
        BuildError::NulInArg(_) => "an argument contains a NUL character",
        BuildError::BadEnv(_) => "an environment name is empty or has '=' or NUL, or a value has NUL",
        BuildError::BadPreopenPath(_) => "a mount path is empty or contains NUL",
        BuildError::TooFewFds(_) => "too many mounts for the open-file limit",
        BuildError::TooLarge => "the arguments or the environment take more than 4 GiB",
        _ => "the host is missing a clock, a random source or a backend",
    }
}

/// Closes the host: drops its filesystems and state.
#[no_mangle]
pub extern "C" fn host_close() {
    HOST.with(|state| *state = State::Empty);
}

/// Replaces stdin with the input (all of it, read before the guest starts).
#[no_mangle]
pub extern "C" fn host_set_stdin() {
    let data = take_input();
    with_host(|h| h.ctx.set_stdin(Box::new(BytesInput::new(data))));
}

/// Makes stdin the JS stream, read chunk by chunk as it arrives (for JSPI runs).
#[no_mangle]
pub extern "C" fn host_stream_stdin() {
    with_host(|h| h.ctx.set_stdin(Box::new(JsStdin)));
}

/// Says whether JS is running the guest through `WebAssembly.promising`: only then may a
/// service suspend it.
#[no_mangle]
pub extern "C" fn host_set_blocking(on: bool) {
    BLOCKING.store(on, core::sync::atomic::Ordering::Relaxed);
}

/// Walks `path` (relative to the backend root, `/`-separated) to its parent directory,
/// creating missing directories when `create` is set; returns the parent and last name.
fn parent_of<'p>(fs: &mut dyn VirtualFs, path: &'p [u8], create: bool, now: u64) -> Result<(Ino, &'p [u8]), Errno> {
    let mut parts = path.split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").peekable();
    let mut dir = fs.root();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return Ok((dir, part));
        }
        dir = match fs.lookup(dir, part) {
            Ok(ino) => ino,
            Err(Errno::NOENT) if create => fs.create(dir, part, NewNode::Directory, now)?,
            Err(e) => return Err(e),
        };
    }
    Err(Errno::INVAL)
}

/// Writes a file (creating parent directories) into mount `mount`: the input is the path
/// (`path_len` bytes) then the contents. Returns 0, or the errno (which JS names: the
/// names would cost the module more than the rest of this function).
#[no_mangle]
pub extern "C" fn host_write_file(mount: u32, path_len: u32) -> u32 {
    let Some((path, data)) = split_input(path_len) else { return u32::from(Errno::INVAL.raw()) };
    let result = with_host(|h| {
        let now = crate::bridge::host_now(0) as u64;
        let fs = h.ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?;
        let (dir, name) = parent_of(fs, &path, true, now)?;
        let ino = match fs.lookup(dir, name) {
            Ok(ino) => {
                fs.set_size(ino, 0, now)?;
                ino
            }
            Err(_) => fs.create(dir, name, NewNode::File, now)?,
        };
        match fs.write(ino, 0, &data, now)? {
            // A backend writes what fits: the embedder asked for the whole file.
            n if n < data.len() => Err(Errno::NOSPC),
            _ => Ok(()),
        }
    });
    match result {
        Some(Ok(())) => OK,
        Some(Err(e)) => u32::from(e.raw()),
        None => u32::from(Errno::BADF.raw()),
    }
}

/// Puts `bytes` in the output buffer; returns their length (-1 for none).
fn output(bytes: Option<Vec<u8>>) -> i32 {
    match bytes {
        Some(bytes) => {
            let len = bytes.len() as i32;
            OUTPUT.with(|o| *o = bytes);
            len
        }
        None => -1,
    }
}

/// Reads the file at the input path in mount `mount` into the output buffer; returns its
/// length, or -1 if it does not exist.
#[no_mangle]
pub extern "C" fn host_read_file(mount: u32) -> i32 {
    let path = take_input();
    output(
        with_host(|h| {
            let fs = h.ctx.backend_mut(mount as usize)?;
            let (dir, name) = parent_of(fs, &path, false, 0).ok()?;
            let ino = fs.lookup(dir, name).ok()?;
            let size = usize::try_from(fs.stat(ino).ok()?.size).ok()?;
            let mut data = alloc::vec![0u8; size];
            let n = fs.read(ino, 0, &mut data).ok()?;
            data.truncate(n);
            Some(data)
        })
        .flatten(),
    )
}

/// Puts the disk image of littlefs mount `mount` in the output buffer; returns its length,
/// or -1 for a mount that is not littlefs.
#[no_mangle]
pub extern "C" fn host_export_image(mount: u32) -> i32 {
    output(with_host(|h| Some(h.images.get(mount as usize)?.as_ref()?.borrow().export_image())).flatten())
}
