//! Host services from the standard library (feature `std`): the system clock, the OS's
//! random source, the process's stdio, and an output stream that keeps what a guest
//! writes. [`WasiCtxBuilder::native_services`] and [`WasiCtxBuilder::inherit_stdio`] put
//! them in a context.

use std::boxed::Box;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::vec::Vec;

use crate::{Clock, Errno, InputStream, OutputStream, Random, Waited, WasiCtxBuilder};

impl WasiCtxBuilder {
    /// The system clock and the OS's random source.
    pub fn native_services(&mut self) -> &mut Self {
        self.clock(Box::new(SystemClock::default())).random(Box::new(OsRandom))
    }

    /// The process's stdin, stdout and stderr.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin(Box::new(HostStdin)).stdout(Box::new(HostStdout)).stderr(Box::new(HostStderr))
    }
}

/// Wall-clock time from `SystemTime`, monotonic time from an `Instant` taken at creation;
/// `sleep` really sleeps.
#[derive(Debug)]
pub struct SystemClock {
    start: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock { start: Instant::now() }
    }
}

impl Clock for SystemClock {
    fn realtime(&mut self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    }

    fn monotonic(&mut self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }

    /// Both clocks count nanoseconds, as wasmtime reports for its own.
    fn resolution(&self) -> u64 {
        1
    }

    fn sleep(&mut self, ns: u64) -> Waited {
        std::thread::sleep(Duration::from_nanos(ns));
        Waited::Done
    }
}

/// Random bytes from the operating system.
#[derive(Debug, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        // The OS source failing is not something a guest can act on; fall back to a
        // clock-seeded xorshift rather than handing out zeros.
        if getrandom::fill(buf).is_err() {
            let mut x = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0x9e37_79b9, |d| d.as_nanos() as u64) | 1;
            for b in buf {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
        }
    }
}

/// The process's stdin.
#[derive(Debug, Default)]
pub struct HostStdin;

impl InputStream for HostStdin {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        std::io::stdin().lock().read(buf).map_err(|_| Errno::IO)
    }
}

/// The process's stdout.
#[derive(Debug, Default)]
pub struct HostStdout;

impl OutputStream for HostStdout {
    fn write(&mut self, data: &[u8]) -> Result<(), Errno> {
        std::io::stdout().lock().write_all(data).map_err(|_| Errno::IO)
    }

    fn flush(&mut self) -> Result<(), Errno> {
        std::io::stdout().lock().flush().map_err(|_| Errno::IO)
    }
}

/// The process's stderr.
#[derive(Debug, Default)]
pub struct HostStderr;

impl OutputStream for HostStderr {
    fn write(&mut self, data: &[u8]) -> Result<(), Errno> {
        std::io::stderr().lock().write_all(data).map_err(|_| Errno::IO)
    }
}

/// An output stream that keeps what is written, readable through a shared handle.
#[derive(Debug, Default, Clone)]
pub struct Captured(Rc<RefCell<Vec<u8>>>);

impl Captured {
    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.borrow().clone()
    }
}

impl OutputStream for Captured {
    fn write(&mut self, data: &[u8]) -> Result<(), Errno> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
}
