//! `WasiCtxBuilder`: what the embedder hands the guest. Bad input is a [`BuildError`] that
//! names what was wrong, never a panic.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use wasi_abi::Fdflags;

use crate::ctx::{Limits, WasiCtx};
use crate::fdtable::{Desc, FdTable, Kind, Mount};
use crate::host::{Clock, Discard, EmptyInput, InputStream, OutputStream, Random};
use crate::syscalls::args::Strings;
use crate::vfs::VirtualFs;

/// Default cap on open fds (stdio and preopens included).
pub const DEFAULT_MAX_FDS: usize = 1024;

/// Default largest chunk of guest memory handled in one step (1 MiB).
pub const DEFAULT_IO_CHUNK: usize = 1 << 20;

/// What was wrong with the embedder's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// Argument number `.0` contains a NUL byte, which a guest cannot see.
    NulInArg(usize),
    /// The arguments or the environment take more than a guest's 4 GiB.
    TooLarge,
    /// Environment variable number `.0` has an empty name, a NUL byte or `=` in its name,
    /// or a NUL in its value.
    BadEnv(usize),
    /// No clock was given (`no_std` has no default one).
    MissingClock,
    /// No random source was given (`no_std` has no default one).
    MissingRandom,
    /// Preopen number `.0` has an empty guest path or one with a NUL byte.
    BadPreopenPath(usize),
    /// A preopen names a backend number that was never added.
    UnknownBackend(usize),
    /// `max_open_fds` is too small for stdio and the preopens.
    TooFewFds(usize),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NulInArg(i) => write!(f, "argument {i} contains a NUL byte"),
            BuildError::TooLarge => f.write_str("the arguments or the environment take more than 4 GiB"),
            BuildError::BadEnv(i) => write!(
                f,
                "environment variable {i}: the name must be non-empty without '=' or NUL, the value without NUL"
            ),
            BuildError::MissingClock => f.write_str("no clock was given (WasiCtxBuilder::clock)"),
            BuildError::MissingRandom => f.write_str("no random source was given (WasiCtxBuilder::random)"),
            BuildError::BadPreopenPath(i) => {
                write!(f, "preopen {i}: its path must be non-empty and contain no NUL byte")
            }
            BuildError::UnknownBackend(i) => write!(f, "preopen names backend {i}, which was never added"),
            BuildError::TooFewFds(n) => write!(f, "max_open_fds {n} leaves no room for stdio and the preopens"),
        }
    }
}

impl core::error::Error for BuildError {}

/// Builds a [`WasiCtx`]. Stdio defaults to an empty stdin and discarded output; a clock
/// and a random source must be given.
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    env_error: Option<BuildError>,
    backends: Vec<Box<dyn VirtualFs>>,
    preopens: Vec<(Vec<u8>, usize, bool)>,
    clock: Option<Box<dyn Clock>>,
    random: Option<Box<dyn Random>>,
    stdin: Box<dyn InputStream>,
    stdout: Box<dyn OutputStream>,
    stderr: Box<dyn OutputStream>,
    max_fds: usize,
    io_chunk: usize,
}

