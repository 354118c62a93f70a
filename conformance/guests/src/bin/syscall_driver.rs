//! The differential tests' driver: runs the calls it is given as arguments, one call per
//! argument after the program name, through the raw `wasi_snapshot_preview1` imports, and
//! prints each call's errno and what it wrote, decoded and stripped of what differs between
//! two correct hosts (inode numbers, clock readings). Then it prints the tree under fd 3.
//! The same program and arguments run under wasmtime and under this project's hosts, and
//! their outputs are compared line by line (`conformance/wasmtime/README.md` has the script
//! language and how the recorded answers are made).
//!
//! Without arguments it only prints the (empty) sandbox's tree, so it runs as a plain guest.

use std::fmt::Write as _;

use wasi_abi::{Errno, FUNCTIONS};

/// The arena: every pointer a script names (`@N`, strings, buffers, results) lies in it.
const MEM: usize = 64 * 1024;
/// Strings (`"..."`) of one call, from here on.
const STRINGS_AT: usize = 32 * 1024;
/// iovec arrays (`iov:`).
const IOVS_AT: usize = 40 * 1024;
/// The buffers those iovecs point at.
const IOV_BUFS_AT: usize = IOVS_AT + 512;
/// Result slots (`_`), 64 bytes each.
const RESULTS_AT: usize = 48 * 1024;
/// Subscriptions (`subs:`), then their events.
const SUBS_AT: usize = 52 * 1024;
const EVENTS_AT: usize = SUBS_AT + 1024;
/// Buffers (`buf:N`).
const BUFS_AT: usize = 54 * 1024;

#[repr(C, align(8))]
struct Arena([u8; MEM]);

macro_rules! imports {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        mod raw {
            #[link(wasm_import_module = "wasi_snapshot_preview1")]
            extern "C" {
                $(pub fn $name($($p: $t),*) -> imports!(@ret $ret);)*
            }
        }

        /// Calls function `index` (witx order) with `args` cut to its parameters' widths.
        // `proc_exit` does not return, which the compiler sees.
        #[allow(unreachable_code)]
        fn dispatch(index: usize, args: &[u64]) -> u32 {
            let mut i = 0usize;
            $(
                if index == i {
                    let mut next = args.iter().copied();
                    $(let $p = next.next().unwrap_or(0) as $t;)*
                    let _ = &mut next;
                    // SAFETY: the whole point is to hand the host arbitrary arguments; every
                    // pointer among them is either in the arena or checked by the host.
                    return imports!(@call $ret unsafe { raw::$name($($p),*) });
                }
                i += 1;
            )*
            let _ = i;
            unreachable!("function {index}")
        }
    };
    (@ret Errno) => { u32 };
    (@ret Exit) => { () };
    (@call Errno $e:expr) => { $e };
    (@call Exit $e:expr) => {{ $e; unreachable!("proc_exit returned") }};
}

wasi_abi::for_each_function!(imports);

/// The arena and where each call's data goes.
struct Driver {
    arena: Box<Arena>,
    base: u64,
}

