//! `clock_*` and `random_get`. CPU-time clocks answer `EBADF`, as wasmtime does.

use wasi_abi::{Clockid, Errno};

use super::put_u64;
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;

impl WasiCtx {
    /// Reads the time of a clock now.
    pub(crate) fn clock_now(&mut self, id: Clockid) -> Result<u64, Errno> {
        match id {
            Clockid::Realtime => Ok(self.clock.realtime()),
            Clockid::Monotonic => Ok(self.clock.monotonic()),
            Clockid::ProcessCputimeId | Clockid::ThreadCputimeId => Err(Errno::BADF),
        }
    }

    /// Returns the resolution of a clock.
    pub fn clock_res_get(&mut self, mem: &mut dyn GuestMemory, id: u32, resolution: u32) -> Result<(), Errno> {
        let id = Clockid::try_from(id)?;
        self.clock_now(id)?;
        put_u64(mem, resolution, self.clock.resolution())
    }

    /// Returns the time value of a clock.
    pub fn clock_time_get(
        &mut self,
        mem: &mut dyn GuestMemory,
        id: u32,
        _precision: u64,
        time: u32,
    ) -> Result<(), Errno> {
        let now = self.clock_now(Clockid::try_from(id)?)?;
        put_u64(mem, time, now)
    }

    /// Fills a buffer with random bytes, in chunks so a huge request needs no huge buffer.
    pub fn random_get(&mut self, mem: &mut dyn GuestMemory, buf: u32, buf_len: u32) -> Result<(), Errno> {
        if let Some(direct) = mem.direct() {
            let r = crate::memory::range(buf, buf_len as usize, direct.len())?;
            self.random.fill(&mut direct[r]);
            return Ok(());
        }
        let mut done = 0u32;
        while done < buf_len {
            let n = (buf_len - done).min(self.limits.io_chunk as u32);
            self.scratch.resize(n as usize, 0);
            self.random.fill(&mut self.scratch);
            mem.write(super::guest_offset(buf, done as usize)?, &self.scratch)?;
            done += n;
        }
        Ok(())
    }
}
