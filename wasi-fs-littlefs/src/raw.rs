//! The one place that speaks to littlefs's C API. littlefs2's safe wrapper fixes the disk
//! geometry at compile time (`Storage::BLOCK_COUNT`) and keeps its `lfs_config` private,
//! so the geometry could not follow the embedder's capacity or an image's block size; here
//! the config is ours, built at run time. Everything littlefs points into (the config, its
//! buffers, the disk, each open file and its buffers) lives in a `Box` that never moves
//! while littlefs holds a pointer to it, and open files are owned here, so none can outlive
//! the filesystem or be dropped while littlefs still links it.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};
use core::slice;

use littlefs2_sys as ll;
use wasi_core::Errno;

use crate::blocks::Blocks;
use crate::geometry::Geometry;
use crate::memo::Memo;

/// Longest name littlefs stores.
pub const NAME_MAX: usize = 255;
/// Largest file littlefs stores (it counts sizes in a signed 32-bit integer).
pub const FILE_MAX: u64 = i32::MAX as u64;
/// The on-disk version new disks get: littlefs 2.0's, which every littlefs 2 reader takes
/// (2.1 adds checksums of erased space that a RAM disk does not need, and readers that
/// only know 2.0, such as the `littlefs2` crate, refuse it).
pub const NEW_DISK_VERSION: u32 = 0x0002_0000;
/// The newest on-disk version this littlefs writes.
pub const MAX_DISK_VERSION: u32 = ll::LFS_DISK_VERSION;
/// Attribute holding `atim`, `mtim`, `ctim` (24 bytes, little-endian).
pub const ATTR_TIMES: u8 = b't';
/// Attribute marking a file as a symlink whose contents are the target.
pub const ATTR_SYMLINK: u8 = b'l';

/// What littlefs holds pointers into: boxed so its address is stable.
struct Inner {
    lfs: ll::lfs_t,
    cfg: ll::lfs_config,
    disk: Blocks,
    read_buf: Vec<u8>,
    prog_buf: Vec<u8>,
    lookahead_buf: Vec<u8>,
    /// Pairs littlefs fetched, for its lookups: see `memo.rs`.
    memo: Memo,
}

/// An open file and what its config points into: boxed so its address is stable while
/// littlefs links it in its list of open files.
struct OpenFile {
    file: ll::lfs_file_t,
    cfg: ll::lfs_file_config,
    attrs: [ll::lfs_attr; 2],
    times: [u8; 24],
    /// The symlink mark: read (0 if absent) or, for a new symlink, written.
    link: [u8; 1],
    buf: Vec<u8>,
}

/// An open file of an [`Lfs`]: an index into its table of open files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(usize);

/// Which attributes an open file reads when opened and writes when synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attrs {
    /// None (a file only read for its data).
    None,
    /// The timestamps.
    Times,
    /// The timestamps and the symlink mark.
    TimesAndLink,
}

/// A mounted littlefs on a RAM disk.
pub struct Lfs {
    inner: Box<Inner>,
    files: Vec<Option<Box<OpenFile>>>,
    /// A closed file's box, reused by the next open (saving an allocation of its cache).
    spare: Option<Box<OpenFile>>,
    /// False once mounting again after a cut-short call has failed (see `remount`).
    mounted: bool,
}

/// What [`Lfs::list`] calls with each entry: its name and whether it is a directory.
pub type EntryVisitor<'a> = dyn FnMut(&[u8], bool) -> Result<(), Errno> + 'a;

/// What `stat` tells of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info {
    /// A directory (else a file).
    pub is_dir: bool,
    /// A file's size.
    pub size: u64,
}

/// A path as littlefs wants it: absolute and NUL-terminated, built one name at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CPath(Vec<u8>);

impl CPath {
    /// The root, `/`.
    pub fn root() -> CPath {
        CPath(vec![b'/', 0])
    }

    /// Back to `/`, keeping the allocation.
    pub fn clear(&mut self) {
        self.0.clear();
        self.0.extend_from_slice(b"/\0");
    }

    /// Appends `/name`.
    pub fn push(&mut self, name: &[u8]) {
        self.0.pop();
        if self.0.len() > 1 {
            self.0.push(b'/');
        }
        self.0.extend_from_slice(name);
        self.0.push(0);
    }

