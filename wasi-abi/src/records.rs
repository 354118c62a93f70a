//! Every preview1 `record` and `union`, with explicit little-endian encode/decode at the
//! witx byte offsets. Decoding never panics: an unknown tag or flag bit is `EINVAL`.

use crate::{Clockid, Errno, Eventrwflags, Eventtype, Fdflags, Filetype, Rights, Subclockflags};

/// The byte layout of a record as the witx defines it; checked against the witx by a test.
pub trait Layout {
    /// Size in guest memory, in bytes.
    const SIZE: usize;
    /// Alignment in guest memory, in bytes.
    const ALIGN: usize;
    /// Every field's witx name and byte offset, in declaration order.
    const FIELDS: &'static [(&'static str, usize)];
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// A region of guest memory (`iovec` and `ciovec` share this layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iovec {
    /// Guest address of the buffer.
    pub buf: u32,
    /// Length of the buffer.
    pub buf_len: u32,
}

impl Layout for Iovec {
    const SIZE: usize = 8;
    const ALIGN: usize = 4;
    const FIELDS: &'static [(&'static str, usize)] = &[("buf", 0), ("buf_len", 4)];
}

impl Iovec {
    /// Reads an iovec from its 8 guest bytes.
    pub fn decode(b: &[u8; 8]) -> Self {
        Iovec { buf: u32_at(b, 0), buf_len: u32_at(b, 4) }
    }
    /// Writes the iovec as 8 guest bytes.
    pub fn encode(&self) -> [u8; 8] {
        let mut b = [0; 8];
        b[0..4].copy_from_slice(&self.buf.to_le_bytes());
        b[4..8].copy_from_slice(&self.buf_len.to_le_bytes());
        b
    }
}

/// A directory entry header; the name follows it in the `fd_readdir` buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dirent {
    /// The cookie that resumes the listing after this entry.
    pub d_next: u64,
    /// The serial number of the file.
    pub d_ino: u64,
    /// The length of the name that follows.
    pub d_namlen: u32,
    /// The type of the file.
    pub d_type: Filetype,
}

impl Layout for Dirent {
    const SIZE: usize = 24;
    const ALIGN: usize = 8;
    const FIELDS: &'static [(&'static str, usize)] = &[("d_next", 0), ("d_ino", 8), ("d_namlen", 16), ("d_type", 20)];
}

impl Dirent {
    /// Writes the header as 24 guest bytes (padding zeroed).
    pub fn encode(&self) -> [u8; 24] {
        let mut b = [0; 24];
        b[0..8].copy_from_slice(&self.d_next.to_le_bytes());
        b[8..16].copy_from_slice(&self.d_ino.to_le_bytes());
        b[16..20].copy_from_slice(&self.d_namlen.to_le_bytes());
        b[20] = self.d_type.raw();
        b
    }
    /// Reads a header from 24 guest bytes.
    pub fn decode(b: &[u8; 24]) -> Result<Self, Errno> {
        Ok(Dirent {
            d_next: u64_at(b, 0),
            d_ino: u64_at(b, 8),
            d_namlen: u32_at(b, 16),
            d_type: Filetype::try_from(b[20])?,
        })
    }
}

/// File descriptor attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fdstat {
    /// File type.
    pub fs_filetype: Filetype,
    /// File descriptor flags.
    pub fs_flags: Fdflags,
    /// Rights that apply to this file descriptor.
    pub fs_rights_base: Rights,
    /// Maximum rights of descriptors opened through this one.
    pub fs_rights_inheriting: Rights,
}

impl Layout for Fdstat {
    const SIZE: usize = 24;
    const ALIGN: usize = 8;
    const FIELDS: &'static [(&'static str, usize)] =
        &[("fs_filetype", 0), ("fs_flags", 2), ("fs_rights_base", 8), ("fs_rights_inheriting", 16)];
}

impl Fdstat {
    /// Writes the record as 24 guest bytes.
    pub fn encode(&self) -> [u8; 24] {
        let mut b = [0; 24];
        b[0] = self.fs_filetype.raw();
        b[2..4].copy_from_slice(&self.fs_flags.bits().to_le_bytes());
        b[8..16].copy_from_slice(&self.fs_rights_base.bits().to_le_bytes());
        b[16..24].copy_from_slice(&self.fs_rights_inheriting.bits().to_le_bytes());
        b
    }
    /// Reads the record from 24 guest bytes; unknown flag bits are kept as given.
    pub fn decode(b: &[u8; 24]) -> Result<Self, Errno> {
        Ok(Fdstat {
            fs_filetype: Filetype::try_from(b[0])?,
            fs_flags: Fdflags::from_bits_retain(u16_at(b, 2)),
            fs_rights_base: Rights::from_bits_retain(u64_at(b, 8)),
            fs_rights_inheriting: Rights::from_bits_retain(u64_at(b, 16)),
        })
    }
}

