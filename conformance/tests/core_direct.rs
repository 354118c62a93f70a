//! The core driven directly, without a wasm engine: deterministic clocks for
//! `poll_oneoff`, and every syscall fed hostile arguments.

use std::cell::Cell;
use std::rc::Rc;

use wasi_core::native::OsRandom;
use wasi_core::wasi_abi::{
    self, Clockid, Event, Eventtype, Subclockflags, Subscription, SubscriptionClock, SubscriptionU,
};
use wasi_core::{Clock, Errno, Waited, WasiCtx};
use wasi_fs_memory::MemoryFs;

/// A clock that only moves when slept on, recording each sleep.
#[derive(Clone, Default)]
struct VirtualClock {
    now: Rc<Cell<u64>>,
    sleeps: Rc<Cell<u32>>,
}

impl Clock for VirtualClock {
    fn realtime(&mut self) -> u64 {
        1_700_000_000_000_000_000 + self.now.get()
    }
    fn monotonic(&mut self) -> u64 {
        self.now.get()
    }
    fn sleep(&mut self, ns: u64) -> Waited {
        self.now.set(self.now.get() + ns);
        self.sleeps.set(self.sleeps.get() + 1);
        Waited::Done
    }
}

fn ctx(clock: VirtualClock) -> WasiCtx {
    let mut b = WasiCtx::builder();
    b.arg("direct").clock(Box::new(clock)).random(Box::new(OsRandom));
    let fs = b.backend(Box::new(MemoryFs::new()));
    b.preopen("/", fs, false);
    b.build().unwrap()
}

fn clock_sub(userdata: u64, timeout: u64, flags: Subclockflags) -> [u8; 48] {
    Subscription {
        userdata,
        u: SubscriptionU::Clock(SubscriptionClock { id: Clockid::Monotonic, timeout, precision: 0, flags }),
    }
    .encode()
}

#[test]
fn a_relative_sleep_sleeps_once_for_its_duration() {
    let clock = VirtualClock::default();
    let mut ctx = ctx(clock.clone());
    let mut mem = vec![0u8; 4096];
    mem[..48].copy_from_slice(&clock_sub(9, 10_000_000, Subclockflags::empty()));
    ctx.poll_oneoff(&mut mem.as_mut_slice(), 0, 1024, 1, 2048).unwrap();
    assert_eq!(u32::from_le_bytes(mem[2048..2052].try_into().unwrap()), 1);
    let event = Event::decode(mem[1024..1056].try_into().unwrap()).unwrap();
    assert_eq!((event.userdata, event.ty, event.error), (9, Eventtype::Clock, Errno::SUCCESS));
    assert_eq!(clock.sleeps.get(), 1);
    assert_eq!(clock.now.get(), 10_000_000);
}

#[test]
fn only_the_earliest_timer_fires() {
    let clock = VirtualClock::default();
    let mut ctx = ctx(clock.clone());
    let mut mem = vec![0u8; 4096];
    mem[..48].copy_from_slice(&clock_sub(1, 50_000_000, Subclockflags::empty()));
    mem[48..96].copy_from_slice(&clock_sub(2, 5_000_000, Subclockflags::empty()));
    mem[96..144].copy_from_slice(&clock_sub(3, 20_000_000, Subclockflags::SUBSCRIPTION_CLOCK_ABSTIME));
    ctx.poll_oneoff(&mut mem.as_mut_slice(), 0, 1024, 3, 2048).unwrap();
    assert_eq!(u32::from_le_bytes(mem[2048..2052].try_into().unwrap()), 1);
    assert_eq!(Event::decode(mem[1024..1056].try_into().unwrap()).unwrap().userdata, 2);
    assert_eq!(clock.now.get(), 5_000_000);
    // The absolute deadline is now 15 ms away.
    ctx.poll_oneoff(&mut mem.as_mut_slice(), 96, 1024, 1, 2048).unwrap();
    assert_eq!(clock.now.get(), 20_000_000);
}

/// Calls every syscall with each argument set to a hostile value (out-of-range pointers,
/// lengths, fds, flags): the answer must be an errno (or an exit for `proc_exit`), never a
/// panic.
#[test]
fn every_syscall_survives_hostile_arguments() {
    macro_rules! call_all {
        ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
            fn call_all(ctx: &mut WasiCtx, mem: &mut [u8], v32: u32, v64: u64) -> usize {
                let mut calls = 0;
                $(
                    #[allow(unused_variables)]
                    {
                        $(let $p: $t = call_all!(@value $t v32 v64);)*
                        let _ = ctx.$name(&mut &mut *mem, $($p),*);
                        calls += 1;
                    }
                )*
                calls
            }
        };
        (@value u32 $v32:ident $v64:ident) => { $v32 };
        (@value u64 $v32:ident $v64:ident) => { $v64 };
    }
    wasi_abi::for_each_function!(call_all);

    for v32 in [0u32, 1, 3, 4095, 4096, 0x7fff_ffff, 0x8000_0000, u32::MAX - 7, u32::MAX] {
        for v64 in [0u64, 1, 1 << 32, i64::MAX as u64, u64::MAX] {
            let mut ctx = ctx(VirtualClock::default());
            let mut mem = vec![0xA5u8; 4096];
            assert_eq!(call_all(&mut ctx, &mut mem, v32, v64), wasi_abi::FUNCTIONS.len());
        }
    }
}