impl Driver {
    fn new() -> Self {
        let mut arena = Box::new(Arena([0; MEM]));
        let base = arena.0.as_mut_ptr() as u64;
        Driver { arena, base }
    }

    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.arena.0[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// The arena bytes at absolute address `ptr`, if all `len` of them are inside it.
    fn at(&self, ptr: u64, len: usize) -> Option<&[u8]> {
        let start = usize::try_from(ptr.checked_sub(self.base)?).ok()?;
        self.arena.0.get(start..start.checked_add(len)?)
    }

    fn u32_at(&self, ptr: u64) -> Option<u32> {
        self.at(ptr, 4).map(|b| u32::from_le_bytes(b.try_into().unwrap()))
    }

    fn u64_at(&self, ptr: u64) -> Option<u64> {
        self.at(ptr, 8).map(|b| u64::from_le_bytes(b.try_into().unwrap()))
    }

    /// Expands one token of a call into its raw argument values.
    fn token(&mut self, tok: &str, state: &mut CallState, out: &mut Vec<u64>) {
        if let Some(off) = tok.strip_prefix('@') {
            out.push(self.base + number(off));
        } else if tok == "_" {
            let at = RESULTS_AT + 64 * state.results;
            state.results += 1;
            self.put(at, &[0; 64]);
            out.push(self.base + at as u64);
        } else if tok.starts_with('"') {
            let s = unquote(tok);
            let at = STRINGS_AT + state.strings;
            state.strings += s.len();
            self.put(at, &s);
            out.extend([self.base + at as u64, s.len() as u64]);
        } else if let Some(len) = tok.strip_prefix("buf:") {
            let len = number(len) as usize;
            self.arena.0[BUFS_AT..].fill(0);
            out.extend([self.base + BUFS_AT as u64, len as u64]);
        } else if let Some(items) = tok.strip_prefix("iov:") {
            let (mut data_at, mut n) = (IOV_BUFS_AT, 0);
            for item in items.split('+').filter(|i| !i.is_empty()) {
                let data = if item.starts_with('"') { unquote(item) } else { vec![0; number(item) as usize] };
                self.put(data_at, &data);
                let iov = IOVS_AT + 8 * n;
                self.put(iov, &((self.base as u32 + data_at as u32).to_le_bytes()));
                self.put(iov + 4, &(data.len() as u32).to_le_bytes());
                data_at += data.len();
                n += 1;
            }
            out.extend([self.base + IOVS_AT as u64, n as u64]);
        } else if let Some(subs) = tok.strip_prefix("subs:") {
            let subs: Vec<&str> = subs.split('+').filter(|s| !s.is_empty()).collect();
            for (i, sub) in subs.iter().enumerate() {
                let mut rec = [0u8; 48];
                rec[..8].copy_from_slice(&(0x100 + i as u64).to_le_bytes());
                let mut parts = sub.split(':');
                match parts.next() {
                    Some("clock") => {
                        let mut v = || parts.next().map_or(0, number);
                        let (id, timeout, flags) = (v(), v(), v());
                        rec[8] = 0;
                        rec[16..20].copy_from_slice(&(id as u32).to_le_bytes());
                        rec[24..32].copy_from_slice(&timeout.to_le_bytes());
                        rec[40..42].copy_from_slice(&(flags as u16).to_le_bytes());
                    }
                    Some(kind @ ("read" | "write")) => {
                        rec[8] = if kind == "read" { 1 } else { 2 };
                        rec[16..20].copy_from_slice(&(parts.next().map_or(0, number) as u32).to_le_bytes());
                    }
                    _ => panic!("subscription {sub}: clock:ID:TIMEOUT:FLAGS, read:FD or write:FD"),
                }
                self.put(SUBS_AT + 48 * i, &rec);
            }
            self.put(EVENTS_AT, &[0; 32 * 16]);
            out.extend([self.base + SUBS_AT as u64, self.base + EVENTS_AT as u64, subs.len() as u64]);
        } else {
            out.push(number(tok));
        }
    }

    /// `mem @N item...`: writes strings (`"..."`), `u32:V`, `u64:V` and addresses (`@M`).
    fn mem(&mut self, words: &[&str]) {
        let mut at = words.first().and_then(|w| w.strip_prefix('@')).map(number).expect("mem @N ...") as usize;
        for w in &words[1..] {
            let bytes = if w.starts_with('"') {
                unquote(w)
            } else if let Some(v) = w.strip_prefix("u32:") {
                (number(v) as u32).to_le_bytes().to_vec()
            } else if let Some(v) = w.strip_prefix("u64:") {
                number(v).to_le_bytes().to_vec()
            } else if let Some(v) = w.strip_prefix('@') {
                ((self.base + number(v)) as u32).to_le_bytes().to_vec()
            } else {
                panic!("mem item {w}")
            };
            self.put(at, &bytes);
            at += bytes.len();
        }
    }

    /// Runs one line of the script and prints what it did.
    fn line(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((&name, rest)) = words.split_first() else { return };
        if name == "mem" {
            self.mem(rest);
            return;
        }
        let index = FUNCTIONS.iter().position(|f| f.name == name).unwrap_or_else(|| panic!("no function {name}"));
        let mut state = CallState::default();
        let mut args = Vec::new();
        for tok in rest {
            self.token(tok, &mut state, &mut args);
        }
        let errno = Errno(dispatch(index, &args) as u16);
        let mut report = format!("{name} {}", errno.name());
        if errno == Errno::SUCCESS {
            self.results(name, &args, &mut report);
            self.forget_host_specifics(name, &args);
        }
        println!("{report}");
    }

    /// Appends what a successful call wrote, decoded. Out-of-arena results print `?`.
    fn results(&self, name: &str, a: &[u64], out: &mut String) {
        let arg = |i: usize| a.get(i).copied().unwrap_or(0);
        let mut put = |s: Option<String>| {
            out.push(' ');
            out.push_str(s.as_deref().unwrap_or("?"));
        };
        match name {
            "args_sizes_get" | "environ_sizes_get" => {
                put(self.u32_at(arg(0)).map(|v| v.to_string()));
                put(self.u32_at(arg(1)).map(|v| v.to_string()));
            }
            "args_get" | "environ_get" => put(self.strings(arg(0), arg(1))),
            "clock_res_get" => put(self.u64_at(arg(1)).map(|v| v.to_string())),
            "fd_fdstat_get" => put(self.at(arg(1), 24).map(fdstat)),
            "fd_filestat_get" => put(self.at(arg(1), 64).map(filestat)),
            "path_filestat_get" => put(self.at(arg(4), 64).map(filestat)),
            "fd_prestat_get" => put(self.at(arg(1), 8).map(|b| format!("tag={} len={}", b[0], le32(&b[4..8])))),
            "fd_prestat_dir_name" => put(self.at(arg(1), (arg(2) as usize).min(64)).map(escape)),
            "fd_read" | "fd_pread" => {
                let nread_at = if name == "fd_read" { arg(3) } else { arg(4) };
                let n = self.u32_at(nread_at);
                put(n.map(|n| n.to_string()));
                put(n.and_then(|n| self.gathered(arg(1), arg(2), n as usize)).map(|d| escape(&d)));
            }
            "fd_write" => put(self.u32_at(arg(3)).map(|v| v.to_string())),
            "fd_pwrite" => put(self.u32_at(arg(4)).map(|v| v.to_string())),
            "fd_seek" => put(self.u64_at(arg(3)).map(|v| v.to_string())),
            "fd_tell" => put(self.u64_at(arg(1)).map(|v| v.to_string())),
            "fd_readdir" => {
                let used = self.u32_at(arg(4));
                put(used.map(|v| v.to_string()));
                if let (Some(used), Some(buf)) = (used, self.at(arg(1), arg(2) as usize)) {
                    put(Some(listing(buf, used as usize)));
                }
            }
            "path_open" => put(self.u32_at(arg(8)).map(|v| v.to_string())),
            "path_readlink" => {
                let used = self.u32_at(arg(5));
                put(used.map(|v| v.to_string()));
                put(used.and_then(|n| self.at(arg(3), n as usize)).map(escape));
            }
            "poll_oneoff" => {
                let n = self.u32_at(arg(3));
                put(n.map(|v| v.to_string()));
                for i in 0..n.unwrap_or(0).min(16) as u64 {
                    put(self.at(arg(1) + 32 * i, 32).map(event));
                }
            }
            "sock_accept" => put(self.u32_at(arg(2)).map(|v| v.to_string())),
            _ => {}
        }
    }

    /// Zeroes what a successful call wrote that differs between two correct hosts (random
    /// bytes, clock readings and resolutions, inode and device numbers, times, directory
    /// cookies), so that
    /// later calls reading the arena see the same bytes on every host.
    fn forget_host_specifics(&mut self, name: &str, a: &[u64]) {
        let arg = |i: usize| a.get(i).copied().unwrap_or(0);
        // dev and ino, then atim, mtim and ctim.
        let filestat = |at: u64| [(at, 16), (at + 40, 24)];
        let ranges: Vec<(u64, usize)> = match name {
            "random_get" => vec![(arg(0), arg(1) as usize)],
            "clock_time_get" => vec![(arg(2), 8)],
            "clock_res_get" => vec![(arg(1), 8)],
            "fd_filestat_get" => filestat(arg(1)).to_vec(),
            "path_filestat_get" => filestat(arg(4)).to_vec(),
            // d_next and d_ino of each entry, whole or cut.
            "fd_readdir" => {
                let used = u64::from(self.u32_at(arg(4)).unwrap_or(0));
                let mut heads = Vec::new();
                let mut at = 0u64;
                while at < used {
                    heads.push((arg(1) + at, (used - at).min(16) as usize));
                    at += 24 + u64::from(self.u32_at(arg(1) + at + 16).unwrap_or(0));
                }
                heads
            }
            _ => Vec::new(),
        };
        for (ptr, len) in ranges {
            if let Some(start) = ptr.checked_sub(self.base).and_then(|s| usize::try_from(s).ok()) {
                let (from, to) = (start.min(MEM), start.saturating_add(len).min(MEM));
                self.arena.0[from..to].fill(0);
            }
        }
    }

    /// The bytes of `n` read into the iovecs at `iovs`, in order.
    fn gathered(&self, iovs: u64, count: u64, n: usize) -> Option<Vec<u8>> {
        let mut data = Vec::new();
        for i in 0..count.min(64) {
            if data.len() >= n {
                break;
            }
            let buf = u64::from(self.u32_at(iovs + 8 * i)?);
            let len = self.u32_at(iovs + 8 * i + 4)? as usize;
            data.extend_from_slice(self.at(buf, len.min(n - data.len()))?);
        }
        Some(data)
    }

    /// `args_get`/`environ_get`: how many strings the pointer table points at in order from
    /// the buffer's start, and their bytes (NUL-separated; past 48 bytes, a hash of them).
    fn strings(&self, table: u64, buf: u64) -> Option<String> {
        let mut all = Vec::new();
        let mut n = 0;
        while n < 1024 {
            let p = u64::from(self.u32_at(table + 4 * n)?);
            if p < buf || p - buf != all.len() as u64 {
                break;
            }
            let rest = self.at(p, (self.base + MEM as u64 - p) as usize)?;
            let len = rest.iter().position(|b| *b == 0)?;
            all.extend_from_slice(&rest[..=len]);
            n += 1;
        }
        Some(if all.len() > 48 {
            format!("n={n} {}... fnv={:016x}", escape(&all[..48]), fnv1a(&all))
        } else {
            format!("n={n} {}", escape(&all))
        })
    }
}

/// FNV-1a, 64 bits.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Where strings and result slots of the current call go.
#[derive(Default)]
struct CallState {
    strings: usize,
    results: usize,
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b[..4].try_into().unwrap())
}

