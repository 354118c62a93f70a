//! Benchmark workloads driven straight into `wasi-core` (no wasm engine), so the core's
//! and the backends' own cost is measured. Each workload checks its result, and the tests
//! below run each once, so a benchmark never measures a failing call.
#![deny(missing_docs)]

pub mod guests;

use conformance::Backend;
use wasi_core::wasi_abi::{Errno, Oflags, Rights, Whence};
use wasi_core::{BytesInput, Clock, Discard, Waited, WasiCtx};

/// A backend a workload runs on and, for littlefs, the size of its disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disk {
    /// Which backend.
    pub backend: Backend,
    /// A littlefs disk's size in MiB.
    pub mib: usize,
}

impl Disk {
    /// Every backend, littlefs on a disk of `mib` MiB.
    pub fn all(mib: usize) -> [Disk; 2] {
        Backend::ALL.map(|backend| Disk { backend, mib })
    }

    /// The backend's name.
    pub fn name(&self) -> &'static str {
        self.backend.name()
    }
}

/// A clock that does not move; benchmarks never sleep.
struct Fixed;

impl Clock for Fixed {
    fn realtime(&mut self) -> u64 {
        1_700_000_000_000_000_000
    }
    fn monotonic(&mut self) -> u64 {
        1
    }
    fn sleep(&mut self, _ns: u64) -> Waited {
        Waited::Done
    }
}

/// Fills with a counter: deterministic and cheap.
struct Counter(u8);

impl wasi_core::Random for Counter {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
    }
}

/// Guest memory layout used by the workloads.
const PATH_AT: u32 = 0;
const IOVS_AT: u32 = 4096;
const RESULT_AT: u32 = 4160;
const DATA_AT: u32 = 1 << 20;
/// Guest memory size: room for a 64 KiB data buffer, paths and results.
const MEM: usize = 2 << 20;

/// A context with one preopen at fd 3 on `backend`, 100 args and 100 env entries, and
/// guest memory to call it with.
pub struct Bench {
    /// The WASI state.
    pub ctx: WasiCtx,
    /// Guest memory.
    pub mem: Vec<u8>,
}

impl Bench {
    /// A fresh context and memory on `disk`.
    pub fn new(disk: Disk) -> Bench {
        let mut b = WasiCtx::builder();
        for i in 0..100 {
            b.arg(format!("argument-{i}"));
            b.env(format!("VAR_{i}"), format!("value-{i}"));
        }
        b.stdin(Box::new(BytesInput::new(Vec::new()))).stdout(Box::new(Discard));
        b.clock(Box::new(Fixed)).random(Box::new(Counter(0))).max_open_fds(4096);
        let fs = disk.backend.empty(disk.mib << 20).expect("making the backend");
        let id = b.backend(fs);
        b.preopen("/", id, false);
        Bench { ctx: b.build().expect("building the context"), mem: vec![0; MEM] }
    }

    fn path(&mut self, path: &str) -> (u32, u32) {
        self.mem[PATH_AT as usize..PATH_AT as usize + path.len()].copy_from_slice(path.as_bytes());
        (PATH_AT, path.len() as u32)
    }

    fn result_u32(&self) -> u32 {
        u32::from_le_bytes(self.mem[RESULT_AT as usize..RESULT_AT as usize + 4].try_into().unwrap())
    }

    /// One iovec at `IOVS_AT` covering `len` bytes of the data buffer.
    fn iov(&mut self, len: u32) {
        self.mem[IOVS_AT as usize..IOVS_AT as usize + 4].copy_from_slice(&DATA_AT.to_le_bytes());
        self.mem[IOVS_AT as usize + 4..IOVS_AT as usize + 8].copy_from_slice(&len.to_le_bytes());
    }

    /// Opens (creating with `oflags`) `path` read-write; returns the fd.
    pub fn open(&mut self, path: &str, oflags: Oflags) -> Result<u32, Errno> {
        let (p, len) = self.path(path);
        let rights = (Rights::FD_READ | Rights::FD_WRITE).bits();
        self.ctx.path_open(
            &mut self.mem.as_mut_slice(),
            3,
            1,
            p,
            len,
            u32::from(oflags.bits()),
            rights,
            0,
            0,
            RESULT_AT,
        )?;
        Ok(self.result_u32())
    }