/// File attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filestat {
    /// Device ID of the device containing the file.
    pub dev: u64,
    /// File serial number.
    pub ino: u64,
    /// File type.
    pub filetype: Filetype,
    /// Number of hard links to the file.
    pub nlink: u64,
    /// For regular files, the size in bytes; for symlinks, the length of the target.
    pub size: u64,
    /// Last data access timestamp, ns.
    pub atim: u64,
    /// Last data modification timestamp, ns.
    pub mtim: u64,
    /// Last file status change timestamp, ns.
    pub ctim: u64,
}

impl Layout for Filestat {
    const SIZE: usize = 64;
    const ALIGN: usize = 8;
    const FIELDS: &'static [(&'static str, usize)] = &[
        ("dev", 0),
        ("ino", 8),
        ("filetype", 16),
        ("nlink", 24),
        ("size", 32),
        ("atim", 40),
        ("mtim", 48),
        ("ctim", 56),
    ];
}

impl Filestat {
    /// Writes the record as 64 guest bytes.
    pub fn encode(&self) -> [u8; 64] {
        let mut b = [0; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype.raw();
        for (at, v) in [(24, self.nlink), (32, self.size), (40, self.atim), (48, self.mtim), (56, self.ctim)] {
            b[at..at + 8].copy_from_slice(&v.to_le_bytes());
        }
        b
    }
    /// Reads the record from 64 guest bytes.
    pub fn decode(b: &[u8; 64]) -> Result<Self, Errno> {
        Ok(Filestat {
            dev: u64_at(b, 0),
            ino: u64_at(b, 8),
            filetype: Filetype::try_from(b[16])?,
            nlink: u64_at(b, 24),
            size: u64_at(b, 32),
            atim: u64_at(b, 40),
            mtim: u64_at(b, 48),
            ctim: u64_at(b, 56),
        })
    }
}

/// The contents of a subscription: what to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionU {
    /// Wait until a clock reaches a time.
    Clock(SubscriptionClock),
    /// Wait until an fd has data to read.
    FdRead(u32),
    /// Wait until an fd can take a write.
    FdWrite(u32),
}

/// The contents of a clock subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionClock {
    /// The clock against which to compare the timestamp.
    pub id: Clockid,
    /// The absolute or relative timestamp, ns.
    pub timeout: u64,
    /// The amount of time that the implementation may wait additionally.
    pub precision: u64,
    /// Whether `timeout` is absolute.
    pub flags: Subclockflags,
}

/// A subscription to an event, as passed to `poll_oneoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription {
    /// Returned in the event of this subscription.
    pub userdata: u64,
    /// What to wait for.
    pub u: SubscriptionU,
}

impl Layout for Subscription {
    const SIZE: usize = 48;
    const ALIGN: usize = 8;
    const FIELDS: &'static [(&'static str, usize)] = &[("userdata", 0), ("u", 8)];
}

/// Offset of the union payload within `subscription_u` (after its u8 tag, aligned to 8).
pub const SUBSCRIPTION_U_PAYLOAD: usize = 8;

impl Subscription {
    /// Reads a subscription from its 48 guest bytes. The clock id is decoded leniently:
    /// an unknown id is reported per event by `poll_oneoff`, not here.
    pub fn decode(b: &[u8; 48]) -> Result<Self, Errno> {
        let userdata = u64_at(b, 0);
        let p = 8 + SUBSCRIPTION_U_PAYLOAD;
        let u = match Eventtype::try_from(b[8])? {
            Eventtype::Clock => SubscriptionU::Clock(SubscriptionClock {
                id: Clockid::try_from(u32_at(b, p))?,
                timeout: u64_at(b, p + 8),
                precision: u64_at(b, p + 16),
                flags: Subclockflags::from_bits_retain(u16_at(b, p + 24)),
            }),
            Eventtype::FdRead => SubscriptionU::FdRead(u32_at(b, p)),
            Eventtype::FdWrite => SubscriptionU::FdWrite(u32_at(b, p)),
        };
        Ok(Subscription { userdata, u })
    }

    /// Writes the subscription as 48 guest bytes (padding zeroed).
    pub fn encode(&self) -> [u8; 48] {
        let mut b = [0; 48];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        let p = 8 + SUBSCRIPTION_U_PAYLOAD;
        match self.u {
            SubscriptionU::Clock(c) => {
                b[8] = Eventtype::Clock.raw();
                b[p..p + 4].copy_from_slice(&c.id.raw().to_le_bytes());
                b[p + 8..p + 16].copy_from_slice(&c.timeout.to_le_bytes());
                b[p + 16..p + 24].copy_from_slice(&c.precision.to_le_bytes());
                b[p + 24..p + 26].copy_from_slice(&c.flags.bits().to_le_bytes());
            }
            SubscriptionU::FdRead(fd) | SubscriptionU::FdWrite(fd) => {
                b[8] = if matches!(self.u, SubscriptionU::FdRead(_)) {
                    Eventtype::FdRead.raw()
                } else {
                    Eventtype::FdWrite.raw()
                };
                b[p..p + 4].copy_from_slice(&fd.to_le_bytes());
            }
        }
        b
    }
}

