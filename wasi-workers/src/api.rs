//! What JS calls to set the host up, and to read and write its files. Byte strings travel
//! through one input buffer (`input_reserve`, then the call that consumes it) and one
//! output buffer (`output_ptr` after a call that fills it), a bounded piece at a time:
//! the module never holds a second copy of a whole file or image. Set-up failures return
//! a nonzero code with a static reason at `reason_ptr`/`reason_len`; file calls return an
//! errno, or `REFUSED` plus a `calls::Refused` code, which JS names.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::str;

use wasi_core::{BuildError, BytesInput, Discard, Errno, Ino, NewNode, VirtualFs, WasiCtx, WasiCtxBuilder};
use wasi_fs_littlefs::{ImageLoader, LittleFs};
use wasi_fs_memory::MemoryFs;

use crate::calls;
use crate::services::{JsClock, JsOutput, JsRandom, JsStdin};
use crate::state::{Global, State};

/// Bytes JS has written for the next call.
static INPUT: Global<Vec<u8>> = Global::new(Vec::new());
/// The bytes the last call that answers with bytes produced (`host_read_file`,
/// `host_export_image`, those of `tree.rs`), until JS takes them.
pub(crate) static OUTPUT: Global<Vec<u8>> = Global::new(Vec::new());
/// Why the last set-up call that failed failed.
static REASON: Global<&'static str> = Global::new("");

/// Success.
const OK: u32 = 0;
/// Failure; the reason is at `reason_ptr`.
const FAILED: u32 = 1;
/// What a refused file call returns: `REFUSED + Refused as u32` (errnos stay below it).
const REFUSED: u32 = 1000;

fn fail(reason: &'static str) -> u32 {
    REASON.with(|r| *r = reason);
    FAILED
}

/// Takes what JS wrote with `input_reserve`.
pub(crate) fn take_input() -> Vec<u8> {
    INPUT.with(core::mem::take).unwrap_or_default()
}

/// Splits the input at byte `at`: (the first part, typically a path; the rest).
pub(crate) fn split_input(at: u32) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut first = take_input();
    let at = usize::try_from(at).ok().filter(|at| *at <= first.len())?;
    let rest = first.split_off(at);
    Some((first, rest))
}

/// Makes room for `len` bytes of input and returns where JS writes them; null when the
/// module cannot hold them (JS reports it).
#[no_mangle]
pub extern "C" fn input_reserve(len: u32) -> *mut u8 {
    INPUT
        .with(|input| {
            *input = Vec::new();
            input.try_reserve_exact(len as usize).ok()?;
            input.resize(len as usize, 0);
            Some(input.as_mut_ptr())
        })
        .flatten()
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

/// Where the bytes of the last call that answers with bytes start (see `OUTPUT`).
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

/// Starts setting the host of generation `owner` up: from now on its guest's calls, and no
/// other's, get in (see `syscalls.rs`). The input's first `len` bytes hold the arguments
/// and the environment (see [`args_and_env`]): one call, however many there are. Add
/// mounts, then call `host_finish`. Stdin starts empty (see `host_set_stdin`); stdout and
/// stderr go to JS where `stdout_to_js`/`stderr_to_js` say so, and nowhere otherwise.
#[no_mangle]
pub extern "C" fn host_begin(owner: f64, stdout_to_js: bool, stderr_to_js: bool, len: u32) -> u32 {
    let mut input = take_input();
    input.truncate(len as usize);
    let mut builder = WasiCtx::builder();
    builder.stdout(output_for(1, stdout_to_js)).stderr(output_for(2, stderr_to_js));
    builder.clock(Box::new(JsClock)).random(Box::new(JsRandom));
    if let Err(reason) = args_and_env(&input, &mut builder) {
        return fail(reason);
    }
    let begun = calls::api(|state| {
        let empty = matches!(state, State::Empty);
        if empty {
            *state = State::Pending(builder);
        }
        empty
    });
    match begun {
        Ok(true) => {
            crate::syscalls::own(owner);
            OK
        }
        _ => fail("this WASI host is already set up"),
    }
}

/// Byte strings one after another, each a little-endian `u32` length and its bytes, as
/// `host_begin`'s input holds them.
struct Strings<'a>(&'a [u8]);

impl<'a> Iterator for Strings<'a> {
    type Item = Result<&'a str, &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        let (len, rest) = self.0.split_first_chunk::<4>()?;
        let Some((s, rest)) = rest.split_at_checked(u32::from_le_bytes(*len) as usize) else {
            self.0 = &[];
            return Some(Err("bad set-up input"));
        };
        self.0 = rest;
        Some(str::from_utf8(s).map_err(|_| "an argument or environment entry is not valid UTF-8"))
    }
}