impl WasiCtxBuilder {
    pub(crate) fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            env_error: None,
            backends: Vec::new(),
            preopens: Vec::new(),
            clock: None,
            random: None,
            stdin: Box::new(EmptyInput),
            stdout: Box::new(Discard),
            stderr: Box::new(Discard),
            max_fds: DEFAULT_MAX_FDS,
            io_chunk: DEFAULT_IO_CHUNK,
        }
    }

    /// Appends one argument (the first is the program name, `argv[0]`).
    pub fn arg(&mut self, arg: impl AsRef<[u8]>) -> &mut Self {
        self.args.push(arg.as_ref().into());
        self
    }

    /// Sets one environment variable.
    pub fn env(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> &mut Self {
        let (key, value) = (key.as_ref(), value.as_ref());
        if key.is_empty() || key.contains(&b'=') || key.contains(&0) || value.contains(&0) {
            self.env_error.get_or_insert(BuildError::BadEnv(self.env.len()));
        }
        let mut pair = Vec::with_capacity(key.len() + 1 + value.len());
        pair.extend_from_slice(key);
        pair.push(b'=');
        pair.extend_from_slice(value);
        self.env.push(pair);
        self
    }

    /// The guest's stdin.
    pub fn stdin(&mut self, stream: Box<dyn InputStream>) -> &mut Self {
        self.stdin = stream;
        self
    }

    /// The guest's stdout.
    pub fn stdout(&mut self, stream: Box<dyn OutputStream>) -> &mut Self {
        self.stdout = stream;
        self
    }

    /// The guest's stderr.
    pub fn stderr(&mut self, stream: Box<dyn OutputStream>) -> &mut Self {
        self.stderr = stream;
        self
    }

    /// The clocks the guest sees (also used for file timestamps).
    pub fn clock(&mut self, clock: Box<dyn Clock>) -> &mut Self {
        self.clock = Some(clock);
        self
    }

    /// The random source for `random_get`.
    pub fn random(&mut self, random: Box<dyn Random>) -> &mut Self {
        self.random = Some(random);
        self
    }

    /// Adds a backend and returns its number, for `preopen` and `WasiCtx::backend_mut`.
    pub fn backend(&mut self, fs: Box<dyn VirtualFs>) -> usize {
        self.backends.push(fs);
        self.backends.len() - 1
    }

    /// Preopens the root of backend `backend` as the directory `guest_path`; a read-only
    /// preopen refuses every change beneath it with `EPERM`, as wasmtime does.
    pub fn preopen(&mut self, guest_path: &str, backend: usize, read_only: bool) -> &mut Self {
        self.preopens.push((guest_path.as_bytes().into(), backend, read_only));
        self
    }

    /// Caps the number of open fds (stdio and preopens included); more answers `EMFILE`.
    pub fn max_open_fds(&mut self, max: usize) -> &mut Self {
        self.max_fds = max;
        self
    }

    /// Caps the bytes handled in one step of a read, write or `random_get` (at least 4 KiB).
    pub fn io_chunk(&mut self, bytes: usize) -> &mut Self {
        self.io_chunk = bytes.max(4096);
        self
    }

    /// Checks the configuration and builds the context.
    pub fn build(&mut self) -> Result<WasiCtx, BuildError> {
        if let Some(i) = self.args.iter().position(|a| a.contains(&0)) {
            return Err(BuildError::NulInArg(i));
        }
        if let Some(e) = self.env_error.take() {
            return Err(e);
        }
        for (i, (path, backend, _)) in self.preopens.iter().enumerate() {
            if path.is_empty() || path.contains(&0) {
                return Err(BuildError::BadPreopenPath(i));
            }
            if *backend >= self.backends.len() {
                return Err(BuildError::UnknownBackend(*backend));
            }
        }
        if self.max_fds < 3 + self.preopens.len() {
            return Err(BuildError::TooFewFds(self.max_fds));
        }
        let mut clock = self.clock.take().ok_or(BuildError::MissingClock)?;
        let random = self.random.take().ok_or(BuildError::MissingRandom)?;
        let mut fds = FdTable::new(self.max_fds);
        for kind in [Kind::Stdin, Kind::Stdout, Kind::Stderr] {
            let desc = Desc { kind, flags: Fdflags::empty() };
            fds.insert(desc).map_err(|_| BuildError::TooFewFds(self.max_fds))?;
        }
        let mut backends = core::mem::take(&mut self.backends);
        for (path, backend, read_only) in core::mem::take(&mut self.preopens) {
            let ino = backends[backend].root();
            let kind = Kind::Dir { mount: Mount { backend, read_only }, ino, preopen: Some(path) };
            let desc = Desc { kind, flags: Fdflags::empty() };
            let _ = backends[backend].open(ino);
            // A fresh backend's root was made before any clock was known: give it the time
            // the guest's directory comes into being, as a host directory made for a
            // wasmtime preopen has.
            if !read_only && backends[backend].stat(ino).is_ok_and(|st| st.mtim == 0) {
                let now = clock.realtime();
                let _ = backends[backend].set_times(ino, Some(now), Some(now), now);
            }
            fds.insert(desc).map_err(|_| BuildError::TooFewFds(self.max_fds))?;
        }
        Ok(WasiCtx {
            args: Strings::new(&self.args).ok_or(BuildError::TooLarge)?,
            env: Strings::new(&self.env).ok_or(BuildError::TooLarge)?,
            fds,
            backends,
            clock,
            random,
            stdin: core::mem::replace(&mut self.stdin, Box::new(EmptyInput)),
            stdout: core::mem::replace(&mut self.stdout, Box::new(Discard)),
            stderr: core::mem::replace(&mut self.stderr, Box::new(Discard)),
            scratch: Vec::new(),
            limits: Limits { io_chunk: self.io_chunk },
            poll_resume: None,
        })
    }
}