/// An event that occurred, as written by `poll_oneoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The subscription's userdata.
    pub userdata: u64,
    /// An error that occurred while processing the subscription, if any.
    pub error: Errno,
    /// The type of event that occured.
    pub ty: Eventtype,
    /// For fd events: the bytes available to read or write.
    pub nbytes: u64,
    /// For fd events: the state of the file descriptor.
    pub flags: Eventrwflags,
}

impl Layout for Event {
    const SIZE: usize = 32;
    const ALIGN: usize = 8;
    const FIELDS: &'static [(&'static str, usize)] =
        &[("userdata", 0), ("error", 8), ("type", 10), ("fd_readwrite", 16)];
}

impl Event {
    /// Writes the event as 32 guest bytes (padding zeroed).
    pub fn encode(&self) -> [u8; 32] {
        let mut b = [0; 32];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&self.error.raw().to_le_bytes());
        b[10] = self.ty.raw();
        b[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        b[24..26].copy_from_slice(&self.flags.bits().to_le_bytes());
        b
    }
    /// Reads an event from 32 guest bytes.
    pub fn decode(b: &[u8; 32]) -> Result<Self, Errno> {
        Ok(Event {
            userdata: u64_at(b, 0),
            error: Errno(u16_at(b, 8)),
            ty: Eventtype::try_from(b[10])?,
            nbytes: u64_at(b, 16),
            flags: Eventrwflags::from_bits_retain(u16_at(b, 24)),
        })
    }
}

/// Information about a pre-opened capability (only directories exist in preview1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prestat {
    /// The length of the directory name, for `fd_prestat_dir_name`.
    pub pr_name_len: u32,
}

impl Layout for Prestat {
    const SIZE: usize = 8;
    const ALIGN: usize = 4;
    const FIELDS: &'static [(&'static str, usize)] = &[("tag", 0), ("pr_name_len", 4)];
}

impl Prestat {
    /// Writes the record (tag `dir`) as 8 guest bytes.
    pub fn encode(&self) -> [u8; 8] {
        let mut b = [0; 8];
        b[4..8].copy_from_slice(&self.pr_name_len.to_le_bytes());
        b
    }
    /// Reads the record from 8 guest bytes.
    pub fn decode(b: &[u8; 8]) -> Result<Self, Errno> {
        crate::Preopentype::try_from(b[0])?;
        Ok(Prestat { pr_name_len: u32_at(b, 4) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let st =
            Filestat { dev: 1, ino: 2, filetype: Filetype::RegularFile, nlink: 3, size: 4, atim: 5, mtim: 6, ctim: 7 };
        assert_eq!(Filestat::decode(&st.encode()), Ok(st));
        let sub = Subscription {
            userdata: 9,
            u: SubscriptionU::Clock(SubscriptionClock {
                id: Clockid::Monotonic,
                timeout: 10,
                precision: 11,
                flags: Subclockflags::SUBSCRIPTION_CLOCK_ABSTIME,
            }),
        };
        assert_eq!(Subscription::decode(&sub.encode()), Ok(sub));
        let rd = Subscription { userdata: 1, u: SubscriptionU::FdRead(7) };
        assert_eq!(Subscription::decode(&rd.encode()), Ok(rd));
        let ev = Event {
            userdata: 1,
            error: Errno::BADF,
            ty: Eventtype::FdWrite,
            nbytes: 5,
            flags: Eventrwflags::FD_READWRITE_HANGUP,
        };
        assert_eq!(Event::decode(&ev.encode()), Ok(ev));
        let fs = Fdstat {
            fs_filetype: Filetype::Directory,
            fs_flags: Fdflags::APPEND,
            fs_rights_base: Rights::FD_READ,
            fs_rights_inheriting: Rights::all(),
        };
        assert_eq!(Fdstat::decode(&fs.encode()), Ok(fs));
    }

    #[test]
    fn bad_tags_are_einval() {
        let mut b = [0u8; 48];
        b[8] = 3;
        assert_eq!(Subscription::decode(&b), Err(Errno::INVAL));
        let mut d = [0u8; 24];
        d[20] = 8;
        assert_eq!(Dirent::decode(&d), Err(Errno::INVAL));
    }
}
