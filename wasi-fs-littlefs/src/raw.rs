//! The one place that speaks to littlefs's C API. littlefs2's safe wrapper fixes the disk
//! geometry at compile time (`Storage::BLOCK_COUNT`) and keeps its `lfs_config` private,
//! so the block count could not follow the embedder's capacity; here the config is ours,
//! built at run time. Everything littlefs points into (the config, its buffers, the disk)
//! lives in one `Box` that never moves while littlefs holds pointers to it.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};
use core::{ptr, slice};

use littlefs2_sys as ll;
use wasi_core::Errno;

use crate::blocks::Blocks;

/// Bytes per block. Small blocks keep a directory (a metadata pair of two blocks) cheap.
pub const BLOCK_SIZE: usize = 512;
/// Read and program granularity of the RAM device.
const IO_SIZE: u32 = 16;
/// littlefs's cache per file and for reads and programs.
const CACHE_SIZE: usize = BLOCK_SIZE;
/// Bytes of the block allocator's lookahead bitmap (8 blocks a byte).
const LOOKAHEAD_SIZE: usize = 64;
/// Longest name littlefs stores.
pub const NAME_MAX: usize = 255;
/// Largest file littlefs stores (it counts sizes in a signed 32-bit integer).
pub const FILE_MAX: u64 = i32::MAX as u64;

/// What littlefs holds pointers into: boxed so its address is stable.
struct Inner {
    lfs: ll::lfs_t,
    cfg: ll::lfs_config,
    disk: Blocks,
    read_buf: Vec<u8>,
    prog_buf: Vec<u8>,
    lookahead_buf: Vec<u64>,
    file_buf: Vec<u8>,
    /// False once mounting again after a cut-short call has failed (see `remount`).
    mounted: bool,
}

/// A mounted littlefs on a RAM disk.
pub struct Lfs {
    inner: Box<Inner>,
}

/// Maps a littlefs error code to an errno; damaged storage is `EIO`.
pub fn errno(code: c_int) -> Errno {
    match code {
        ll::lfs_error_LFS_ERR_NOENT => Errno::NOENT,
        ll::lfs_error_LFS_ERR_EXIST => Errno::EXIST,
        ll::lfs_error_LFS_ERR_NOTDIR => Errno::NOTDIR,
        ll::lfs_error_LFS_ERR_ISDIR => Errno::ISDIR,
        ll::lfs_error_LFS_ERR_NOTEMPTY => Errno::NOTEMPTY,
        ll::lfs_error_LFS_ERR_BADF => Errno::BADF,
        ll::lfs_error_LFS_ERR_FBIG => Errno::FBIG,
        ll::lfs_error_LFS_ERR_INVAL => Errno::INVAL,
        ll::lfs_error_LFS_ERR_NOSPC => Errno::NOSPC,
        ll::lfs_error_LFS_ERR_NOMEM => Errno::NOMEM,
        ll::lfs_error_LFS_ERR_NAMETOOLONG => Errno::NAMETOOLONG,
        _ => Errno::IO,
    }
}

fn check(code: c_int) -> Result<c_int, Errno> {
    if code < 0 {
        Err(errno(code))
    } else {
        Ok(code)
    }
}

/// The disk a callback's config belongs to.
///
/// # Safety
/// `c` must be the config of a mounted (or formatting) `Inner`, as littlefs passes it.
unsafe fn disk<'a>(c: *const ll::lfs_config) -> &'a mut Blocks {
    // SAFETY: littlefs passes back the config we gave it, whose context is the `Inner` that
    // owns it and outlives the mount; littlefs makes one callback at a time.
    unsafe { &mut (*((*c).context as *mut Inner)).disk }
}

fn status(ok: bool) -> c_int {
    if ok {
        0
    } else {
        ll::lfs_error_LFS_ERR_IO
    }
}

unsafe extern "C" fn read(
    c: *const ll::lfs_config,
    block: ll::lfs_block_t,
    off: ll::lfs_off_t,
    buf: *mut c_void,
    size: ll::lfs_size_t,
) -> c_int {
    // SAFETY: littlefs passes its config and a buffer of `size` bytes.
    let (disk, buf) = unsafe { (disk(c), slice::from_raw_parts_mut(buf as *mut u8, size as usize)) };
    status(disk.read(block as usize, off as usize, buf))
}

unsafe extern "C" fn prog(
    c: *const ll::lfs_config,
    block: ll::lfs_block_t,
    off: ll::lfs_off_t,
    buf: *const c_void,
    size: ll::lfs_size_t,
) -> c_int {
    // SAFETY: as in `read`, the other way round.
    let (disk, data) = unsafe { (disk(c), slice::from_raw_parts(buf as *const u8, size as usize)) };
    status(disk.prog(block as usize, off as usize, data))
}

