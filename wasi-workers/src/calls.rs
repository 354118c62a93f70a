//! How calls enter the host: one at a time, never into state a cut-short call left
//! behind, and never suspended while they hold it.
//!
//! A guest's call reaches its syscall with no JS frame in between, so nothing can catch
//! what unwinds through it. Three things can:
//! - `proc_exit`, which ends the guest by throwing `ProcessExit` through it;
//! - a JS exception inside the call: the guest's stack overflowing in one of our frames
//!   or in a bridge function, or an embedder's callback throwing;
//! - under JSPI, nothing unwinds, but the guest waits inside a call.
//!
//! A guest may catch an exception (wasm exception handling) and call again, so the host
//! records why a run must end ([`End`]) and ends the guest at its next call with a trap,
//! which wasm cannot catch; `start()` in JS turns the reason into its result. The lock on
//! the host ([`HOST`]) stays held by a call that was cut short; whoever finds it held asks
//! JS whether an embedder callback is running (then the holder is still below on the
//! stack: a reentrant call, refused) or not (then the holder is gone, and the lock is
//! taken back). Waits happen after the call has returned its borrow ([`Want`]), so that
//! while the guest waits the embedder can read and write files, or close the host.

use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering::Relaxed};

use wasi_core::{errno_code, Errno, WasiCtx};

use crate::bridge;
use crate::heap;
use crate::state::{State, HOST};

/// Why the guest's run ended, for JS to read after it (`host_end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum End {
    /// Still running, or ended by returning or trapping on its own.
    Running = 0,
    /// `proc_exit`, with the code in `host_exit_code`.
    Exit = 1,
    /// The guest caught an exception thrown through one of its calls and called again.
    Interrupted = 2,
    /// The embedder closed the host.
    Closed = 3,
}

static ENDED: AtomicU32 = AtomicU32::new(End::Running as u32);
static EXIT_CODE: AtomicI32 = AtomicI32::new(0);
/// JS asked to close the host while a call held it (from an embedder callback).
static CLOSE_REQUESTED: AtomicBool = AtomicBool::new(false);
/// Whether JS runs the guest through `WebAssembly.promising`, so a call may suspend it.
static BLOCKING: AtomicBool = AtomicBool::new(false);

/// What the guest must wait for once its call has returned the host (under JSPI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Want {
    /// Stdin data or its end, for at most this many ns (negative: no limit); then the
    /// call runs again.
    Stdin(f64),
    /// This many ns; then the call runs again.
    Sleep(f64),
    /// Room in the queue of stdout (1) or stderr (2).
    Output(u32),
    /// A turn of the event loop.
    Yield,
}

/// The wait asked for during the current call: `Want` as a kind (0 for none) and its
/// argument, in atomics so that the common case (none) costs one load.
static WANT_KIND: AtomicU32 = AtomicU32::new(0);
static WANT_ARG: AtomicU64 = AtomicU64::new(0);

/// Whether the guest may be suspended: only while JS runs it through `promising`.
pub(crate) fn blocking() -> bool {
    BLOCKING.load(Relaxed)
}

/// Asks for a wait once the current call has returned (see [`Want`]).
pub(crate) fn want(wait: Want) {
    let (kind, arg) = match wait {
        Want::Stdin(ns) => (1, ns),
        Want::Sleep(ns) => (2, ns),
        Want::Output(fd) => (3, f64::from(fd)),
        Want::Yield => (4, 0.0),
    };
    WANT_ARG.store(arg.to_bits(), Relaxed);
    WANT_KIND.store(kind, Relaxed);
}

/// Takes the wait asked for during the call that just returned.
fn take_want() -> Option<Want> {
    let arg = f64::from_bits(WANT_ARG.load(Relaxed));
    match WANT_KIND.swap(0, Relaxed) {
        0 => None,
        1 => Some(Want::Stdin(arg)),
        2 => Some(Want::Sleep(arg)),
        3 => Some(Want::Output(arg as u32)),
        _ => Some(Want::Yield),
    }
}

/// Ends the guest now: a trap, which the guest cannot catch. JS reads the reason.
fn end(reason: End) -> ! {
    ENDED.store(reason as u32, Relaxed);
    bridge::host_ended();
    core::arch::wasm32::unreachable()
}

/// Checks a guest's call may enter. `Some(errno)` refuses a reentrant call (an embedder
/// callback calling the guest, which calls the host again).
pub(crate) fn enter() -> Option<u32> {
    if ENDED.load(Relaxed) != End::Running as u32 {
        // Ended already (by an exit the guest caught, say): the reason stands.
        core::arch::wasm32::unreachable();
    }
    if HOST.is_held() {
        if bridge::host_in_callback() {
            return Some(u32::from(Errno::BUSY.raw()));
        }
        // The last call was cut short by an exception that the guest caught: its frames
        // are gone, and the guest carries on as if it had returned. End the run.
        // SAFETY: no embedder callback is running, so no call into the host is on the
        // stack below this one (calls cannot nest otherwise): the holder is gone.
        unsafe { recover() };
        end(End::Interrupted);
    }
    None
}

