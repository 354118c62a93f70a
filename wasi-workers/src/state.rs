//! The one host of this instance, and the byte buffers handed to JS.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use wasi_core::{WasiCtx, WasiCtxBuilder};
use wasi_fs_littlefs::LittleFs;

/// A running host: the WASI state, and a handle on each littlefs mount (by mount number)
/// for exporting its image.
pub(crate) struct Host {
    pub ctx: WasiCtx,
    pub images: Vec<Option<Rc<RefCell<LittleFs>>>>,
}

/// The host's life: set up one mount at a time, then running, then closed.
pub(crate) enum State {
    /// Before `host_begin`, and after `host_close`.
    Empty,
    /// Between `host_begin` and `host_finish`.
    Pending { builder: WasiCtxBuilder, images: Vec<Option<Rc<RefCell<LittleFs>>>> },
    /// After `host_finish`.
    Running(Host),
}

/// A global for a single-threaded instance.
pub(crate) struct Global<T>(RefCell<T>);

// SAFETY: this crate's code is compiled for wasm32 only (see lib.rs), without the threads
// proposal: one thread ever touches a global, so the `RefCell` is never shared.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// A global holding `value`.
    pub const fn new(value: T) -> Self {
        Global(RefCell::new(value))
    }

    /// Runs `f` on the value; a reentrant call (JS calling back in mid-syscall) gets `None`.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let mut value = self.0.try_borrow_mut().ok()?;
        Some(f(&mut value))
    }
}

/// This instance's host.
pub(crate) static HOST: Global<State> = Global::new(State::Empty);

/// The bytes the last `host_read_file` or `host_export_image` produced, until JS takes them.
pub(crate) static OUTPUT: Global<Vec<u8>> = Global::new(Vec::new());

/// Runs `f` on the running host, if there is one.
pub(crate) fn with_host<R>(f: impl FnOnce(&mut Host) -> R) -> Option<R> {
    HOST.with(|state| match state {
        State::Running(host) => Some(f(host)),
        _ => None,
    })
    .flatten()
}
