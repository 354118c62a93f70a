//! Host services the core calls out to: clocks, randomness, and the stdio streams. The core
//! never reads a global clock or RNG, so an embedder (or a test) decides what they return.

use wasi_abi::Errno;

/// How a wait went, for a host that may not be able to wait inside a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The wait is over (or could not happen): the call carries on.
    Done,
    /// The host waits once this call has returned, then calls it again: the call ends
    /// with `EAGAIN` having changed nothing the guest can see, and keeps what it needs to
    /// resume (the JS binding, which suspends the guest only outside a call, so that the
    /// embedder can use the host while the guest waits).
    Later,
}

/// Clocks and the passing of time. Values are nanoseconds.
pub trait Clock {
    /// Wall-clock time since the Unix epoch.
    fn realtime(&mut self) -> u64;

    /// A clock that never goes backwards.
    fn monotonic(&mut self) -> u64;

    /// The resolution of `realtime` and `monotonic`, in nanoseconds.
    fn resolution(&self) -> u64 {
        1_000
    }

    /// Blocks until `monotonic()` has advanced by at least `ns`: a real sleep natively, a
    /// virtual advance where waiting is impossible, or a wait after the call
    /// ([`Waited::Later`]).
    fn sleep(&mut self, ns: u64) -> Waited;

    /// Lets other work run (`sched_yield`): where the host shares a thread with an event
    /// loop, a chance for it to turn. Nothing by default.
    fn yield_now(&mut self) {}
}

/// A source of random bytes for `random_get`.
pub trait Random {
    /// Fills `buf` entirely.
    fn fill(&mut self, buf: &mut [u8]);
}

/// Readiness of a stream for `poll_oneoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Ready; `nbytes` is what is known to be available (0 when unknown).
    Ready {
        /// Bytes available without blocking, if known.
        nbytes: u64,
    },
    /// Not ready now.
    Pending,
    /// The peer is gone (end of stream for input, a closed sink for output).
    Hangup,
}

/// A readable stream (stdin).
pub trait InputStream {
    /// Reads up to `buf.len()` bytes; 0 means end of stream. May block.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno>;

    /// Whether a read would return without blocking.
    fn readiness(&mut self) -> Readiness {
        Readiness::Ready { nbytes: 0 }
    }

    /// Blocks until the stream is readable or `timeout_ns` has passed (`None`: no limit), or
    /// arranges to wait after the call ([`Waited::Later`]). A stream that cannot wait
    /// returns at once.
    fn wait(&mut self, _timeout_ns: Option<u64>) -> Waited {
        Waited::Done
    }
}

/// A writable stream (stdout, stderr).
pub trait OutputStream {
    /// Writes all of `data` or fails. May block.
    fn write(&mut self, data: &[u8]) -> Result<(), Errno>;

    /// Pushes buffered data on.
    fn flush(&mut self) -> Result<(), Errno> {
        Ok(())
    }
}

/// A stream that is always at its end (a closed stdin).
#[derive(Debug, Default, Clone, Copy)]
pub struct EmptyInput;

impl InputStream for EmptyInput {
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Ok(0)
    }
    fn readiness(&mut self) -> Readiness {
        Readiness::Hangup
    }
}

/// A stream of bytes known in advance (a request body read before the guest starts, a
/// test's input), then end of stream.
#[derive(Debug, Default, Clone)]
pub struct BytesInput {
    data: alloc::vec::Vec<u8>,
    at: usize,
}

impl BytesInput {
    /// A stream of `data`.
    pub fn new(data: impl Into<alloc::vec::Vec<u8>>) -> Self {
        BytesInput { data: data.into(), at: 0 }
    }
}

impl InputStream for BytesInput {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let n = buf.len().min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }

    fn readiness(&mut self) -> Readiness {
        match self.data.len() - self.at {
            0 => Readiness::Hangup,
            n => Readiness::Ready { nbytes: n as u64 },
        }
    }
}

/// A sink that discards everything written to it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl OutputStream for Discard {
    fn write(&mut self, _data: &[u8]) -> Result<(), Errno> {
        Ok(())
    }
}