/// Takes the lock back from a call that was cut short, and has the backends put their
/// in-memory state back in order (`VirtualFs::recover`), since the call may have stopped
/// anywhere in them.
///
/// # Safety
/// As for `Global::release`: no frame of the cut-short call may remain.
unsafe fn recover() {
    // SAFETY: passed on to the caller.
    unsafe { HOST.release() };
    HOST.with(|state| {
        if let State::Running(ctx) = state {
            let mut i = 0;
            while let Some(fs) = ctx.backend_mut(i) {
                fs.recover();
                i += 1;
            }
        }
    });
}

/// After a call: a close asked for during it (from an embedder callback) takes effect,
/// ending the guest.
fn close_if_asked() {
    if CLOSE_REQUESTED.load(Relaxed) {
        CLOSE_REQUESTED.store(false, Relaxed);
        HOST.with(|state| *state = State::Closed);
        end(End::Closed);
    }
}

/// After a wait: the embedder may have closed the host meanwhile, ending the guest.
fn closed_meanwhile() {
    if HOST.with(|state| matches!(state, State::Closed)) == Some(true) {
        end(End::Closed);
    }
}

/// Runs a syscall for the guest: waits it asked for happen after it has returned the
/// host, and a call that could not proceed until then (`EAGAIN` with a wait for stdin or
/// time) runs again afterwards.
pub(crate) fn syscall(call: &mut dyn FnMut(&mut WasiCtx) -> Result<(), Errno>) -> u32 {
    loop {
        if let Some(refused) = enter() {
            return refused;
        }
        let result = HOST.with(|state| match state {
            State::Running(ctx) => Some(call(ctx)),
            _ => None,
        });
        let Some(Some(result)) = result else { end(End::Closed) };
        close_if_asked();
        let Some(wait) = take_want() else { return errno_code(result) };
        let again = match wait {
            Want::Stdin(timeout) => {
                bridge::host_stdin_wait(timeout);
                true
            }
            Want::Sleep(ns) => {
                bridge::host_sleep_wait(ns);
                true
            }
            Want::Output(fd) => {
                bridge::host_output_wait(fd);
                false
            }
            Want::Yield => {
                bridge::host_yield();
                false
            }
        };
        closed_meanwhile();
        if !(again && result == Err(Errno::AGAIN)) {
            return errno_code(result);
        }
    }
}

/// `proc_exit`: ends the guest with `code` by throwing `ProcessExit` through it (so that
/// an embedder calling a reactor's exports sees it); a guest that catches it is ended at
/// its next call.
pub(crate) fn exit(rval: u32, call: impl FnOnce(&mut WasiCtx) -> i32) -> ! {
    let code = match enter() {
        // Reentrant: the host is busy below this call; exit without flushing it.
        Some(_) => rval as i32,
        None => match HOST.with(|state| match state {
            State::Running(ctx) => Some(call(ctx)),
            _ => None,
        }) {
            Some(Some(code)) => code,
            _ => end(End::Closed),
        },
    };
    EXIT_CODE.store(code, Relaxed);
    ENDED.store(End::Exit as u32, Relaxed);
    bridge::host_exit(code);
    end(End::Exit)
}

/// Why an embedder's call (JS API) could not be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Refused {
    /// From inside an embedder callback, while a guest's call holds the host.
    InCallback = 2,
    /// A call was cut short inside the allocator: the host's memory cannot be trusted.
    HeapLost = 3,
}

/// Runs an embedder's call (from JS, outside any guest call) on the host state, taking
/// back the lock from a guest call that was cut short.
pub(crate) fn api<R>(f: impl FnOnce(&mut State) -> R) -> Result<R, Refused> {
    if HOST.is_held() || heap::interrupted() {
        if bridge::host_in_callback() {
            return Err(Refused::InCallback);
        }
        if heap::interrupted() {
            return Err(Refused::HeapLost);
        }
        // SAFETY: no embedder callback is running, so no guest call is on the stack: the
        // holder was unwound.
        unsafe { recover() };
    }
    HOST.with(f).ok_or(Refused::InCallback)
}

/// Asks for the host to be closed: now, or (from inside an embedder callback, while a
/// guest's call holds it) as soon as that call returns.
pub(crate) fn close() {
    if api(|state| *state = State::Closed).is_err() {
        CLOSE_REQUESTED.store(true, Relaxed);
    }
}

/// Says whether JS runs the guest through `WebAssembly.promising`.
pub(crate) fn set_blocking(on: bool) {
    BLOCKING.store(on, Relaxed);
}

/// Why the run ended ([`End`] as a number) and the exit code.
pub(crate) fn ended() -> (u32, i32) {
    (ENDED.load(Relaxed), EXIT_CODE.load(Relaxed))
}

/// Forgets the last host's run: how it ended, a close asked for, whether it could
/// suspend, a wait asked for (see `api::host_reset`).
pub(crate) fn reset() {
    ENDED.store(End::Running as u32, Relaxed);
    EXIT_CODE.store(0, Relaxed);
    CLOSE_REQUESTED.store(false, Relaxed);
    BLOCKING.store(false, Relaxed);
    WANT_KIND.store(0, Relaxed);
    WANT_ARG.store(0, Relaxed);
}