    /// `clock_time_get` of the monotonic clock.
    pub fn clock(&mut self) -> Result<(), Errno> {
        self.ctx.clock_time_get(&mut self.mem.as_mut_slice(), 1, 0, RESULT_AT)
    }

    /// `fd_write` of `len` bytes; returns the count written.
    pub fn write(&mut self, fd: u32, len: u32) -> Result<u32, Errno> {
        self.iov(len);
        self.ctx.fd_write(&mut self.mem.as_mut_slice(), fd, IOVS_AT, 1, RESULT_AT)?;
        Ok(self.result_u32())
    }

    /// `fd_read` of up to `len` bytes; returns the count read.
    pub fn read(&mut self, fd: u32, len: u32) -> Result<u32, Errno> {
        self.iov(len);
        self.ctx.fd_read(&mut self.mem.as_mut_slice(), fd, IOVS_AT, 1, RESULT_AT)?;
        Ok(self.result_u32())
    }

    /// `fd_seek` to `offset` from the start.
    pub fn rewind(&mut self, fd: u32, offset: u64) -> Result<(), Errno> {
        self.ctx.fd_seek(&mut self.mem.as_mut_slice(), fd, offset, u32::from(Whence::Set.raw()), RESULT_AT)
    }

    /// `fd_close`.
    pub fn close(&mut self, fd: u32) -> Result<(), Errno> {
        self.ctx.fd_close(&mut self.mem.as_mut_slice(), fd)
    }

    /// `path_filestat_get` of `path`; returns the size it reports.
    pub fn stat(&mut self, path: &str) -> Result<u64, Errno> {
        let (p, len) = self.path(path);
        self.ctx.path_filestat_get(&mut self.mem.as_mut_slice(), 3, 1, p, len, RESULT_AT)?;
        Ok(u64::from_le_bytes(self.mem[RESULT_AT as usize + 32..RESULT_AT as usize + 40].try_into().unwrap()))
    }

    /// `path_unlink_file`.
    pub fn remove(&mut self, path: &str) -> Result<(), Errno> {
        let (p, len) = self.path(path);
        self.ctx.path_unlink_file(&mut self.mem.as_mut_slice(), 3, p, len)
    }

    /// `path_create_directory`.
    pub fn mkdir(&mut self, path: &str) -> Result<(), Errno> {
        let (p, len) = self.path(path);
        self.ctx.path_create_directory(&mut self.mem.as_mut_slice(), 3, p, len)
    }

    /// Lists directory fd `dir` in full with a 4 KiB buffer; returns the entries seen.
    pub fn list(&mut self, dir: u32) -> Result<usize, Errno> {
        let (mut cookie, mut entries) = (0u64, 0usize);
        loop {
            self.ctx.fd_readdir(&mut self.mem.as_mut_slice(), dir, DATA_AT, 4096, cookie, RESULT_AT)?;
            let used = self.result_u32() as usize;
            let mut at = 0;
            while at + 24 <= used {
                let base = DATA_AT as usize + at;
                let namlen = u32::from_le_bytes(self.mem[base + 16..base + 20].try_into().unwrap()) as usize;
                if at + 24 + namlen > used {
                    break;
                }
                cookie = u64::from_le_bytes(self.mem[base..base + 8].try_into().unwrap());
                entries += 1;
                at += 24 + namlen;
            }
            if used < 4096 {
                return Ok(entries);
            }
        }
    }

    /// `args_get` and `environ_get` (100 entries each).
    pub fn args_env(&mut self) -> Result<(), Errno> {
        self.ctx.args_get(&mut self.mem.as_mut_slice(), 8192, DATA_AT)?;
        self.ctx.environ_get(&mut self.mem.as_mut_slice(), 8192, DATA_AT)
    }
}

/// What a host costs the core per request: a context with one argument, stdio, a clock, a
/// random source and an empty memory mount, built and dropped (the npm package's module
/// does this for each `WASI`).
pub fn host_cycle() {
    let mut b = WasiCtx::builder();
    b.arg("bench").stdout(Box::new(Discard)).stderr(Box::new(Discard));
    b.clock(Box::new(Fixed)).random(Box::new(Counter(0)));
    let fs = Backend::Memory.empty(0).expect("making the backend");
    let id = b.backend(fs);
    b.preopen("/sandbox", id, false);
    drop(b.build().expect("building the context"));
}

