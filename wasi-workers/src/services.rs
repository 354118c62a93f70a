//! `wasi-core` host services backed by the JS bridge, and the guest memory view.

use wasi_core::{Clock, Errno, GuestMemory, OutputStream, Random};

use crate::bridge;

/// The guest's memory, as JS sees it at the time of the call.
pub struct JsMemory;

impl GuestMemory for JsMemory {
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
    fn sleep(&mut self, ns: u64) {
        bridge::host_sleep(ns as f64);
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
        if bridge::host_output(self.0, data.as_ptr(), data.len() as u32) {
            Ok(())
        } else {
            Err(Errno::PIPE)
        }
    }
}
