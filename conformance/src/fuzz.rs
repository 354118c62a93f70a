//! The syscall fuzzer's driver, shared by the property test (`tests/fuzz_syscalls.rs`)
//! and the libFuzzer targets (`fuzz/`): sequences of the 46 functions with arguments
//! shaped to hit real fds and paths, run on a backend, then checks that everything the
//! host holds is still consistent.
//!
//! Properties checked: the host never panics; every answer is an errno the witx defines
//! (never `ENOSYS`) or an exit; no call writes guest memory outside the scratch area its
//! arguments can name (the seeded paths and iovecs stay as seeded unless an argument
//! points into them); afterwards every fd answers `fd_fdstat_get` and `fd_filestat_get`
//! coherently, and the whole tree can be walked, stat'ed and read through the backend.

use std::cell::Cell;
use std::rc::Rc;

use wasi_core::wasi_abi::{self, Errno, Filetype, ValType, FUNCTIONS};
use wasi_core::{Clock, DirEntry, GuestMemory, Ino, VirtualFs, Waited, WasiCtx};

use wasi_core::native::OsRandom;

/// Guest memory size; everything a call may touch lives here.
pub const MEM: usize = 64 * 1024;

/// Paths placed at `PATHS_AT + 32 * i`, so path arguments can name them.
pub const PATHS: [&str; 8] = ["a", "a/b", "l", "..", "/abs", "a/../a", "d/", "."];
/// Where the paths start.
pub const PATHS_AT: u32 = 1024;

/// A clock that only moves when slept on, so `poll_oneoff` never really waits.
#[derive(Clone, Default)]
pub struct StillClock(Rc<Cell<u64>>);

impl Clock for StillClock {
    fn realtime(&mut self) -> u64 {
        1_700_000_000_000_000_000 + self.0.get()
    }
    fn monotonic(&mut self) -> u64 {
        self.0.get()
    }
    fn sleep(&mut self, ns: u64) -> Waited {
        self.0.set(self.0.get().saturating_add(ns));
        Waited::Done
    }
}

/// How many raw values a call takes (the most parameters any function has).
pub const ARGS: usize = 9;

/// One call: a function (witx order) and its arguments.
pub type Call = (usize, Vec<u64>);

/// Shapes raw values into a call of function `index`, by parameter name: path syscalls
/// usually name a real directory fd and one of the seeded paths with its length, iovec
/// arguments the seeded iovecs; a parameter marked `wild` keeps its raw value.
pub fn shape(index: usize, raw: &[u64; ARGS], paths: &[usize; 3], wild: &[bool; ARGS]) -> Call {
    let index = index % FUNCTIONS.len();
    let f = &FUNCTIONS[index];
    let mut chosen_paths = paths.iter().map(|p| p % PATHS.len());
    let mut args = Vec::with_capacity(f.param_names.len());
    let mut path_len = None;
    for (i, name) in f.param_names.iter().enumerate() {
        let value = if wild[i] {
            raw[i]
        } else if name.ends_with("path") {
            let p = chosen_paths.next().unwrap_or(0);
            path_len = Some(PATHS[p].len() as u64);
            u64::from(PATHS_AT) + 32 * p as u64
        } else if name.ends_with("path_len") {
            path_len.take().unwrap_or(raw[i])
        } else if *name == "dirflags"
            || name.ends_with("flags") && name.len() <= 9 && *name != "fdflags" && *name != "oflags"
        {
            raw[i] % 2
        } else if *name == "oflags" {
            raw[i] % 16
        } else if *name == "fdflags" {
            raw[i] % 32
        } else if name.ends_with("fd") {
            // Half the time the preopen, else it or the next fds a run may open.
            if raw[i] % 2 == 0 {
                3
            } else {
                3 + raw[i] % 4
            }
        } else if *name == "iovs" || *name == "in_" || name.ends_with("data") {
            4096 + 8 * (raw[i] % 8)
        } else if name.ends_with("iovs_len") || *name == "nsubscriptions" || name.ends_with("data_len") {
            1 + raw[i] % 3
        } else {
            // Result pointers and buffers: mostly the buffer area, where writes belong.
            match raw[i] % 8 {
                0 => raw[i] >> 3,
                _ => u64::from(SCRATCH_AT) + (raw[i] >> 3) % u64::from(SCRATCH_LEN - 256),
            }
        };
        // What the guest can pass: an i32 parameter holds 32 bits.
        args.push(if f.params[i] == ValType::I32 { u64::from(value as u32) } else { value });
    }
    (index, args)
}