unsafe extern "C" fn erase(c: *const ll::lfs_config, block: ll::lfs_block_t) -> c_int {
    // SAFETY: littlefs passes its config.
    status(unsafe { disk(c) }.erase(block as usize))
}

unsafe extern "C" fn sync(_c: *const ll::lfs_config) -> c_int {
    0
}

/// Whether an `lfs_info` type byte says directory.
// bindgen gives littlefs's enums the C enum's width, which differs between targets.
#[allow(clippy::unnecessary_cast)]
fn is_dir(kind: u8) -> bool {
    u32::from(kind) == ll::lfs_type_LFS_TYPE_DIR as u32
}

/// Copies `path` with a NUL terminator, as littlefs wants it.
fn c_path(path: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(path.len() + 1);
    p.extend_from_slice(path);
    p.push(0);
    p
}

/// One directory entry as littlefs lists it.
pub struct Entry {
    pub name: Vec<u8>,
    pub is_dir: bool,
}

impl Lfs {
    fn boxed(disk: Blocks) -> Box<Inner> {
        let blocks = disk.count() as u32;
        let mut inner = Box::new(Inner {
            // SAFETY: lfs_t is plain C data that littlefs initialises on format/mount; all-zero
            // is the state it expects before either.
            lfs: unsafe { core::mem::zeroed() },
            // SAFETY: as above: every field is set below or left 0 (meaning "default").
            cfg: unsafe { core::mem::zeroed() },
            disk,
            read_buf: vec![0; CACHE_SIZE],
            prog_buf: vec![0; CACHE_SIZE],
            lookahead_buf: vec![0; LOOKAHEAD_SIZE / 8],
            file_buf: vec![0; CACHE_SIZE],
            mounted: true,
        });
        let context = &mut *inner as *mut Inner as *mut c_void;
        let cfg = &mut inner.cfg;
        cfg.context = context;
        cfg.read = Some(read);
        cfg.prog = Some(prog);
        cfg.erase = Some(erase);
        cfg.sync = Some(sync);
        cfg.read_size = IO_SIZE;
        cfg.prog_size = IO_SIZE;
        cfg.block_size = BLOCK_SIZE as u32;
        cfg.block_count = blocks;
        cfg.block_cycles = -1;
        cfg.cache_size = CACHE_SIZE as u32;
        cfg.lookahead_size = LOOKAHEAD_SIZE as u32;
        cfg.name_max = NAME_MAX as u32;
        cfg.file_max = FILE_MAX as u32;
        cfg.read_buffer = inner.read_buf.as_mut_ptr() as *mut c_void;
        cfg.prog_buffer = inner.prog_buf.as_mut_ptr() as *mut c_void;
        cfg.lookahead_buffer = inner.lookahead_buf.as_mut_ptr() as *mut c_void;
        inner
    }

    /// Formats a fresh disk of `blocks` blocks and mounts it.
    pub fn format(blocks: usize) -> Result<Lfs, Errno> {
        let mut inner = Self::boxed(Blocks::erased(blocks));
        // SAFETY: `inner` is boxed and holds everything the config points to.
        unsafe { check(ll::lfs_format(&mut inner.lfs, &inner.cfg))? };
        Self::mount_inner(inner)
    }

    /// Mounts an existing disk image (a whole number of blocks).
    pub fn mount(image: &[u8]) -> Result<Lfs, Errno> {
        Self::mount_inner(Self::boxed(Blocks::from_image(image)))
    }

    fn mount_inner(mut inner: Box<Inner>) -> Result<Lfs, Errno> {
        // SAFETY: as in `format`.
        unsafe { check(ll::lfs_mount(&mut inner.lfs, &inner.cfg))? };
        Ok(Lfs { inner })
    }

    /// Mounts the disk again, from scratch: after a call was cut short halfway through
    /// littlefs, its state (caches, the list of open files, whose entries lived on a stack
    /// that is gone) is reset, and the disk read as after a power loss, which littlefs
    /// survives by design. A disk that no longer mounts answers `EIO` from then on.
    pub fn remount(&mut self) {
        let inner = &mut *self.inner;
        // SAFETY: as in `boxed`: all-zero is littlefs's state before a mount. The old
        // state is dropped without `lfs_unmount`, which would walk its broken lists; it
        // owns no memory (every buffer is ours, in `Inner`).
        inner.lfs = unsafe { core::mem::zeroed() };
        // SAFETY: as in `format`.
        inner.mounted = unsafe { ll::lfs_mount(&mut inner.lfs, &inner.cfg) } == 0;
    }

    /// `EIO` once the disk no longer mounts (see `remount`).
    fn live(&self) -> Result<(), Errno> {
        if self.inner.mounted {
            Ok(())
        } else {
            Err(Errno::IO)
        }
    }