    /// Its length in bytes, to [`CPath::truncate`] back to after a [`CPath::push`].
    pub fn len(&self) -> usize {
        self.0.len() - 1
    }

    /// Cuts the path back to `len` bytes.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
        self.0.push(0);
    }

    /// The path without its NUL.
    #[cfg(test)]
    pub fn bytes(&self) -> &[u8] {
        &self.0[..self.0.len() - 1]
    }

    fn ptr(&self) -> *const core::ffi::c_char {
        self.0.as_ptr() as *const _
    }
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

/// littlefs's open flags.
// As for `is_dir`: the enum's width depends on the target.
#[allow(clippy::unnecessary_cast)]
pub mod flags {
    use littlefs2_sys as ll;
    /// Read only.
    pub const READ: u32 = ll::lfs_open_flags_LFS_O_RDONLY as u32;
    /// Read and write.
    pub const RDWR: u32 = ll::lfs_open_flags_LFS_O_RDWR as u32;
    /// Read and write a file created now; fail if it exists.
    pub const CREATE_NEW: u32 =
        (ll::lfs_open_flags_LFS_O_RDWR | ll::lfs_open_flags_LFS_O_CREAT | ll::lfs_open_flags_LFS_O_EXCL) as u32;
    /// With `CREATE_NEW`: a new file's attributes go into the commit that creates it.
    pub(super) const ATTRS: u32 = ll::lfs_open_flags_LFS_O_ATTRS as u32;
    /// The file does not match storage: littlefs keeps the blocks it points at allocated.
    pub(super) const DIRTY: u32 = ll::lfs_open_flags_LFS_F_DIRTY as u32;
    /// Held in its directory entry rather than in blocks of its own.
    pub(super) const INLINE: u32 = ll::lfs_open_flags_LFS_F_INLINE as u32;
}

fn encode_times(t: [u64; 3]) -> [u8; 24] {
    let mut b = [0u8; 24];
    for (i, v) in t.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    b
}

/// The timestamps in an attribute, or `None` for anything but 24 bytes.
pub fn decode_times(b: &[u8]) -> Option<[u64; 3]> {
    let b: &[u8; 24] = b.try_into().ok()?;
    let word =
        |i: usize| u64::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]]);
    Some([word(0), word(8), word(16)])
}

/// A times buffer no stored attribute fills in by accident (all 0xff): what an open file's
/// buffer holds until littlefs reads the attribute into it.
const NO_TIMES: [u8; 24] = [0xff; 24];

impl Lfs {
    fn boxed(disk: Blocks, version: u32) -> Box<Inner> {
        let g = disk.geometry();
        let mut inner = Box::new(Inner {
            // SAFETY: lfs_t is plain C data that littlefs initialises on format/mount; all-zero
            // is the state it expects before either.
            lfs: unsafe { core::mem::zeroed() },
            // SAFETY: as above: every field is set below or left 0 (meaning "default").
            cfg: unsafe { core::mem::zeroed() },
            disk,
            read_buf: vec![0; g.cache_size()],
            prog_buf: vec![0; g.cache_size()],
            lookahead_buf: vec![0; g.lookahead_size()],
            memo: Memo::default(),
        });
        inner.lfs.memo = inner.memo.hooks();
        let context = &mut *inner as *mut Inner as *mut c_void;
        let cfg = &mut inner.cfg;
        cfg.context = context;
        cfg.read = Some(read);
        cfg.prog = Some(prog);
        cfg.erase = Some(erase);
        cfg.sync = Some(sync);
        cfg.read_size = g.io_size() as u32;
        cfg.prog_size = g.io_size() as u32;
        cfg.block_size = g.block_size as u32;
        cfg.block_count = g.block_count as u32;
        cfg.block_cycles = -1;
        cfg.cache_size = g.cache_size() as u32;
        cfg.lookahead_size = g.lookahead_size() as u32;
        cfg.name_max = NAME_MAX as u32;
        cfg.file_max = FILE_MAX as u32;
        cfg.disk_version = version;
        cfg.read_buffer = inner.read_buf.as_mut_ptr() as *mut c_void;
        cfg.prog_buffer = inner.prog_buf.as_mut_ptr() as *mut c_void;
        cfg.lookahead_buffer = inner.lookahead_buf.as_mut_ptr() as *mut c_void;
        inner
    }