/// Decodes calls from fuzzer bytes: per call, one byte for the function, one for the
/// wild mask's seed, three for paths, then up to nine little-endian `u64`s (missing
/// bytes read as zero).
pub fn calls_from_bytes(data: &[u8]) -> Vec<Call> {
    let mut calls = Vec::new();
    for chunk in data.chunks(5 + 8 * ARGS).take(64) {
        let byte = |i: usize| chunk.get(i).copied().unwrap_or(0);
        let mut raw = [0u64; ARGS];
        for (i, v) in raw.iter_mut().enumerate() {
            let mut word = [0u8; 8];
            for (j, b) in word.iter_mut().enumerate() {
                *b = byte(5 + 8 * i + j);
            }
            *v = u64::from_le_bytes(word);
        }
        let wild_seed = byte(1);
        let wild = core::array::from_fn(|i| wild_seed & 0x7 == 0 && (wild_seed >> 3) as usize % ARGS == i);
        let paths = [byte(2) as usize, byte(3) as usize, byte(4) as usize];
        calls.push(shape(byte(0) as usize, &raw, &paths, &wild));
    }
    calls
}

macro_rules! dispatch {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        /// Calls function number `index` (witx order) with `args`; `None` for `proc_exit`.
        fn dispatch(ctx: &mut WasiCtx, mem: &mut dyn GuestMemory, index: usize, args: &[u64]) -> Option<Result<(), Errno>> {
            let mut next = args.iter().copied();
            let mut i = 0;
            $(
                if index == i {
                    $(let $p = dispatch!(@arg $t next);)*
                    return dispatch!(@call $ret ctx.$name(mem, $($p),*));
                }
                i += 1;
            )*
            let _ = i;
            None
        }
    };
    (@arg u32 $next:ident) => { $next.next().unwrap_or(0) as u32 };
    (@arg u64 $next:ident) => { $next.next().unwrap_or(0) };
    (@call Errno $e:expr) => { Some($e) };
    (@call Exit $e:expr) => {{ let _ = $e; None }};
}

wasi_abi::for_each_function!(dispatch);

/// Where results and buffers go: the only part of guest memory a call may change unless
/// an argument points elsewhere.
const SCRATCH_AT: u32 = 8192;
const SCRATCH_LEN: u32 = (MEM as u32) - SCRATCH_AT;

/// Guest memory seeded with the paths, and iovecs pointing into the scratch area.
pub fn guest_memory() -> Vec<u8> {
    let mut mem = vec![0u8; MEM];
    for (i, p) in PATHS.iter().enumerate() {
        let at = PATHS_AT as usize + 32 * i;
        mem[at..at + p.len()].copy_from_slice(p.as_bytes());
    }
    // iovecs at 4096.. point at buffers at 8192.., 64 bytes each.
    for i in 0..64u32 {
        let at = 4096 + 8 * i as usize;
        mem[at..at + 4].copy_from_slice(&(8192 + 64 * i).to_le_bytes());
        mem[at + 4..at + 8].copy_from_slice(&64u32.to_le_bytes());
    }
    mem
}

/// Walks the whole tree of a backend: every entry can be looked up, stat'ed with its
/// listed type, and read (files) or followed (symlinks) without error.
pub fn check_tree(fs: &mut dyn VirtualFs) {
    let mut todo: Vec<Ino> = vec![fs.root()];
    let mut seen = 0;
    while let Some(dir) = todo.pop() {
        let mut entries = Vec::new();
        fs.readdir(dir, 0, &mut |e: DirEntry<'_>| {
            entries.push((e.name.to_vec(), e.ino, e.filetype));
            true
        })
        .expect("listing a directory");
        for (name, ino, ty) in entries {
            seen += 1;
            assert!(seen < 10_000, "the tree does not end");
            assert_eq!(fs.lookup(dir, &name), Ok(ino), "lookup agrees with readdir");
            let st = fs.stat(ino).expect("stat of a listed entry");
            assert_eq!(st.filetype, ty, "stat agrees with readdir");
            match ty {
                Filetype::Directory => todo.push(ino),
                Filetype::SymbolicLink => {
                    fs.readlink(ino).expect("readlink");
                }
                _ => {
                    let mut buf = vec![0u8; st.size.min(1 << 20) as usize];
                    fs.read(ino, 0, &mut buf).expect("reading a file");
                }
            }
        }
    }
}