    /// The disk as an image.
    pub fn image(&self) -> Vec<u8> {
        self.inner.disk.image()
    }

    /// Blocks in use and in all.
    pub fn usage(&mut self) -> Result<(usize, usize), Errno> {
        self.live()?;
        // SAFETY: the filesystem is mounted.
        let used = unsafe { check(ll::lfs_fs_size(&mut self.inner.lfs))? };
        Ok((used as usize, self.inner.disk.count()))
    }

    /// Whether `path` exists, and if so whether it is a directory, and its size.
    pub fn stat(&mut self, path: &[u8]) -> Result<(bool, u64), Errno> {
        self.live()?;
        let p = c_path(path);
        // SAFETY: lfs_info is plain C data filled by littlefs.
        let mut info: ll::lfs_info = unsafe { core::mem::zeroed() };
        // SAFETY: mounted filesystem, NUL-terminated path, valid out-pointer.
        unsafe { check(ll::lfs_stat(&mut self.inner.lfs, p.as_ptr() as *const _, &mut info))? };
        Ok((is_dir(info.type_), u64::from(info.size)))
    }

    /// Reads custom attribute `kind` of `path` into `buf`; the attribute's length, or
    /// `None` if it is not set.
    pub fn get_attr(&mut self, path: &[u8], kind: u8, buf: &mut [u8]) -> Result<Option<usize>, Errno> {
        self.live()?;
        let p = c_path(path);
        // SAFETY: mounted filesystem, NUL-terminated path, `buf` holds `buf.len()` bytes.
        let n = unsafe {
            ll::lfs_getattr(
                &mut self.inner.lfs,
                p.as_ptr() as *const _,
                kind,
                buf.as_mut_ptr() as *mut c_void,
                buf.len() as u32,
            )
        };
        if n == ll::lfs_error_LFS_ERR_NOATTR {
            return Ok(None);
        }
        Ok(Some(check(n)? as usize))
    }

    /// Sets custom attribute `kind` of `path`.
    pub fn set_attr(&mut self, path: &[u8], kind: u8, value: &[u8]) -> Result<(), Errno> {
        self.live()?;
        let p = c_path(path);
        // SAFETY: mounted filesystem, NUL-terminated path, `value` readable for its length.
        unsafe {
            check(ll::lfs_setattr(
                &mut self.inner.lfs,
                p.as_ptr() as *const _,
                kind,
                value.as_ptr() as *const c_void,
                value.len() as u32,
            ))?
        };
        Ok(())
    }

    /// Creates a directory.
    pub fn mkdir(&mut self, path: &[u8]) -> Result<(), Errno> {
        self.live()?;
        let p = c_path(path);
        // SAFETY: mounted filesystem, NUL-terminated path.
        unsafe { check(ll::lfs_mkdir(&mut self.inner.lfs, p.as_ptr() as *const _))? };
        Ok(())
    }

    /// Removes a file or an empty directory.
    pub fn remove(&mut self, path: &[u8]) -> Result<(), Errno> {
        self.live()?;
        let p = c_path(path);
        // SAFETY: mounted filesystem, NUL-terminated path.
        unsafe { check(ll::lfs_remove(&mut self.inner.lfs, p.as_ptr() as *const _))? };
        Ok(())
    }

    /// Renames, replacing a file or an empty directory at `to`.
    pub fn rename(&mut self, from: &[u8], to: &[u8]) -> Result<(), Errno> {
        self.live()?;
        let (f, t) = (c_path(from), c_path(to));
        // SAFETY: mounted filesystem, NUL-terminated paths.
        unsafe { check(ll::lfs_rename(&mut self.inner.lfs, f.as_ptr() as *const _, t.as_ptr() as *const _))? };
        Ok(())
    }

    /// Lists a directory (without `.` and `..`).
    pub fn list(&mut self, path: &[u8]) -> Result<Vec<Entry>, Errno> {
        self.live()?;
        let p = c_path(path);
        // SAFETY: plain C data littlefs initialises in lfs_dir_open.
        let mut dir: ll::lfs_dir_t = unsafe { core::mem::zeroed() };
        // SAFETY: mounted filesystem, NUL-terminated path, `dir` lives until closed below.
        unsafe { check(ll::lfs_dir_open(&mut self.inner.lfs, &mut dir, p.as_ptr() as *const _))? };
        let mut out = Vec::new();
        let result = loop {
            // SAFETY: plain C data filled by littlefs.
            let mut info: ll::lfs_info = unsafe { core::mem::zeroed() };
            // SAFETY: `dir` is open.
            match unsafe { ll::lfs_dir_read(&mut self.inner.lfs, &mut dir, &mut info) } {
                0 => break Ok(()),
                n if n < 0 => break Err(errno(n)),
                _ => {}
            }
            let len = info.name.iter().position(|c| *c == 0).unwrap_or(info.name.len());
            let name: Vec<u8> = info.name[..len].iter().map(|c| *c as u8).collect();
            if name != b"." && name != b".." {
                out.push(Entry { name, is_dir: is_dir(info.type_) });
            }
        };
        // SAFETY: `dir` was opened above.
        unsafe { ll::lfs_dir_close(&mut self.inner.lfs, &mut dir) };
        result.map(|()| out)
    }

