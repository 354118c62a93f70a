//! The one host of this instance, and the lock around it.

use core::cell::{Cell, UnsafeCell};

use wasi_core::{WasiCtx, WasiCtxBuilder};

/// The host's life: set up one mount at a time, then running, then closed; reset to empty
/// for the next host (`api::host_reset`).
pub(crate) enum State {
    /// Before `host_begin`, and after `host_reset`.
    Empty,
    /// Between `host_begin` and `host_finish`.
    Pending(WasiCtxBuilder),
    /// After `host_finish`.
    Running(WasiCtx),
    /// After `host_close`: the guest is ended at its next call.
    Closed,
}

/// A global of this single-threaded instance, lent to one caller at a time.
///
/// Unlike a `RefCell`, the lock can be taken back from a holder that is gone: a call
/// into this module ends without running the rest of its code when a JS exception
/// unwinds through it (a guest whose stack overflows inside a host call), leaving the
/// lock held by frames that no longer exist. Whoever finds it so (see `calls.rs`) knows
/// whether the holder is still below it on the stack, and if not calls [`Global::release`].
pub(crate) struct Global<T> {
    value: UnsafeCell<T>,
    held: Cell<bool>,
}

// SAFETY: this crate's code is compiled for wasm32 only (see lib.rs), without the threads
// proposal: one thread ever touches a global.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// A global holding `value`.
    pub const fn new(value: T) -> Self {
        Global { value: UnsafeCell::new(value), held: Cell::new(false) }
    }

    /// Runs `f` on the value, holding the lock; `None` if it is held already. Inlined: the
    /// heap's cache relies on taking the lock with no call that could be cut short.
    #[inline(always)]
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if self.held.replace(true) {
            return None;
        }
        // SAFETY: `held` was false, so no other reference to the value exists: every one
        // is made here and lives only while `held` is true.
        let result = f(unsafe { &mut *self.value.get() });
        self.held.set(false);
        Some(result)
    }

    /// Whether the lock is held.
    pub fn is_held(&self) -> bool {
        self.held.get()
    }

    /// Takes the lock back from a holder whose frames were unwound.
    ///
    /// # Safety
    /// No frame of the holder may remain on the stack (see `calls.rs`): its reference to
    /// the value must be gone for good.
    pub unsafe fn release(&self) {
        self.held.set(false);
    }
}

/// This instance's host.
pub(crate) static HOST: Global<State> = Global::new(State::Empty);