    /// Formats a fresh disk and mounts it.
    pub fn format(geometry: Geometry) -> Result<Lfs, Errno> {
        let mut inner = Self::boxed(Blocks::erased(geometry), NEW_DISK_VERSION);
        // SAFETY: `inner` is boxed and holds everything the config points to.
        unsafe { check(ll::lfs_format(&mut inner.lfs, &inner.cfg))? };
        Self::mount_inner(inner)
    }

    /// Mounts an existing disk of on-disk `version` (kept: littlefs would otherwise upgrade
    /// an older disk on its first write, and readers of the older version would refuse it).
    pub fn mount(disk: Blocks, version: u32) -> Result<Lfs, Errno> {
        Self::mount_inner(Self::boxed(disk, version))
    }

    fn mount_inner(mut inner: Box<Inner>) -> Result<Lfs, Errno> {
        // SAFETY: as in `format`.
        unsafe { check(ll::lfs_mount(&mut inner.lfs, &inner.cfg))? };
        Ok(Lfs { inner, files: Vec::new(), spare: None, mounted: true })
    }

    /// Mounts the disk again, from scratch, after a call was cut short halfway through
    /// littlefs (see `VirtualFs::recover`): its state (caches, the list of open files and
    /// directories, some of which lived on a stack that is gone) is reset and the disk read
    /// as after a power loss, which littlefs survives by design. Open files are forgotten,
    /// with what they had not committed. A disk that no longer mounts answers `EIO`.
    pub fn remount(&mut self) {
        // littlefs's list of them goes with its state, below.
        self.files.clear();
        self.spare = None;
        // SAFETY: as in `boxed`: all-zero is littlefs's state before a mount. The old state
        // is dropped without `lfs_unmount`, which would walk its broken lists; it owns no
        // memory (every buffer is ours).
        self.inner.lfs = unsafe { core::mem::zeroed() };
        self.inner.memo.clear();
        self.inner.lfs.memo = self.inner.memo.hooks();
        // SAFETY: as in `format`.
        self.mounted = unsafe { ll::lfs_mount(&mut self.inner.lfs, &self.inner.cfg) } == 0;
    }

    /// `EIO` once the disk no longer mounts (see `remount`).
    fn live(&self) -> Result<(), Errno> {
        if self.mounted {
            Ok(())
        } else {
            Err(Errno::IO)
        }
    }

    /// The disk.
    pub fn disk(&self) -> &Blocks {
        &self.inner.disk
    }

    /// Longest name this disk takes (its superblock may say less than 255).
    pub fn name_max(&self) -> usize {
        self.inner.lfs.name_max as usize
    }

    /// Blocks in use, counted by walking the whole filesystem.
    pub fn used_blocks(&mut self) -> Result<usize, Errno> {
        self.live()?;
        // SAFETY: the filesystem is mounted.
        let used = unsafe { check(ll::lfs_fs_size(&mut self.inner.lfs))? };
        Ok(used as usize)
    }

    /// Whether `path` exists, and if so whether it is a directory, and its size.
    pub fn stat(&mut self, path: &CPath) -> Result<Info, Errno> {
        self.live()?;
        // SAFETY: lfs_info is plain C data filled by littlefs.
        let mut info: ll::lfs_info = unsafe { core::mem::zeroed() };
        // SAFETY: mounted filesystem, NUL-terminated path, valid out-pointer.
        unsafe { check(ll::lfs_stat(&mut self.inner.lfs, path.ptr(), &mut info))? };
        Ok(Info { is_dir: is_dir(info.type_), size: u64::from(info.size) })
    }

    /// Reads custom attribute `kind` of `path` into `buf`; the attribute's length, or
    /// `None` if it is not set.
    pub fn get_attr(&mut self, path: &CPath, kind: u8, buf: &mut [u8]) -> Result<Option<usize>, Errno> {
        self.live()?;
        // SAFETY: mounted filesystem, NUL-terminated path, `buf` holds `buf.len()` bytes.
        let n = unsafe {
            ll::lfs_getattr(&mut self.inner.lfs, path.ptr(), kind, buf.as_mut_ptr() as *mut c_void, buf.len() as u32)
        };
        if n == ll::lfs_error_LFS_ERR_NOATTR {
            return Ok(None);
        }
        Ok(Some(check(n)? as usize))
    }