/// Adds the arguments and environment of `host_begin`'s input: the number of arguments
/// (a little-endian `u32`), then the arguments, then names and values of the environment
/// in turn, all as [`Strings`].
fn args_and_env(input: &[u8], builder: &mut WasiCtxBuilder) -> Result<(), &'static str> {
    let (argc, rest) = input.split_first_chunk::<4>().ok_or("bad set-up input")?;
    let mut strings = Strings(rest);
    for _ in 0..u32::from_le_bytes(*argc) {
        builder.arg(strings.next().ok_or("bad set-up input")??);
    }
    while let Some(name) = strings.next() {
        builder.env(name?, strings.next().ok_or("bad set-up input")??);
    }
    Ok(())
}

/// Runs `f` on the host being set up.
fn pending(f: impl FnOnce(&mut WasiCtxBuilder) -> u32) -> u32 {
    calls::api(|state| match state {
        State::Pending(builder) => f(builder),
        _ => fail("this WASI host is already set up"),
    })
    .unwrap_or(FAILED)
}

/// Adds a mount at the guest path in `path`.
fn mount(read_only: bool, path: &[u8], fs: Box<dyn VirtualFs>) -> u32 {
    let Ok(path) = str::from_utf8(path) else { return fail("a mount path is not valid UTF-8") };
    pending(|b| {
        let backend = b.backend(fs);
        b.preopen(path, backend, read_only);
        OK
    })
}

/// Preopens an empty in-memory directory at the guest path in the input, answering
/// `ENOSPC` once it holds `quota` bytes; `seed` seeds its hash tables (a random one keeps
/// a guest from choosing names that collide).
#[no_mangle]
pub extern "C" fn host_mount_memory(read_only: bool, quota: f64, seed: f64) -> u32 {
    let path = take_input();
    mount(read_only, &path, Box::new(MemoryFs::with_quota(quota as u64).with_hash_seed(seed as u64)))
}

/// Preopens an empty littlefs disk of `capacity` bytes at the guest path in the input, in
/// blocks of `block_size` bytes (0: the backend's default).
#[no_mangle]
pub extern "C" fn host_mount_littlefs(read_only: bool, capacity: f64, block_size: f64) -> u32 {
    let path = take_input();
    let fs = match block_size as usize {
        0 => LittleFs::new(capacity as usize),
        size => LittleFs::with_block_size(capacity as usize, size),
    };
    match fs {
        Ok(fs) => mount(read_only, &path, Box::new(fs)),
        Err(e) => fail(e.reason()),
    }
}

/// The littlefs image being loaded piece by piece, before `host_mount_image` mounts it.
static IMAGE: Global<Option<ImageLoader>> = Global::new(None);

/// Starts loading a littlefs disk image of `len` bytes (see `host_image_piece`).
#[no_mangle]
pub extern "C" fn host_image_begin(len: f64) -> u32 {
    match ImageLoader::new(len as usize) {
        Ok(loader) => {
            IMAGE.with(|image| *image = Some(loader));
            OK
        }
        Err(e) => fail(e.reason()),
    }
}

/// Takes the input as the image's bytes at `offset`: the image never sits in the module
/// twice, and its erased blocks cost nothing.
#[no_mangle]
pub extern "C" fn host_image_piece(offset: f64) -> u32 {
    let bytes = take_input();
    match IMAGE.with(|image| image.as_mut().map(|loader| loader.write(offset as usize, &bytes))).flatten() {
        Some(Ok(())) => OK,
        Some(Err(e)) => fail(e.reason()),
        None => fail("no image is being loaded"),
    }
}

/// Preopens the littlefs disk image loaded since `host_image_begin` at the guest path in
/// the input. A read-only mount refuses changes with `EROFS`.
#[no_mangle]
pub extern "C" fn host_mount_image(read_only: bool) -> u32 {
    let path = take_input();
    let Some(Some(loader)) = IMAGE.with(Option::take) else { return fail("no image is being loaded") };
    match loader.mount(read_only) {
        Ok(fs) => mount(read_only, &path, Box::new(fs)),
        Err(e) => fail(e.reason()),
    }
}