#[test]
fn the_fd_cap_answers_emfile_and_frees_on_close() {
    let mut b = WasiCtx::builder();
    b.clock(Box::new(VirtualClock::default())).random(Box::new(OsRandom)).max_open_fds(6);
    let fs = b.backend(Box::new(MemoryFs::new()));
    b.preopen("/", fs, false);
    let mut ctx = b.build().unwrap();
    let mut mem = vec![0u8; 256];
    mem[..1].copy_from_slice(b".");
    let rights = wasi_abi::Rights::FD_READ.bits();
    let open =
        |ctx: &mut WasiCtx, mem: &mut Vec<u8>| ctx.path_open(&mut mem.as_mut_slice(), 3, 0, 0, 1, 0, rights, 0, 0, 64);
    // stdio and the preopen hold 4 of the 6.
    open(&mut ctx, &mut mem).unwrap();
    open(&mut ctx, &mut mem).unwrap();
    assert_eq!(open(&mut ctx, &mut mem), Err(Errno::MFILE));
    ctx.fd_close(&mut mem.as_mut_slice(), 4).unwrap();
    open(&mut ctx, &mut mem).unwrap();
    assert_eq!(u32::from_le_bytes(mem[64..68].try_into().unwrap()), 4, "the freed number is reused");
    // fd_renumber onto a number past the cap is EBADF, not a huge table.
    assert_eq!(ctx.fd_renumber(&mut mem.as_mut_slice(), 4, u32::MAX), Err(Errno::BADF));
}

/// A full 4 GiB guest memory that keeps nothing: reads see zeros, writes succeed.
struct Whole4GiB;

impl wasi_core::GuestMemory for Whole4GiB {
    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Errno> {
        if u64::from(offset) + buf.len() as u64 > 1 << 32 {
            return Err(Errno::FAULT);
        }
        buf.fill(0);
        Ok(())
    }
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Errno> {
        if u64::from(offset) + data.len() as u64 > 1 << 32 {
            return Err(Errno::FAULT);
        }
        Ok(())
    }
}

#[test]
fn fd_readdir_filling_the_last_bytes_of_memory() {
    // A buffer ending exactly at 4 GiB, filled by the listing: the cursor reaches 2^32 and
    // must not wrap.
    let mut fs = MemoryFs::new();
    let root = wasi_core::VirtualFs::root(&fs);
    for i in 0..20 {
        wasi_core::VirtualFs::create(&mut fs, root, format!("entry{i}").as_bytes(), wasi_core::NewNode::File, 1)
            .unwrap();
    }
    let mut b = WasiCtx::builder();
    b.clock(Box::new(VirtualClock::default())).random(Box::new(OsRandom));
    let id = b.backend(Box::new(fs));
    b.preopen("/", id, false);
    let mut ctx = b.build().unwrap();
    let start = u32::MAX - 0xff;
    assert_eq!(ctx.fd_readdir(&mut Whole4GiB, 3, start, 0x100, 0, 64), Ok(()));
}

#[test]
fn random_get_running_past_the_end_of_memory_is_efault() {
    // The first chunk fits below 4 GiB, the next would start at 2^32.
    let mut ctx = ctx(VirtualClock::default());
    let start = u32::MAX - (1 << 20) + 1;
    assert_eq!(ctx.random_get(&mut Whole4GiB, start, 3 << 20), Err(Errno::FAULT));
    assert_eq!(ctx.random_get(&mut Whole4GiB, start, 1 << 20), Ok(()));
}

/// Writes `path` into guest memory at `at` and returns (ptr, len).
fn put(mem: &mut [u8], at: u32, path: &str) -> (u32, u32) {
    mem[at as usize..at as usize + path.len()].copy_from_slice(path.as_bytes());
    (at, path.len() as u32)
}

#[test]
fn nothing_moves_between_preopens_of_different_backends() {
    let mut b = WasiCtx::builder();
    b.clock(Box::new(VirtualClock::default())).random(Box::new(OsRandom));
    let one = b.backend(Box::new(MemoryFs::new()));
    let two = b.backend(Box::new(MemoryFs::new()));
    b.preopen("/one", one, false).preopen("/two", two, false).preopen("/also-one", one, false);
    let mut ctx = b.build().unwrap();
    let mut mem = vec![0u8; 4096];
    let (f, f_len) = put(&mut mem, 100, "f");
    let (g, g_len) = put(&mut mem, 200, "g");
    let (up, up_len) = put(&mut mem, 300, "../two/g");
    let m = &mut mem.as_mut_slice();
    // fd 3 is /one, 4 is /two, 5 is /one's backend again.
    ctx.path_open(m, 3, 0, f, f_len, 1, 0, 0, 0, 1000).unwrap();
    assert_eq!(ctx.path_rename(m, 3, f, f_len, 4, g, g_len), Err(Errno::XDEV));
    assert_eq!(ctx.path_link(m, 3, 0, f, f_len, 4, g, g_len), Err(Errno::XDEV));
    assert_eq!(ctx.path_rename(m, 3, f, f_len, 3, up, up_len), Err(Errno::PERM));
    // Another preopen of the same backend is the same filesystem.
    ctx.path_rename(m, 3, f, f_len, 5, g, g_len).unwrap();
    assert_eq!(ctx.path_filestat_get(m, 3, 0, g, g_len, 1000), Ok(()));
    assert_eq!(ctx.path_filestat_get(m, 4, 0, g, g_len, 1000), Err(Errno::NOENT));
}

#[test]
fn over_long_paths_are_enametoolong() {
    let mut ctx = ctx(VirtualClock::default());
    let mut mem = vec![0u8; 16384];
    let long = "a/".repeat(2100);
    let (p, len) = put(&mut mem, 0, &long);
    assert_eq!(ctx.path_open(&mut mem.as_mut_slice(), 3, 0, p, len, 0, 0, 0, 0, 9000), Err(Errno::NAMETOOLONG));
}