    /// Sets custom attribute `kind` of `path`.
    pub fn set_attr(&mut self, path: &CPath, kind: u8, value: &[u8]) -> Result<(), Errno> {
        self.live()?;
        // SAFETY: mounted filesystem, NUL-terminated path, `value` readable for its length.
        unsafe {
            check(ll::lfs_setattr(
                &mut self.inner.lfs,
                path.ptr(),
                kind,
                value.as_ptr() as *const c_void,
                value.len() as u32,
            ))?
        };
        Ok(())
    }

    /// Creates a directory.
    pub fn mkdir(&mut self, path: &CPath) -> Result<(), Errno> {
        self.live()?;
        // SAFETY: mounted filesystem, NUL-terminated path.
        unsafe { check(ll::lfs_mkdir(&mut self.inner.lfs, path.ptr()))? };
        Ok(())
    }

    /// Removes a file or an empty directory.
    pub fn remove(&mut self, path: &CPath) -> Result<(), Errno> {
        self.live()?;
        // SAFETY: mounted filesystem, NUL-terminated path.
        unsafe { check(ll::lfs_remove(&mut self.inner.lfs, path.ptr()))? };
        Ok(())
    }

    /// Renames, replacing a file or an empty directory at `to`.
    pub fn rename(&mut self, from: &CPath, to: &CPath) -> Result<(), Errno> {
        self.live()?;
        // SAFETY: mounted filesystem, NUL-terminated paths.
        unsafe { check(ll::lfs_rename(&mut self.inner.lfs, from.ptr(), to.ptr()))? };
        Ok(())
    }

