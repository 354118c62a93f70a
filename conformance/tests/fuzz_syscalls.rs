//! A property-based fuzzer of the syscall layer: random sequences of the 46 functions with
//! random arguments over guest memory seeded with paths and iovecs, on both backends.
//! The memory backend runs with directly addressable guest memory, littlefs with memory
//! reached only by copies (as in the JS binding), so both data paths are exercised.
//! Properties: the host never panics, every answer is an errno the witx defines (or an
//! exit), and afterwards every fd and every file is still consistent: each fd answers
//! `fd_fdstat_get` and `fd_filestat_get` coherently, and the whole tree can be walked,
//! stat'ed and read through the backend. `PROPTEST_CASES=N` runs more sequences.

use std::cell::Cell;
use std::rc::Rc;

use conformance::OsRandom;
use proptest::prelude::*;
use wasi_core::wasi_abi::{self, Errno, Filetype, FUNCTIONS};
use wasi_core::{Clock, DirEntry, GuestMemory, Ino, VirtualFs, WasiCtx};
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

/// Guest memory size; everything a call may touch lives here.
const MEM: usize = 64 * 1024;

/// Paths placed at `PATHS_AT + 32 * i`, so path arguments can name them.
const PATHS: [&str; 8] = ["a", "a/b", "l", "..", "/abs", "a/../a", "d/", "."];
const PATHS_AT: u32 = 1024;

/// A clock that only moves when slept on, so `poll_oneoff` never really waits.
#[derive(Clone, Default)]
struct StillClock(Rc<Cell<u64>>);

impl Clock for StillClock {
    fn realtime(&mut self) -> u64 {
        1_700_000_000_000_000_000 + self.0.get()
    }
    fn monotonic(&mut self) -> u64 {
        self.0.get()
    }
    fn sleep(&mut self, ns: u64) {
        self.0.set(self.0.get().saturating_add(ns));
    }
}

/// One argument: mostly values that mean something (small fds, the paths' offsets and
/// lengths, buffer offsets), sometimes anything.
fn arg() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0..8u64,
        3 => (0..PATHS.len() as u64).prop_map(|i| u64::from(PATHS_AT) + 32 * i),
        2 => 1..8u64,
        2 => (0..64u64).prop_map(|i| 4096 + 64 * i),
        1 => any::<u64>(),
        1 => Just(u64::from(u32::MAX)),
    ]
}

/// A call: a function and its arguments, shaped by the parameter names so that path
/// syscalls often name a real directory fd and one of the seeded paths with its length.
fn call() -> impl Strategy<Value = (usize, Vec<u64>)> {
    (0..FUNCTIONS.len(), prop::collection::vec(arg(), 9), prop::collection::vec(0..PATHS.len(), 3), prop::collection::vec(prop::bool::weighted(0.125), 9))
        .prop_map(|(index, raw, paths, wild)| {
            let f = &FUNCTIONS[index];
            let mut chosen_paths = paths.into_iter();
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
                } else if *name == "dirflags" || name.ends_with("flags") && name.len() <= 9 && *name != "fdflags" && *name != "oflags" {
                    raw[i] % 2
                } else if *name == "oflags" {
                    raw[i] % 16
                } else if *name == "fdflags" {
                    raw[i] % 32
                } else if name.ends_with("fd") {
                    // Half the time the preopen, else it or the next fds a run may open.
                    if raw[i] % 2 == 0 { 3 } else { 3 + raw[i] % 4 }
                } else if *name == "iovs" || *name == "in_" || name.ends_with("data") {
                    4096 + 8 * (raw[i] % 8)
                } else if name.ends_with("iovs_len") || *name == "nsubscriptions" || name.ends_with("data_len") {
                    1 + raw[i] % 3
                } else {
                    raw[i]
                };
                args.push(value);
            }
            (index, args)
        })
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

fn guest_memory() -> Vec<u8> {
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
fn check_tree(fs: &mut dyn VirtualFs) {
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
fn check_fds(ctx: &mut WasiCtx, mem: &mut dyn GuestMemory) {
    for fd in 0..64u32 {
        let fdstat = ctx.fd_fdstat_get(mem, fd, 0);
        let filestat = ctx.fd_filestat_get(mem, fd, 64);
        assert_eq!(fdstat.is_ok(), filestat.is_ok() || filestat == Err(Errno::NOTCAPABLE), "fd {fd}: fdstat {fdstat:?}, filestat {filestat:?}");
        if fdstat.is_ok() {
            ctx.fd_close(mem, fd).expect("closing an open fd");
        }
    }
}

/// Guest memory reached only by copies, as the JS binding reaches it: exercises the
/// chunked paths that a directly addressable memory skips.
struct Copied(Vec<u8>);

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

fn run(backend: Box<dyn VirtualFs>, direct: bool, calls: &[(usize, Vec<u64>)]) {
    let mut b = WasiCtx::builder();
    b.arg("fuzz").env("K", "V").clock(Box::new(StillClock::default())).random(Box::new(OsRandom)).max_open_fds(32);
    let fs = b.backend(backend);
    b.preopen("/", fs, false);
    let mut ctx = b.build().unwrap();
    let mut copied = Copied(guest_memory());
    let mut slice = guest_memory();
    let mut direct_mem = slice.as_mut_slice();
    let mem: &mut dyn GuestMemory = if direct { &mut direct_mem } else { &mut copied };
    for (index, args) in calls {
        if let Some(Err(e)) = dispatch(&mut ctx, mem, *index, args) {
            assert!(usize::from(e.raw()) < wasi_abi::Errno::ALL.len() && e != Errno::SUCCESS, "{}: {e:?}", FUNCTIONS[*index].name);
            assert_ne!(e, Errno::NOSYS, "{} answered ENOSYS", FUNCTIONS[*index].name);
        }
    }
    check_fds(&mut ctx, mem);
    check_tree(ctx.backend_mut(0).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_syscalls_keep_the_memory_backend_consistent(calls in prop::collection::vec(call(), 1..60)) {
        run(Box::new(MemoryFs::with_quota(1 << 20)), true, &calls);
    }

    #[test]
    fn random_syscalls_keep_the_littlefs_backend_consistent(calls in prop::collection::vec(call(), 1..60)) {
        run(Box::new(LittleFs::new(256 * 1024).unwrap()), false, &calls);
    }
}
