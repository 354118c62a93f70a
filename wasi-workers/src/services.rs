//! `wasi-core` host services backed by the JS bridge, and the guest memory view.

use wasi_core::{Clock, Errno, GuestMemory, OutputStream, Random};

use crate::bridge;

/// The guest's memory, as JS sees it at the time of the call.
pub struct JsMemory;

impl GuestMemory for JsMemory {
    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Errno> {
        // Words (iovecs, subscriptions' fields) go through a DataView without allocating.
        if buf.len() % 4 == 0 && buf.len() <= 8 {
            for (i, word) in buf.chunks_exact_mut(4).enumerate() {
                let at = offset.checked_add(4 * i as u32).ok_or(Errno::FAULT)?;
                let value = bridge::guest_read_u32(at);
                if value < 0.0 {
                    return Err(Errno::FAULT);
                }
                word.copy_from_slice(&(value as u32).to_le_bytes());
            }
            return Ok(());
        }
        if bridge::guest_read(offset, buf.len() as u32, buf.as_mut_ptr()) {
            Ok(())
        } else {
            Err(Errno::FAULT)
        }
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Errno> {
        // Results (sizes, fds, timestamps) are one or two words.
        if data.len() % 4 == 0 && data.len() <= 8 {
            let end = offset.checked_add(data.len() as u32).ok_or(Errno::FAULT)?;
            // Check the last word first, so a fault writes nothing.
            if !data.is_empty() && bridge::guest_read_u32(end - 4) < 0.0 {
                return Err(Errno::FAULT);
            }
            for (i, word) in data.chunks_exact(4).enumerate() {
                let value = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
                if !bridge::guest_write_u32(offset + 4 * i as u32, value) {
                    return Err(Errno::FAULT);
                }
            }
            return Ok(());
        }
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