    /// Calls `f` with the name of each entry of a directory (without `.` and `..`) and
    /// whether it is a directory, in littlefs's order (by name).
    pub fn list(&mut self, path: &CPath, f: &mut EntryVisitor<'_>) -> Result<(), Errno> {
        self.live()?;
        // SAFETY: plain C data littlefs initialises in lfs_dir_open.
        let mut dir: ll::lfs_dir_t = unsafe { core::mem::zeroed() };
        // SAFETY: mounted filesystem, NUL-terminated path; `dir` lives until closed below,
        // and does not move meanwhile (littlefs links it while open).
        unsafe { check(ll::lfs_dir_open(&mut self.inner.lfs, &mut dir, path.ptr()))? };
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
            // SAFETY: `c_char` and `u8` have the same size and alignment.
            let name = unsafe { slice::from_raw_parts(info.name.as_ptr() as *const u8, len) };
            if name != b"." && name != b".." {
                if let Err(e) = f(name, is_dir(info.type_)) {
                    break Err(e);
                }
            }
        };
        // SAFETY: `dir` was opened above.
        unsafe { ll::lfs_dir_close(&mut self.inner.lfs, &mut dir) };
        result
    }

    /// Opens `path` with `flags`, reading `attrs` (and writing them at each sync when open
    /// for writing; a new file's symlink mark is set). The file stays open until
    /// [`Lfs::close`]. A directory is `EISDIR`.
    pub fn open(&mut self, path: &CPath, flags: u32, attrs: Attrs) -> Result<FileId, Errno> {
        self.open_with(path, flags, attrs, NO_TIMES)
    }

    /// Creates an empty file at `path` (`EEXIST` if there is one) and opens it for reading
    /// and writing, with `attrs` (times `t`; for a symlink, its mark) written in the commit
    /// that creates it (our littlefs's `LFS_O_ATTRS`): one commit rather than two.
    pub fn create(&mut self, path: &CPath, attrs: Attrs, t: [u64; 3]) -> Result<FileId, Errno> {
        let id = self.open_with(path, flags::CREATE_NEW | flags::ATTRS, attrs, encode_times(t))?;
        // A disk too full for both made the entry alone; the attributes go now, or the file.
        if self.peek(id).is_some_and(|f| f.file.flags & flags::DIRTY != 0) {
            if let Err(e) = self.sync(id) {
                let _ = self.close(id);
                let _ = self.remove(path);
                return Err(e);
            }
        }
        Ok(id)
    }

    fn open_with(&mut self, path: &CPath, flags: u32, attrs: Attrs, times: [u8; 24]) -> Result<FileId, Errno> {
        self.live()?;
        let cache = self.inner.disk.geometry().cache_size();
        let mut f = self.spare.take().unwrap_or_else(|| {
            Box::new(OpenFile {
                // SAFETY: plain C data littlefs initialises in lfs_file_opencfg.
                file: unsafe { core::mem::zeroed() },
                // SAFETY: plain C data, every field set below.
                cfg: unsafe { core::mem::zeroed() },
                // SAFETY: plain C data, every field set below.
                attrs: unsafe { core::mem::zeroed() },
                times: NO_TIMES,
                link: [0],
                buf: vec![0; cache],
            })
        });
        f.times = times;
        f.link = [u8::from(flags & flags::CREATE_NEW == flags::CREATE_NEW)];
        f.attrs[0] = ll::lfs_attr { type_: ATTR_TIMES, buffer: f.times.as_mut_ptr() as *mut c_void, size: 24 };
        f.attrs[1] = ll::lfs_attr { type_: ATTR_SYMLINK, buffer: f.link.as_mut_ptr() as *mut c_void, size: 1 };
        f.cfg.buffer = f.buf.as_mut_ptr() as *mut c_void;
        f.cfg.attrs = f.attrs.as_mut_ptr();
        f.cfg.attr_count = match attrs {
            Attrs::None => 0,
            Attrs::Times => 1,
            Attrs::TimesAndLink => 2,
        };
        let OpenFile { file, cfg, .. } = &mut *f;
        // SAFETY: mounted filesystem, NUL-terminated path; the file, its config and the
        // buffers they point to are boxed, and stay so until `close` (or `drop`) closes it.
        let opened = unsafe { check(ll::lfs_file_opencfg(&mut self.inner.lfs, file, path.ptr(), flags as c_int, cfg)) };
        if let Err(e) = opened {
            // littlefs closed it again.
            self.spare = Some(f);
            return Err(e);
        }
        let slot = match self.files.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.files.push(None);
                self.files.len() - 1
            }
        };
        self.files[slot] = Some(f);
        Ok(FileId(slot))
    }

    fn file(&mut self, id: FileId) -> Result<(&mut ll::lfs_t, &mut OpenFile), Errno> {
        let f = self.files.get_mut(id.0).and_then(Option::as_mut).ok_or(Errno::BADF)?;
        Ok((&mut self.inner.lfs, f))
    }

    fn peek(&self, id: FileId) -> Option<&OpenFile> {
        self.files.get(id.0)?.as_deref()
    }

    /// The timestamps an open file holds (read when it was opened, or set since), if any.
    pub fn times(&self, id: FileId) -> Option<[u64; 3]> {
        let f = self.peek(id)?;
        (f.times != NO_TIMES).then(|| decode_times(&f.times)).flatten()
    }

    /// Sets an open file's timestamps, written with its next sync (see `set_dirty`).
    pub fn set_file_times(&mut self, id: FileId, t: [u64; 3]) {
        if let Ok((_, f)) = self.file(id) {
            f.times = encode_times(t);
        }
    }

    /// Marks an open file as differing from storage (or not): its next sync commits its
    /// entry and attributes, and until then littlefs counts the blocks it points at as in
    /// use, even once its entry is removed (how an unlinked file lives on while open).
    pub fn set_dirty(&mut self, id: FileId, dirty: bool) {
        if let Ok((_, f)) = self.file(id) {
            if dirty {
                f.file.flags |= flags::DIRTY;
            } else {
                f.file.flags &= !flags::DIRTY;
            }
        }
    }

    /// Whether an open file opened with [`Attrs::TimesAndLink`] is marked as a symlink.
    pub fn is_link(&self, id: FileId) -> bool {
        self.peek(id).is_some_and(|f| f.link[0] != 0)
    }

    /// Whether an open file's data lives in its directory entry (small files).
    pub fn is_inline(&self, id: FileId) -> bool {
        self.peek(id).is_some_and(|f| f.file.flags & flags::INLINE != 0)
    }

    /// An open file's position.
    pub fn tell(&self, id: FileId) -> u64 {
        self.peek(id).map_or(0, |f| u64::from(f.file.pos))
    }

    /// An open file's size, with unflushed writes.
    pub fn size(&mut self, id: FileId) -> Result<u64, Errno> {
        let (lfs, f) = self.file(id)?;
        // SAFETY: the file is open.
        let n = unsafe { check(ll::lfs_file_size(lfs, &mut f.file))? };
        Ok(n as u64)
    }

    /// Moves to byte `pos` (at most [`FILE_MAX`]).
    pub fn seek(&mut self, id: FileId, pos: u64) -> Result<(), Errno> {
        let pos = i32::try_from(pos).map_err(|_| Errno::FBIG)?;
        let (lfs, f) = self.file(id)?;
        // SAFETY: the file is open.
        unsafe { check(ll::lfs_file_seek(lfs, &mut f.file, pos, ll::lfs_whence_flags_LFS_SEEK_SET as c_int))? };
        Ok(())
    }

    /// Reads up to `buf.len()` bytes.
    pub fn read(&mut self, id: FileId, buf: &mut [u8]) -> Result<usize, Errno> {
        let (lfs, f) = self.file(id)?;
        // SAFETY: the file is open and `buf` holds `buf.len()` bytes.
        let n =
            unsafe { check(ll::lfs_file_read(lfs, &mut f.file, buf.as_mut_ptr() as *mut c_void, buf.len() as u32))? };
        Ok(n as usize)
    }

    /// Writes all of `data` (littlefs writes everything or fails).
    pub fn write(&mut self, id: FileId, data: &[u8]) -> Result<usize, Errno> {
        let (lfs, f) = self.file(id)?;
        // SAFETY: the file is open and `data` is readable for its length.
        let n =
            unsafe { check(ll::lfs_file_write(lfs, &mut f.file, data.as_ptr() as *const c_void, data.len() as u32))? };
        Ok(n as usize)
    }

    /// Cuts an open file to `size` bytes (never longer: the caller zero-fills growth).
    pub fn truncate(&mut self, id: FileId, size: u64) -> Result<(), Errno> {
        let size = u32::try_from(size).ok().filter(|s| u64::from(*s) <= FILE_MAX).ok_or(Errno::FBIG)?;
        let (lfs, f) = self.file(id)?;
        // SAFETY: the file is open.
        unsafe { check(ll::lfs_file_truncate(lfs, &mut f.file, size))? };
        Ok(())
    }

    /// Commits an open file's data and attributes.
    pub fn sync(&mut self, id: FileId) -> Result<(), Errno> {
        let (lfs, f) = self.file(id)?;
        // SAFETY: the file is open.
        unsafe { check(ll::lfs_file_sync(lfs, &mut f.file))? };
        Ok(())
    }

    /// Closes an open file, committing it first if it is dirty. The id is free afterwards
    /// even if the commit failed.
    pub fn close(&mut self, id: FileId) -> Result<(), Errno> {
        let Some(mut f) = self.files.get_mut(id.0).and_then(Option::take) else { return Err(Errno::BADF) };
        // SAFETY: the file is open; littlefs unlinks it before returning, so the box may go.
        let closed = unsafe { check(ll::lfs_file_close(&mut self.inner.lfs, &mut f.file)) };
        self.spare = Some(f);
        closed.map(drop)
    }
}