/// The path of file `i` of the scale workloads' directory `dir`.
pub fn scale_path(dir: &str, i: usize) -> String {
    format!("{dir}/f{i:06}")
}

/// Makes directory `dir` (if need be) and `n` empty files in it (see [`scale_path`]).
pub fn scale_files(b: &mut Bench, dir: &str, n: usize) {
    if b.stat(dir).is_err() {
        b.mkdir(dir).expect("mkdir");
    }
    for i in 0..n {
        let fd = b.open(&scale_path(dir, i), Oflags::CREAT | Oflags::EXCL).expect("creating a file");
        b.close(fd).expect("close");
    }
}

/// Opens directory `dir` for listing; returns its fd.
pub fn open_dir(b: &mut Bench, dir: &str) -> u32 {
    let (p, len) = b.path(dir);
    b.ctx
        .path_open(&mut b.mem.as_mut_slice(), 3, 0, p, len, u32::from(Oflags::DIRECTORY.bits()), 0, 0, 0, RESULT_AT)
        .expect("opening the directory");
    b.result_u32()
}

/// Creates `depth` nested directories `d/d/.../d` holding a file `f`; returns its path.
pub fn deep_path(b: &mut Bench, depth: usize) -> String {
    let mut path = String::new();
    for _ in 0..depth {
        path.push_str("d/");
        b.mkdir(path.trim_end_matches('/')).expect("mkdir");
    }
    path.push('f');
    let fd = b.open(&path, Oflags::CREAT).expect("creating the deep file");
    b.write(fd, 10).expect("writing the deep file");
    b.close(fd).expect("close");
    path
}

/// Makes directory `dir` holding `n` empty files; returns it opened.
pub fn big_dir(b: &mut Bench, dir: &str, n: usize) -> u32 {
    b.mkdir(dir).expect("mkdir");
    for i in 0..n {
        let fd = b.open(&format!("{dir}/entry-{i:04}"), Oflags::CREAT).expect("creating an entry");
        b.close(fd).expect("close");
    }
    open_dir(b, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn each(f: impl Fn(Disk)) {
        Disk::all(80).into_iter().for_each(f);
    }

    #[test]
    fn workloads_do_what_they_measure() {
        each(|backend| {
            let mut b = Bench::new(backend);
            b.clock().unwrap();
            b.args_env().unwrap();
            let fd = b.open("file", Oflags::CREAT).unwrap();
            assert_eq!(b.write(fd, 1).unwrap(), 1);
            assert_eq!(b.write(fd, 4096).unwrap(), 4096);
            assert_eq!(b.write(1, 4096).unwrap(), 4096);
            b.rewind(fd, 0).unwrap();
            assert_eq!(b.read(fd, 4096).unwrap(), 4096);
            b.close(fd).unwrap();
            let deep = deep_path(&mut b, 8);
            assert_eq!(b.stat(&deep).unwrap(), 10);
            let dir = big_dir(&mut b, "big", 1000);
            assert_eq!(b.list(dir).unwrap(), 1002, "1000 entries plus . and ..");
            scale_files(&mut b, "scale", 100);
            assert_eq!(b.stat(&scale_path("scale", 99)).unwrap(), 0);
            let scale = open_dir(&mut b, "scale");
            assert_eq!(b.list(scale).unwrap(), 102);
            b.remove(&scale_path("scale", 99)).unwrap();
            assert_eq!(b.list(scale).unwrap(), 101);
            host_cycle();
            let fd = b.open("appended", Oflags::CREAT).unwrap();
            for _ in 0..1024 {
                assert_eq!(b.write(fd, 8192).unwrap(), 8192);
            }
            assert_eq!(b.stat("appended").unwrap(), 8 << 20);
            let fd64 = b.open("big64", Oflags::CREAT).unwrap();
            for _ in 0..1024 {
                assert_eq!(b.write(fd64, 65536).unwrap(), 65536, "{backend:?}");
            }
            b.rewind(fd64, 0).unwrap();
            for _ in 0..1024 {
                assert_eq!(b.read(fd64, 65536).unwrap(), 65536);
            }
        });
    }
}