fn le64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().unwrap())
}

/// A decimal, `0x` hex or negative (two's complement) number.
fn number(s: &str) -> u64 {
    let parsed = if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(n) = s.strip_prefix('-') {
        n.parse::<u64>().ok().map(|v| v.wrapping_neg())
    } else {
        s.parse().ok()
    };
    parsed.unwrap_or_else(|| panic!("not a number: {s}"))
}

/// The bytes of a `"..."` token: `\xNN` and `\\` escapes, `\"` a quote.
fn unquote(tok: &str) -> Vec<u8> {
    let inner = tok.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or_else(|| panic!("string {tok}"));
    let b = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            out.push(u8::from_str_radix(&inner[i + 2..i + 4], 16).expect("\\xNN"));
            i += 4;
        } else if b[i] == b'\\' {
            out.push(b[i + 1]);
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Bytes as a quoted string: printable ASCII as is, the rest `\xNN`.
fn escape(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'"' | b'\\' => {
                s.push('\\');
                s.push(c as char);
            }
            0x21..=0x7e => s.push(c as char),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s.push('"');
    s
}

fn fdstat(b: &[u8]) -> String {
    let flags = u16::from_le_bytes([b[2], b[3]]);
    format!("type={} flags={flags:#x} base={:#x} inh={:#x}", b[0], le64(&b[8..]), le64(&b[16..]))
}

/// A time a script set itself (small) prints as is; a clock reading as `now`.
fn time(t: u64) -> String {
    if t < 1 << 50 {
        t.to_string()
    } else {
        "now".into()
    }
}

/// Type, modification time, and the size and `nlink` of files and symlinks. Not a
/// directory's size or link count, nor the access time: those are the host filesystem's
/// business (a read moves `atim` on a `relatime` mount); never device or inode numbers.
fn filestat(b: &[u8]) -> String {
    let ty = b[16];
    let size = match ty {
        4 => format!(" nlink={} size={}", le64(&b[24..]), le64(&b[32..])),
        7 => format!(" size={}", le64(&b[32..])),
        _ => String::new(),
    };
    format!("type={ty}{size} mtim={}", time(le64(&b[48..])))
}

fn event(b: &[u8]) -> String {
    let (userdata, error, ty) = (le64(b), u16::from_le_bytes([b[8], b[9]]), b[10]);
    let (nbytes, flags) = (le64(&b[16..]), u16::from_le_bytes([b[24], b[25]]));
    format!("{{ud={userdata:#x} err={} type={ty} nbytes={nbytes} flags={flags}}}", Errno(error).name())
}

/// The whole entries of an `fd_readdir` buffer as `name:type`, sorted by name (hosts list
/// in different orders), then `+cut` if an entry was cut at the end.
fn listing(buf: &[u8], used: usize) -> String {
    let buf = &buf[..used.min(buf.len())];
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= buf.len() {
        let namlen = le32(&buf[at + 16..]) as usize;
        if at + 24 + namlen > buf.len() {
            break;
        }
        names.push(format!("{}:{}", escape(&buf[at + 24..at + 24 + namlen]), buf[at + 20]));
        at += 24 + namlen;
    }
    names.sort();
    let cut = if at < buf.len() { " +cut" } else { "" };
    format!("[{}]{cut}", names.join(" "))
}

const RIGHTS_READ: u64 = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_READDIR;

/// Prints the tree under fd 3 (if it is still a directory), sorted, without following
/// symlinks: `d path`, `f path size nlink "first 4 KiB"`, `l path -> target`.
fn tree() {
    // SAFETY: WASI call without pointers of ours.
    match unsafe { wasi::fd_fdstat_get(3) } {
        Ok(st) if st.fs_filetype == wasi::FILETYPE_DIRECTORY => {}
        _ => {
            println!("== tree: fd 3 is not a directory");
            return;
        }
    }
    println!("== tree");
    walk(3, "", 0);
}

fn walk(dir: wasi::Fd, prefix: &str, depth: usize) {
    let mut buf = vec![0u8; 64 * 1024];
    // SAFETY: the buffer is as long as said.
    let used = match unsafe { wasi::fd_readdir(dir, buf.as_mut_ptr(), buf.len(), 0) } {
        Ok(used) => used,
        Err(e) => return println!("{prefix}: readdir {}", e.name()),
    };
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= used {
        let namlen = le32(&buf[at + 16..]) as usize;
        let name = String::from_utf8_lossy(&buf[at + 24..(at + 24 + namlen).min(used)]).into_owned();
        if name != "." && name != ".." {
            names.push(name);
        }
        at += 24 + namlen;
    }
    names.sort();
    for name in names {
        let path = format!("{prefix}{name}");
        // SAFETY: WASI calls with valid strings and buffers.
        let st = match unsafe { wasi::path_filestat_get(dir, 0, &name) } {
            Ok(st) => st,
            Err(e) => {
                println!("? {path}: {}", e.name());
                continue;
            }
        };
        match st.filetype {
            wasi::FILETYPE_DIRECTORY => {
                println!("d {path}");
                // SAFETY: as above.
                match unsafe { wasi::path_open(dir, 0, &name, wasi::OFLAGS_DIRECTORY, RIGHTS_READ, RIGHTS_READ, 0) } {
                    Ok(sub) if depth < 8 => {
                        walk(sub, &format!("{path}/"), depth + 1);
                        // SAFETY: closing the fd just opened.
                        let _ = unsafe { wasi::fd_close(sub) };
                    }
                    Ok(sub) => {
                        // SAFETY: as above.
                        let _ = unsafe { wasi::fd_close(sub) };
                    }
                    Err(e) => println!("  open {}", e.name()),
                }
            }
            wasi::FILETYPE_SYMBOLIC_LINK => {
                let mut target = vec![0u8; 4096];
                // SAFETY: as above.
                match unsafe { wasi::path_readlink(dir, &name, target.as_mut_ptr(), target.len()) } {
                    Ok(n) => println!("l {path} -> {}", escape(&target[..n])),
                    Err(e) => println!("l {path} -> {}", e.name()),
                }
            }
            ty => {
                let mut data = vec![0u8; 4096];
                // SAFETY: as above; the iovec points into `data`.
                let head = unsafe {
                    wasi::path_open(dir, 0, &name, 0, wasi::RIGHTS_FD_READ, 0, 0).and_then(|fd| {
                        let n = wasi::fd_pread(fd, &[wasi::Iovec { buf: data.as_mut_ptr(), buf_len: data.len() }], 0);
                        let _ = wasi::fd_close(fd);
                        n
                    })
                };
                let head = match head {
                    Ok(n) => escape(&data[..n]),
                    Err(e) => e.name().to_string(),
                };
                println!("f {path} type={} size={} nlink={} {head}", ty.raw(), st.size, st.nlink);
            }
        }
    }
}

fn main() {
    let mut driver = Driver::new();
    for line in std::env::args().skip(1) {
        driver.line(&line);
    }
    tree();
}