impl Drop for Lfs {
    fn drop(&mut self) {
        if !self.mounted {
            return;
        }
        for mut f in self.files.iter_mut().filter_map(Option::take) {
            // SAFETY: the file is open; littlefs unlinks it before the box is dropped.
            unsafe { ll::lfs_file_close(&mut self.inner.lfs, &mut f.file) };
        }
        // SAFETY: the filesystem is mounted and no file is open any more.
        unsafe { ll::lfs_unmount(&mut self.inner.lfs) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_times_encode() {
        let mut p = CPath::root();
        assert_eq!(p.bytes(), b"/");
        p.push(b"a");
        p.push(b"b c");
        assert_eq!(p.bytes(), b"/a/b c");
        assert_eq!(p.0.last(), Some(&0));
        let at = p.len();
        p.push(b"x");
        p.truncate(at);
        assert_eq!(p.bytes(), b"/a/b c");
        p.clear();
        assert_eq!(p, CPath::root());
        assert_eq!(decode_times(&encode_times([1, 2, u64::MAX])), Some([1, 2, u64::MAX]));
        assert_eq!(decode_times(&[0u8; 23]), None);
    }

    #[test]
    fn open_files_keep_unlinked_data_while_dirty() {
        let mut lfs = Lfs::format(Geometry::new(64 * 1024, 512).unwrap()).unwrap();
        let mut p = CPath::root();
        p.push(b"f");
        let w = lfs.open(&p, flags::CREATE_NEW, Attrs::Times).unwrap();
        let data: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        lfs.write(w, &data).unwrap();
        lfs.set_file_times(w, [1, 2, 3]);
        lfs.sync(w).unwrap();
        let mut b = [0u8; 24];
        assert_eq!(lfs.get_attr(&p, ATTR_TIMES, &mut b).unwrap(), Some(24));
        assert_eq!(decode_times(&b), Some([1, 2, 3]));
        lfs.set_dirty(w, true);
        lfs.remove(&p).unwrap();
        assert_eq!(lfs.stat(&p), Err(Errno::NOENT));
        // Fill the disk: the unlinked file's blocks must not be handed out.
        let mut q = CPath::root();
        q.push(b"g");
        let g = lfs.open(&q, flags::CREATE_NEW, Attrs::None).unwrap();
        while lfs.write(g, &[7u8; 512]).is_ok() {}
        let _ = lfs.close(g);
        lfs.seek(w, 0).unwrap();
        let mut back = vec![0u8; 5000];
        assert_eq!(lfs.read(w, &mut back).unwrap(), 5000);
        assert_eq!(back, data);
        lfs.close(w).unwrap();
        assert_eq!(lfs.close(w), Err(Errno::BADF));
    }

    #[test]
    fn a_file_is_created_with_its_attributes() {
        let mut lfs = Lfs::format(Geometry::new(64 * 1024, 512).unwrap()).unwrap();
        let mut p = CPath::root();
        p.push(b"link");
        let f = lfs.create(&p, Attrs::TimesAndLink, [1, 2, 3]).unwrap();
        let mut b = [0u8; 24];
        assert_eq!(lfs.get_attr(&p, ATTR_TIMES, &mut b), Ok(Some(24)), "committed before any sync");
        assert_eq!(decode_times(&b), Some([1, 2, 3]));
        assert_eq!(lfs.get_attr(&p, ATTR_SYMLINK, &mut b[..1]), Ok(Some(1)));
        assert_eq!(b[0], 1);
        let before = lfs.disk().erases();
        let mut image = vec![0u8; 64 * 1024];
        lfs.disk().read_image(0, &mut image);
        lfs.close(f).unwrap();
        let mut after = vec![0u8; 64 * 1024];
        lfs.disk().read_image(0, &mut after);
        assert!(image == after && lfs.disk().erases() == before, "closing it commits nothing");
        assert_eq!(lfs.create(&p, Attrs::Times, [0; 3]).err(), Some(Errno::EXIST));
    }

    #[test]
    fn creates_on_a_full_disk_are_refused_with_enospc_and_leave_no_file_without_times() {
        let mut lfs = Lfs::format(Geometry::new(16 * 1024, 512).unwrap()).unwrap();
        let path = |i: usize| {
            let mut p = CPath::root();
            p.push(alloc::format!("file-{i:04}").as_bytes());
            p
        };
        let mut made = 0;
        let refused = loop {
            match lfs.create(&path(made), Attrs::Times, [made as u64; 3]) {
                Ok(f) => lfs.close(f).unwrap(),
                Err(e) => break e,
            }
            made += 1;
        };
        assert_eq!(refused, Errno::NOSPC, "after {made} files");
        assert!(made > 10);
        for i in 0..=made {
            let mut b = [0u8; 24];
            let times = lfs.get_attr(&path(i), ATTR_TIMES, &mut b).map(|n| n.and_then(|_| decode_times(&b)));
            let expected = if i < made { Ok(Some([i as u64; 3])) } else { Err(Errno::NOENT) };
            assert_eq!(times, expected, "file {i}");
        }
        // A name no metadata block can hold is too long, not a full disk.
        let mut tiny = Lfs::format(Geometry::new(128 * 16, 128).unwrap()).unwrap();
        let mut p = CPath::root();
        p.push(&[b'n'; 120]);
        assert_eq!(tiny.create(&p, Attrs::Times, [0; 3]).err(), Some(Errno::NAMETOOLONG));
    }

    /// A path `/d/name` for a name among a few hundred, many of them prefixes of others
    /// (littlefs sorts a prefix after the longer names).
    fn scattered(dir: &[u8], k: u64) -> CPath {
        let mut name = alloc::format!("{:x}", k.wrapping_mul(0x9e37_79b9) % 4096).into_bytes();
        name.truncate(1 + (k % 3) as usize);
        let mut p = CPath::root();
        p.push(dir);
        p.push(&name);
        p
    }

    /// What littlefs answers, and the disk it leaves, do not depend on our additions (the
    /// memo of pairs, and with it the compaction table): one disk with them and one without
    /// go through the same operations (creates, removes, renames within and across
    /// directories of many metadata pairs, lookups, a remount).
    #[test]
    fn our_littlefs_changes_no_answer_and_no_byte() {
        // Disks of littlefs 2.1 check erased space by CRC, 2.0 disks do not.
        for (block_size, version) in [(512, NEW_DISK_VERSION), (4096, NEW_DISK_VERSION), (4096, MAX_DISK_VERSION)] {
            let g = Geometry::new(2 << 20, block_size).unwrap();
            let format = || {
                let mut inner = Lfs::boxed(Blocks::erased(g), version);
                // SAFETY: as in `Lfs::format`.
                unsafe { check(ll::lfs_format(&mut inner.lfs, &inner.cfg)).unwrap() };
                Lfs::mount_inner(inner).unwrap()
            };
            let [mut with, mut without] = [(); 2].map(|_| format());
            // SAFETY: all-zero hooks are littlefs's "no memo".
            without.inner.lfs.memo = unsafe { core::mem::zeroed() };
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let answers = |lfs: &mut Lfs, op: u64, a: &CPath, b: &CPath| -> Result<u64, Errno> {
                match op {
                    0..=2 => lfs.create(a, Attrs::Times, [op; 3]).and_then(|f| lfs.close(f)).map(|_| 0),
                    3 | 4 => lfs.open(a, flags::CREATE_NEW, Attrs::Times).and_then(|f| lfs.close(f)).map(|_| 0),
                    5 => lfs.mkdir(a).map(|_| 1),
                    6 | 7 => lfs.remove(a).map(|_| 2),
                    8 => lfs.rename(a, b).map(|_| 3),
                    9 => {
                        let f = lfs.open(a, flags::RDWR, Attrs::Times)?;
                        let written = lfs.write(f, &[op as u8; 700][..(a.len() * 97) % 700]);
                        lfs.close(f)?;
                        written.map(|n| n as u64)
                    }
                    _ => lfs.stat(a).map(|i| i.size + u64::from(i.is_dir)),
                }
            };
            for lfs in [&mut with, &mut without] {
                for dir in [b"d", b"e"] {
                    let mut p = CPath::root();
                    p.push(dir);
                    lfs.mkdir(&p).unwrap();
                }
            }
            for step in 0..6000 {
                let (op, k, j) = (next() % 13, next(), next());
                let a = scattered(if k % 5 == 0 { b"e" } else { b"d" }, k >> 8);
                let b = scattered(if j % 2 == 0 { b"e" } else { b"d" }, j >> 8);
                let answer = answers(&mut with, op, &a, &b);
                assert_eq!(answer, answers(&mut without, op, &a, &b), "step {step}: op {op} on {a:?}, {b:?}");
                if step == 3000 {
                    with.remount();
                    without.remount();
                    // SAFETY: as above.
                    without.inner.lfs.memo = unsafe { core::mem::zeroed() };
                }
            }
            assert!(with.inner.memo.len() > 4, "the directories span pairs");
            let image = |lfs: &Lfs| {
                let mut bytes = vec![0u8; g.capacity()];
                lfs.disk().read_image(0, &mut bytes);
                bytes
            };
            assert!(image(&with) == image(&without), "{block_size}-byte blocks: the disks differ");
        }
    }
}
