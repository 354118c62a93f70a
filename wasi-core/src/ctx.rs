//! `WasiCtx`: the state of one guest instance.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::fdtable::FdTable;
use crate::host::{Clock, InputStream, OutputStream, Random};
use crate::syscalls::args::Strings;
use crate::vfs::VirtualFs;

/// The guest called `proc_exit` with this code: not an errno, the end of the program. Each
/// host turns it into its own way of stopping the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I32Exit(pub i32);

/// The state of one guest: args, environment, fd table, backends and host services.
/// Built with [`WasiCtx::builder`]; every syscall is a method named as in the witx.
pub struct WasiCtx {
    pub(crate) args: Strings,
    pub(crate) env: Strings,
    pub(crate) fds: FdTable,
    pub(crate) backends: Vec<Box<dyn VirtualFs>>,
    pub(crate) clock: Box<dyn Clock>,
    pub(crate) random: Box<dyn Random>,
    pub(crate) stdin: Box<dyn InputStream>,
    pub(crate) stdout: Box<dyn OutputStream>,
    pub(crate) stderr: Box<dyn OutputStream>,
    /// Reused for guest memory that cannot be borrowed directly; never shrinks.
    pub(crate) scratch: Vec<u8>,
    pub(crate) limits: Limits,
    /// Where a `poll_oneoff` that let the host wait resumes.
    pub(crate) poll_resume: Option<crate::syscalls::PollResume>,
}

/// Limits the embedder sets on what a guest may consume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Largest chunk moved between guest memory and a backend or stream in one step.
    pub io_chunk: usize,
}

impl WasiCtx {
    /// Starts building a context.
    pub fn builder() -> crate::WasiCtxBuilder {
        crate::WasiCtxBuilder::new()
    }

    /// The backend registered as number `index` (in the order of `preopen` calls with a new
    /// backend), for reading back what the guest wrote.
    pub fn backend_mut(&mut self, index: usize) -> Option<&mut (dyn VirtualFs + 'static)> {
        self.backends.get_mut(index).map(|b| &mut **b)
    }

    /// Replaces stdin, for an embedder that has the guest's input only after building
    /// (for instance a request body read before the guest starts).
    pub fn set_stdin(&mut self, stream: Box<dyn InputStream>) {
        self.stdin = stream;
    }

    /// Flushes stdout and stderr.
    pub fn flush(&mut self) {
        let _ = self.stdout.flush();
        let _ = self.stderr.flush();
    }
}
