//! `proc_exit`, `proc_raise`, `sched_yield`.

use wasi_abi::{Errno, Signal};

use crate::ctx::{I32Exit, WasiCtx};
use crate::memory::GuestMemory;

impl WasiCtx {
    /// Ends the program with an exit code: the host stops the guest.
    pub fn proc_exit(&mut self, _mem: &mut dyn GuestMemory, rval: u32) -> I32Exit {
        self.flush();
        I32Exit(rval as i32)
    }

    /// Signals are not delivered in preview1 hosts: `ENOTSUP`, as wasmtime answers
    /// (an unknown signal number is `EINVAL`).
    pub fn proc_raise(&mut self, _mem: &mut dyn GuestMemory, sig: u32) -> Result<(), Errno> {
        let sig = u8::try_from(sig).map_err(|_| Errno::INVAL)?;
        Signal::try_from(sig)?;
        Err(Errno::NOTSUP)
    }

    /// Gives other work a chance to run: the host clock's `yield_now` (an event loop's turn
    /// where there is one).
    pub fn sched_yield(&mut self, _mem: &mut dyn GuestMemory) -> Result<(), Errno> {
        self.clock.yield_now();
        Ok(())
    }
}