    /// Opens `path` with `flags`, runs `f` on the open file, and closes it (committing).
    pub fn with_file<R>(
        &mut self,
        path: &[u8],
        flags: u32,
        f: impl FnOnce(&mut OpenFile<'_>) -> Result<R, Errno>,
    ) -> Result<R, Errno> {
        self.live()?;
        let p = c_path(path);
        let inner = &mut *self.inner;
        let cfg = ll::lfs_file_config {
            buffer: inner.file_buf.as_mut_ptr() as *mut c_void,
            attrs: ptr::null_mut(),
            attr_count: 0,
        };
        // SAFETY: plain C data littlefs initialises in lfs_file_opencfg.
        let mut file: ll::lfs_file_t = unsafe { core::mem::zeroed() };
        // SAFETY: mounted filesystem, NUL-terminated path; `cfg` and its buffer outlive the
        // open file, which is closed before this function returns.
        unsafe {
            check(ll::lfs_file_opencfg(&mut inner.lfs, &mut file, p.as_ptr() as *const _, flags as c_int, &cfg))?
        };
        let mut open = OpenFile { lfs: &mut inner.lfs, file: &mut file };
        let result = f(&mut open);
        // SAFETY: the file was opened above and is closed once.
        let closed = unsafe { check(ll::lfs_file_close(&mut inner.lfs, &mut file)) };
        let value = result?;
        closed?;
        Ok(value)
    }
}

impl Drop for Lfs {
    fn drop(&mut self) {
        if self.inner.mounted {
            // SAFETY: the filesystem is mounted; nothing is open (files never outlive
            // `with_file`, and a cut-short call's are forgotten by `remount`).
            unsafe { ll::lfs_unmount(&mut self.inner.lfs) };
        }
    }
}

/// A file open inside `Lfs::with_file`.
pub struct OpenFile<'a> {
    lfs: &'a mut ll::lfs_t,
    file: &'a mut ll::lfs_file_t,
}

impl OpenFile<'_> {
    /// Moves to byte `pos` (past the end, a later write zero-fills the gap).
    pub fn seek(&mut self, pos: u64) -> Result<(), Errno> {
        let pos = i32::try_from(pos).map_err(|_| Errno::FBIG)?;
        // SAFETY: the file is open.
        unsafe { check(ll::lfs_file_seek(self.lfs, self.file, pos, ll::lfs_whence_flags_LFS_SEEK_SET as c_int))? };
        Ok(())
    }

    /// Reads up to `buf.len()` bytes.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        // SAFETY: the file is open and `buf` holds `buf.len()` bytes.
        let n = unsafe {
            check(ll::lfs_file_read(self.lfs, self.file, buf.as_mut_ptr() as *mut c_void, buf.len() as u32))?
        };
        Ok(n as usize)
    }

    /// Writes all of `data`.
    pub fn write(&mut self, data: &[u8]) -> Result<usize, Errno> {
        // SAFETY: the file is open and `data` is readable for its length.
        let n = unsafe {
            check(ll::lfs_file_write(self.lfs, self.file, data.as_ptr() as *const c_void, data.len() as u32))?
        };
        Ok(n as usize)
    }

    /// Truncates or zero-extends to `size`.
    pub fn truncate(&mut self, size: u64) -> Result<(), Errno> {
        let size = u32::try_from(size).ok().filter(|s| u64::from(*s) <= FILE_MAX).ok_or(Errno::FBIG)?;
        // SAFETY: the file is open.
        unsafe { check(ll::lfs_file_truncate(self.lfs, self.file, size))? };
        Ok(())
    }
}

/// littlefs's open flags, for `with_file`.
// As for `is_dir`: the enum's width depends on the target.
#[allow(clippy::unnecessary_cast)]
pub mod flags {
    use littlefs2_sys as ll;
    /// Read only.
    pub const READ: u32 = ll::lfs_open_flags_LFS_O_RDONLY as u32;
    /// Read and write.
    pub const RDWR: u32 = ll::lfs_open_flags_LFS_O_RDWR as u32;
    /// Create; fail if it exists.
    pub const CREATE_NEW: u32 =
        (ll::lfs_open_flags_LFS_O_WRONLY | ll::lfs_open_flags_LFS_O_CREAT | ll::lfs_open_flags_LFS_O_EXCL) as u32;
}
