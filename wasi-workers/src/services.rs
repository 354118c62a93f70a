//! `wasi-core` host services backed by the JS bridge, and the guest memory view. Where a
//! service would block (sleeping, waiting for stdin, a full stdout queue), it asks for a
//! wait once the call has returned the host (`calls::want`) while the guest runs under
//! JSPI, and otherwise does what can be done at once (a virtual sleep, no wait).

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use wasi_core::{Clock, Errno, GuestMemory, InputStream, OutputStream, Random, Readiness, Waited};

use crate::bridge;
use crate::calls::{blocking, want, Want};

/// The guest's memory, as JS sees it at the time of the call.
pub struct JsMemory;

/// Bytes the guest's memory is known to have: a lower bound, since a wasm memory only
/// grows (and the guest's memory, once known, is the same for the host's life). Checks
/// within it need no call into JS.
static GUEST_SIZE: AtomicU64 = AtomicU64::new(0);

/// Forgets the last host's guest memory: the next host's may be smaller.
pub(crate) fn reset() {
    GUEST_SIZE.store(0, Relaxed);
}

impl GuestMemory for JsMemory {
    fn check(&self, offset: u32, len: u32) -> Result<(), Errno> {
        let end = u64::from(offset) + u64::from(len);
        if end <= GUEST_SIZE.load(Relaxed) {
            return Ok(());
        }
        let size = bridge::guest_size() as u64;
        GUEST_SIZE.store(size, Relaxed);
        if end <= size {
            Ok(())
        } else {
            Err(Errno::FAULT)
        }
    }

    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Errno> {
        if bridge::guest_read(offset, buf.len() as u32, buf.as_mut_ptr()) {
            Ok(())
        } else {
            Err(Errno::FAULT)
        }
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Errno> {
        if bridge::guest_write(offset, data.len() as u32, data.as_ptr()) {
            Ok(())
        } else {
            Err(Errno::FAULT)
        }
    }
}

/// The host's clocks, as the JS side keeps them (real, or a test's).
pub struct JsClock;

impl Clock for JsClock {
    fn realtime(&mut self) -> u64 {
        bridge::host_now(0) as u64
    }
    fn monotonic(&mut self) -> u64 {
        bridge::host_now(1) as u64
    }
    fn sleep(&mut self, ns: u64) -> Waited {
        if blocking() {
            want(Want::Sleep(ns as f64));
            return Waited::Later;
        }
        bridge::host_sleep(ns as f64);
        Waited::Done
    }

    fn yield_now(&mut self) {
        if blocking() {
            want(Want::Yield);
        }
    }
}

/// `crypto.getRandomValues`, or a test's source.
pub struct JsRandom;

impl Random for JsRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        bridge::host_random(buf.as_mut_ptr(), buf.len() as u32);
    }
}

/// stdout (1) or stderr (2): each write is handed to JS as it happens.
pub struct JsOutput(pub u32);

impl OutputStream for JsOutput {
    fn write(&mut self, data: &[u8]) -> Result<(), Errno> {
        match bridge::host_output(self.0, data.as_ptr(), data.len() as u32) {
            0 => Ok(()),
            1 => {
                // Taken, but the stream is backed up: wait for room (back-pressure).
                if blocking() {
                    want(Want::Output(self.0));
                }
                Ok(())
            }
            _ => Err(Errno::PIPE),
        }
    }
}

/// Stdin as it arrives from a JS stream, one chunk at a time.
pub struct JsStdin;

impl InputStream for JsStdin {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        match bridge::host_stdin_read(buf.as_mut_ptr(), buf.len() as u32) {
            n if n >= 0 => Ok(n as usize),
            _ => {
                // Nothing yet: under JSPI the call runs again once something arrives.
                if blocking() {
                    want(Want::Stdin(-1.0));
                }
                Err(Errno::AGAIN)
            }
        }
    }

    fn readiness(&mut self) -> Readiness {
        match bridge::host_stdin_available() {
            n if n >= 0.0 => Readiness::Ready { nbytes: n as u64 },
            -1.0 => Readiness::Hangup,
            _ => Readiness::Pending,
        }
    }

    fn wait(&mut self, timeout_ns: Option<u64>) -> Waited {
        if !blocking() {
            return Waited::Done;
        }
        want(Want::Stdin(timeout_ns.map_or(-1.0, |ns| ns as f64)));
        Waited::Later
    }
}