/// Every fd answers fdstat and filestat consistently; closing them all leaves nothing open.
pub fn check_fds(ctx: &mut WasiCtx, mem: &mut dyn GuestMemory) {
    for fd in 0..64u32 {
        let fdstat = ctx.fd_fdstat_get(mem, fd, 0);
        let filestat = ctx.fd_filestat_get(mem, fd, 64);
        assert_eq!(
            fdstat.is_ok(),
            filestat.is_ok() || filestat == Err(Errno::NOTCAPABLE),
            "fd {fd}: fdstat {fdstat:?}, filestat {filestat:?}"
        );
        if fdstat.is_ok() {
            ctx.fd_close(mem, fd).expect("closing an open fd");
        }
    }
}

/// Guest memory reached only by copies, as the JS binding reaches it: exercises the
/// chunked paths that a directly addressable memory skips.
pub struct Copied(pub Vec<u8>);

impl GuestMemory for Copied {
    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Errno> {
        let start = offset as usize;
        let end = start.checked_add(buf.len()).filter(|end| *end <= self.0.len()).ok_or(Errno::FAULT)?;
        buf.copy_from_slice(&self.0[start..end]);
        Ok(())
    }
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Errno> {
        (&mut self.0.as_mut_slice()).write(offset, data)
    }
}

/// Whether function `index` may write guest memory within `start..end` through one of
/// its arguments. Paths, iovec arrays and subscriptions are only read (but for
/// `fd_prestat_dir_name`, which writes its `path`); a pointer followed by a length covers
/// that length, `poll_oneoff`'s events 32 bytes per subscription, any other parameter 64
/// bytes (the largest result) — taking numbers for pointers only over-approximates.
fn may_write_into(index: usize, args: &[u64], start: u32, end: u32) -> bool {
    let f = &FUNCTIONS[index];
    let read_only = |name: &str| {
        f.name != "fd_prestat_dir_name"
            && (name.ends_with("path") || name.ends_with("iovs") || name == "in_" || name.ends_with("_data"))
    };
    f.param_names.iter().enumerate().any(|(i, name)| {
        let at = args[i];
        let len = match (f.param_names.get(i + 1), args.get(i + 1)) {
            (Some(next), Some(n)) if next.ends_with("_len") => *n,
            _ if *name == "out" => args.get(i + 1).copied().unwrap_or(0).saturating_mul(32),
            _ => 64,
        };
        !read_only(name) && at < u64::from(end) && at.saturating_add(len) > u64::from(start)
    })
}

/// Runs `calls` on a host over `backend`, with guest memory directly addressable
/// (`direct`) or reached only by copies, then checks the fds and the tree.
pub fn run(backend: Box<dyn VirtualFs>, direct: bool, calls: &[Call]) {
    let mut b = WasiCtx::builder();
    b.arg("fuzz").env("K", "V").clock(Box::new(StillClock::default())).random(Box::new(OsRandom)).max_open_fds(32);
    let fs = b.backend(backend);
    b.preopen("/", fs, false);
    let mut ctx = b.build().unwrap();
    let seeded = guest_memory();
    let mut copied = Copied(seeded.clone());
    let mut slice = seeded.clone();
    for (index, args) in calls {
        let mem: &mut dyn GuestMemory = if direct { &mut slice.as_mut_slice() } else { &mut copied };
        if let Some(Err(e)) = dispatch(&mut ctx, mem, *index, args) {
            assert!(
                usize::from(e.raw()) < wasi_abi::Errno::ALL.len() && e != Errno::SUCCESS,
                "{}: {e:?}",
                FUNCTIONS[*index].name
            );
            assert_ne!(e, Errno::NOSYS, "{} answered ENOSYS", FUNCTIONS[*index].name);
        }
        // The seeded area (paths, iovecs) is only written through a pointer into it.
        let seeded_area = PATHS_AT as usize..SCRATCH_AT as usize;
        let now = if direct { &mut slice } else { &mut copied.0 };
        if !may_write_into(*index, args, PATHS_AT, SCRATCH_AT) {
            let changed = seeded_area.clone().find(|i| now[*i] != seeded[*i]);
            assert_eq!(
                changed, None,
                "{}{args:?} wrote guest memory outside what its arguments name",
                FUNCTIONS[*index].name
            );
        } else {
            now[seeded_area.clone()].copy_from_slice(&seeded[seeded_area]);
        }
    }
    let mem: &mut dyn GuestMemory = if direct { &mut slice.as_mut_slice() } else { &mut copied };
    check_fds(&mut ctx, mem);
    check_tree(ctx.backend_mut(0).unwrap());
}