/// Builds the host set up since `host_begin`.
#[no_mangle]
pub extern "C" fn host_finish() -> u32 {
    let built = calls::api(|state| {
        let State::Pending(builder) = state else { return Err("this WASI host is already set up") };
        let ctx = builder.build().map_err(|e| build_reason(&e))?;
        *state = State::Running(ctx);
        Ok(())
    });
    match built {
        Ok(Ok(())) => OK,
        Ok(Err(reason)) => fail(reason),
        Err(_) => FAILED,
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

/// Closes the host: its guest's calls trap from now on (see `syscalls.rs`), and its
/// filesystems and state are dropped now, or (asked from inside an embedder callback
/// during a guest's call) once that call returns, ending the guest.
#[no_mangle]
pub extern "C" fn host_close() {
    crate::syscalls::own(0.0);
    calls::close();
}

/// Makes this instance ready for another host, as if new, after `host_close`: drops what
/// is left of the last host and forgets every trace of it in this module's statics (the
/// link map, `-Wl,--Map`, lists them: these, the owner, those of `calls.rs` and
/// `services.rs`, and the heap, whose freed blocks serve the next host). JS puts the stack pointer back.
/// Nonzero (and nothing changed) while a call holds the host or the heap cannot be
/// trusted after a call cut short inside it: then JS drops this instance instead.
#[no_mangle]
pub extern "C" fn host_reset() -> u32 {
    if crate::state::HOST.is_held() || crate::heap::interrupted() {
        return FAILED;
    }
    crate::syscalls::own(0.0);
    crate::state::HOST.with(|state| *state = State::Empty);
    INPUT.with(|input| *input = Vec::new());
    OUTPUT.with(|output| *output = Vec::new());
    IMAGE.with(|image| *image = None);
    REASON.with(|reason| *reason = "");
    calls::reset();
    crate::services::reset();
    OK
}

/// Whether a call holds the host: from JS, outside any embedder callback, a call that was
/// cut short (JS then puts our stack pointer back).
#[no_mangle]
pub extern "C" fn host_busy() -> bool {
    crate::state::HOST.is_held()
}

/// Why the guest's run ended (`calls::End` as a number).
#[no_mangle]
pub extern "C" fn host_end() -> u32 {
    calls::ended().0
}

/// The code the guest passed to `proc_exit`.
#[no_mangle]
pub extern "C" fn host_exit_code() -> i32 {
    calls::ended().1
}

/// Runs `f` on the running host's context, for the calls below; a refusal or a host that
/// is not running is a code for JS.
pub(crate) fn with_running<R>(f: impl FnOnce(&mut WasiCtx) -> Result<R, Errno>) -> Result<R, u32> {
    match calls::api(|state| match state {
        State::Running(ctx) => f(ctx).map_err(|e| u32::from(e.raw())),
        _ => Err(u32::from(Errno::BADF.raw())),
    }) {
        Ok(result) => result,
        Err(refused) => Err(REFUSED + refused as u32),
    }
}

/// Replaces stdin with the input (all of it, read before the guest starts).
#[no_mangle]
pub extern "C" fn host_set_stdin() -> u32 {
    let data = take_input();
    with_running(|ctx| {
        ctx.set_stdin(Box::new(BytesInput::new(data)));
        Ok(())
    })
    .err()
    .unwrap_or(OK)
}

/// Makes stdin the JS stream, read chunk by chunk as it arrives (for JSPI runs).
#[no_mangle]
pub extern "C" fn host_stream_stdin() -> u32 {
    with_running(|ctx| {
        ctx.set_stdin(Box::new(JsStdin));
        Ok(())
    })
    .err()
    .unwrap_or(OK)
}

/// Says whether JS is running the guest through `WebAssembly.promising`: only then may a
/// call suspend it.
#[no_mangle]
pub extern "C" fn host_set_blocking(on: bool) {
    calls::set_blocking(on);
}

/// Walks `path` (relative to the backend root, `/`-separated) to its parent directory,
/// creating missing directories when `create` is set; returns the parent and last name.
/// Empty and `.` components are skipped; `..` and NUL are `EINVAL` (JS names them first).
pub(crate) fn parent_of<'p>(
    fs: &mut dyn VirtualFs,
    path: &'p [u8],
    create: bool,
    now: u64,
) -> Result<(Ino, &'p [u8]), Errno> {
    if path.contains(&0) {
        return Err(Errno::INVAL);
    }
    let mut parts = path.split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").peekable();
    let mut dir = fs.root();
    while let Some(part) = parts.next() {
        if part == b".." {
            return Err(Errno::INVAL);
        }
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

/// The inode at `path` in `fs` (its root for a path that names none), following no
/// symlink; `..` and NUL are `EINVAL`.
pub(crate) fn node_at(fs: &mut dyn VirtualFs, path: &[u8]) -> Result<Ino, Errno> {
    if path.iter().all(|b| *b == b'/' || *b == b'.') && !path.windows(2).any(|w| w == b"..") {
        return Ok(fs.root());
    }
    let (dir, name) = parent_of(fs, path, false, 0)?;
    fs.lookup(dir, name)
}

/// The file at `path` in backend `mount` of `ctx`.
fn file_at(ctx: &mut WasiCtx, mount: u32, path: &[u8]) -> Result<Ino, Errno> {
    node_at(ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?, path)
}

/// Writes a piece of a file (creating parent directories) into mount `mount`: the input
/// is the path (`path_len` bytes) then the bytes for `offset`. At offset 0 the file is
/// created or emptied first. Returns 0 or an errno (`ENOSPC` if not all of it fit), or a
/// refusal (see the module docs).
#[no_mangle]
pub extern "C" fn host_write_file(mount: u32, path_len: u32, offset: f64) -> u32 {
    let Some((path, data)) = split_input(path_len) else { return u32::from(Errno::INVAL.raw()) };
    let offset = offset as u64;
    with_running(|ctx| {
        let now = crate::bridge::host_now(0) as u64;
        let fs = ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?;
        let (dir, name) = parent_of(fs, &path, true, now)?;
        let ino = match fs.lookup(dir, name) {
            Ok(ino) => ino,
            Err(Errno::NOENT) => fs.create(dir, name, NewNode::File, now)?,
            Err(e) => return Err(e),
        };
        if offset == 0 {
            fs.set_size(ino, 0, now)?;
        }
        match fs.write(ino, offset, &data, now)? {
            // A backend writes what fits: the embedder asked for all of it.
            n if n < data.len() => Err(Errno::NOSPC),
            // Committed now (littlefs holds writes back), so that a run cut short later
            // cannot take the embedder's file away.
            _ => fs.sync(ino),
        }
    })
    .err()
    .unwrap_or(OK)
}

/// The size of the file at the input path in mount `mount`, or minus the code of why not.
#[no_mangle]
pub extern "C" fn host_file_size(mount: u32) -> f64 {
    let path = take_input();
    match with_running(|ctx| {
        let ino = file_at(ctx, mount, &path)?;
        let fs = ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?;
        Ok(fs.stat(ino)?.size)
    }) {
        Ok(size) => size as f64,
        Err(code) => -f64::from(code),
    }
}

/// Reads up to `len` bytes at `offset` of the file at the input path in mount `mount` into
/// the output buffer: the count, or minus the code of why not.
#[no_mangle]
pub extern "C" fn host_read_file(mount: u32, offset: f64, len: u32) -> f64 {
    let path = take_input();
    match with_running(|ctx| {
        let ino = file_at(ctx, mount, &path)?;
        let fs = ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?;
        let mut data = Vec::new();
        data.try_reserve_exact(len as usize).map_err(|_| Errno::NOMEM)?;
        data.resize(len as usize, 0);
        let n = fs.read(ino, offset as u64, &mut data)?;
        data.truncate(n);
        OUTPUT.with(|o| *o = data);
        Ok(n)
    }) {
        Ok(n) => n as f64,
        Err(code) => -f64::from(code),
    }
}

/// The littlefs mount `mount`, for exporting its image.
fn littlefs(ctx: &mut WasiCtx, mount: u32) -> Result<&mut LittleFs, Errno> {
    let fs = ctx.backend_mut(mount as usize).ok_or(Errno::NOENT)?;
    fs.as_any_mut().and_then(|fs| fs.downcast_mut::<LittleFs>()).ok_or(Errno::NOTSUP)
}

/// Writes out what littlefs mount `mount` holds back (timestamps, a run of writes) as far
/// as it can, and returns the length of its disk image, or minus the code of why not (`ENOTSUP` for a
/// mount that is not littlefs). Then `host_image_read` hands the image over in pieces.
#[no_mangle]
pub extern "C" fn host_export_image(mount: u32) -> f64 {
    match with_running(|ctx| {
        let lfs = littlefs(ctx, mount)?;
        // What is on disk is exported even if some of what was held back cannot be
        // written now (a full disk: directory timestamps), as `LittleFs::export_image` does.
        let _ = lfs.flush();
        Ok(lfs.image_len())
    }) {
        Ok(n) => n as f64,
        Err(code) => -f64::from(code),
    }
}

/// Copies up to `len` bytes of littlefs mount `mount`'s image at `offset` into the output
/// buffer: the count, or minus the code of why not.
#[no_mangle]
pub extern "C" fn host_image_read(mount: u32, offset: f64, len: u32) -> f64 {
    match with_running(|ctx| {
        let lfs = littlefs(ctx, mount)?;
        let mut piece = Vec::new();
        piece.try_reserve_exact(len as usize).map_err(|_| Errno::NOMEM)?;
        piece.resize(len as usize, 0);
        let n = lfs.read_image(offset as usize, &mut piece);
        piece.truncate(n);
        OUTPUT.with(|o| *o = piece);
        Ok(n)
    }) {
        Ok(n) => n as f64,
        Err(code) => -f64::from(code),
    }
}
