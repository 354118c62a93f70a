//! `poll_oneoff`: clock and fd subscriptions. Files and output streams are always ready;
//! stdin asks its stream. When nothing is ready the host's clock or stdin decides how to
//! wait (a real sleep natively, a virtual advance where waiting is impossible, or a wait
//! after the call, which then resumes where it stopped).

use wasi_abi::{Clockid, Errno, Event, Eventrwflags, Eventtype, Subclockflags, Subscription, SubscriptionU};

use super::{check_array, element, put_u32};
use crate::ctx::WasiCtx;
use crate::fdtable::Kind;
use crate::host::{Readiness, Waited};
use crate::memory::GuestMemory;

/// Size of a subscription and of an event in guest memory.
const SUB_SIZE: u32 = 48;
const EVENT_SIZE: u32 = 32;

/// After this many waits that ended early, the earliest timer is treated as expired so a
/// clock that does not move cannot hang the guest.
const MAX_WAITS: usize = 16;

/// A call that stopped to let the host wait ([`Waited::Later`]): when the host calls again
/// with the same arguments, relative timeouts still count from the first call's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PollResume {
    args: (u32, u32, u32),
    start: (u64, u64),
    waits: usize,
}

/// What one subscription is waiting for, once decoded.
enum Wait {
    /// Fires at this monotonic time.
    Clock(u64),
    /// Ready now with this many bytes and flags.
    Ready(Eventtype, u64, Eventrwflags),
    /// Stdin with no data yet.
    Stdin,
}

impl WasiCtx {
    fn subscription(&self, mem: &dyn GuestMemory, subs: u32, i: u32) -> Result<Subscription, Errno> {
        let mut b = [0u8; SUB_SIZE as usize];
        mem.read(element(subs, i, SUB_SIZE)?, &mut b)?;
        Subscription::decode(&b)
    }

    /// Decodes what a subscription waits for; relative timeouts count from `start`, the
    /// call's start on the monotonic and real clocks. A bad fd fails the whole call with
    /// `EBADF`, as wasmtime does.
    fn wait_of(&mut self, sub: &Subscription, start: (u64, u64)) -> Result<Wait, Errno> {
        let (start_mono, start_real) = start;
        Ok(match sub.u {
            SubscriptionU::Clock(c) => {
                let abs = c.flags.contains(Subclockflags::SUBSCRIPTION_CLOCK_ABSTIME);
                let deadline = match (c.id, abs) {
                    (Clockid::Monotonic, true) => c.timeout,
                    (Clockid::Realtime, true) => start_mono.saturating_add(c.timeout.saturating_sub(start_real)),
                    (Clockid::Monotonic | Clockid::Realtime, false) => start_mono.saturating_add(c.timeout),
                    _ => return Err(Errno::INVAL),
                };
                Wait::Clock(deadline)
            }
            SubscriptionU::FdRead(fd) => match self.fds.get(fd)?.kind {
                Kind::Stdin => match self.stdin.readiness() {
                    Readiness::Ready { nbytes } => Wait::Ready(Eventtype::FdRead, nbytes.max(1), Eventrwflags::empty()),
                    Readiness::Hangup => Wait::Ready(Eventtype::FdRead, 0, Eventrwflags::FD_READWRITE_HANGUP),
                    Readiness::Pending => Wait::Stdin,
                },
                Kind::File { mount, ino, pos, .. } => {
                    let size = self.fs(mount).stat(ino)?.size;
                    let hangup = if pos >= size { Eventrwflags::FD_READWRITE_HANGUP } else { Eventrwflags::empty() };
                    Wait::Ready(Eventtype::FdRead, 1, hangup)
                }
                _ => return Err(Errno::BADF),
            },
            SubscriptionU::FdWrite(fd) => match self.fds.get(fd)?.kind {
                Kind::Stdout | Kind::Stderr | Kind::File { .. } => {
                    Wait::Ready(Eventtype::FdWrite, 1, Eventrwflags::empty())
                }
                _ => return Err(Errno::BADF),
            },
        })
    }

    /// Waits for at least one subscription to be ready and writes an event per ready one.
    pub fn poll_oneoff(
        &mut self,
        mem: &mut dyn GuestMemory,
        in_: u32,
        out: u32,
        nsubscriptions: u32,
        nevents: u32,
    ) -> Result<(), Errno> {
        if nsubscriptions == 0 {
            return Err(Errno::INVAL);
        }
        check_array(mem, in_, nsubscriptions, SUB_SIZE)?;
        check_array(mem, out, nsubscriptions, EVENT_SIZE)?;
        let args = (in_, out, nsubscriptions);
        let resume = self.poll_resume.take().filter(|r| r.args == args);
        let (start, mut waits) = match resume {
            Some(r) => (r.start, r.waits),
            None => ((self.clock.monotonic(), self.clock.realtime()), 0),
        };
        loop {
            let now = self.clock.monotonic();
            let mut earliest: Option<u64> = None;
            let mut stdin_pending = false;
            let mut ready = 0u32;
            for i in 0..nsubscriptions {
                let sub = self.subscription(mem, in_, i)?;
                match self.wait_of(&sub, start)? {
                    Wait::Clock(at) if at <= now => ready += 1,
                    Wait::Clock(at) => earliest = Some(earliest.map_or(at, |e| e.min(at))),
                    Wait::Ready(..) => ready += 1,
                    Wait::Stdin => stdin_pending = true,
                }
            }
            let expire_all = waits >= MAX_WAITS;
            if ready > 0 || expire_all {
                let written = self.write_events(
                    mem,
                    in_,
                    out,
                    nsubscriptions,
                    start,
                    now,
                    expire_all.then_some(earliest).flatten(),
                )?;
                return put_u32(mem, nevents, written);
            }
            let timeout = earliest.map(|e| e - now);
            let waited = match timeout {
                _ if stdin_pending => self.stdin.wait(timeout),
                Some(ns) => self.clock.sleep(ns),
                None => Waited::Done,
            };
            waits += 1;
            if waited == Waited::Later {
                self.poll_resume = Some(PollResume { args, start, waits });
                return Err(Errno::AGAIN);
            }
        }
    }

    /// Writes the events of the subscriptions that are ready at `now` (and clocks due by
    /// `force_until`, when waiting was given up); returns how many.
    fn write_events(
        &mut self,
        mem: &mut dyn GuestMemory,
        in_: u32,
        out: u32,
        n: u32,
        start: (u64, u64),
        now: u64,
        force_until: Option<u64>,
    ) -> Result<u32, Errno> {
        let due = force_until.unwrap_or(now).max(now);
        let mut written = 0u32;
        for i in 0..n {
            let sub = self.subscription(mem, in_, i)?;
            let (ty, nbytes, flags) = match self.wait_of(&sub, start)? {
                Wait::Clock(at) if at <= due => (Eventtype::Clock, 0, Eventrwflags::empty()),
                Wait::Ready(ty, nbytes, flags) => (ty, nbytes, flags),
                _ => continue,
            };
            let event = Event { userdata: sub.userdata, error: Errno::SUCCESS, ty, nbytes, flags };
            mem.write(element(out, written, EVENT_SIZE)?, &event.encode())?;
            written += 1;
        }
        Ok(written)
    }
}
