//! Every preview1 `flags` type, as `bitflags` over the witx representation.

use bitflags::bitflags;

bitflags! {
    /// File descriptor rights, determining which actions may be performed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Rights: u64 {
        /// `fd_datasync`.
        const FD_DATASYNC = 1 << 0;
        /// `fd_read` and `sock_recv`.
        const FD_READ = 1 << 1;
        /// `fd_seek` (implies `fd_tell`).
        const FD_SEEK = 1 << 2;
        /// `fd_fdstat_set_flags`.
        const FD_FDSTAT_SET_FLAGS = 1 << 3;
        /// `fd_sync`.
        const FD_SYNC = 1 << 4;
        /// `fd_seek` in a way that only queries the position, and `fd_tell`.
        const FD_TELL = 1 << 5;
        /// `fd_write` and `sock_send`.
        const FD_WRITE = 1 << 6;
        /// `fd_advise`.
        const FD_ADVISE = 1 << 7;
        /// `fd_allocate`.
        const FD_ALLOCATE = 1 << 8;
        /// `path_create_directory`.
        const PATH_CREATE_DIRECTORY = 1 << 9;
        /// `path_open` with `oflags::creat`.
        const PATH_CREATE_FILE = 1 << 10;
        /// `path_link` with the directory as source.
        const PATH_LINK_SOURCE = 1 << 11;
        /// `path_link` with the directory as target.
        const PATH_LINK_TARGET = 1 << 12;
        /// `path_open`.
        const PATH_OPEN = 1 << 13;
        /// `fd_readdir`.
        const FD_READDIR = 1 << 14;
        /// `path_readlink`.
        const PATH_READLINK = 1 << 15;
        /// `path_rename` with the directory as source.
        const PATH_RENAME_SOURCE = 1 << 16;
        /// `path_rename` with the directory as target.
        const PATH_RENAME_TARGET = 1 << 17;
        /// `path_filestat_get`.
        const PATH_FILESTAT_GET = 1 << 18;
        /// Changing a file's size through a path (`path_open` with `oflags::trunc`).
        const PATH_FILESTAT_SET_SIZE = 1 << 19;
        /// `path_filestat_set_times`.
        const PATH_FILESTAT_SET_TIMES = 1 << 20;
        /// `fd_filestat_get`.
        const FD_FILESTAT_GET = 1 << 21;
        /// `fd_filestat_set_size`.
        const FD_FILESTAT_SET_SIZE = 1 << 22;
        /// `fd_filestat_set_times`.
        const FD_FILESTAT_SET_TIMES = 1 << 23;
        /// `path_symlink`.
        const PATH_SYMLINK = 1 << 24;
        /// `path_remove_directory`.
        const PATH_REMOVE_DIRECTORY = 1 << 25;
        /// `path_unlink_file`.
        const PATH_UNLINK_FILE = 1 << 26;
        /// `poll_oneoff` read/write subscriptions on this fd.
        const POLL_FD_READWRITE = 1 << 27;
        /// `sock_shutdown`.
        const SOCK_SHUTDOWN = 1 << 28;
        /// `sock_accept`.
        const SOCK_ACCEPT = 1 << 29;
    }
}

bitflags! {
    /// File descriptor flags.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Fdflags: u16 {
        /// Append mode: data written goes to the end of the file.
        const APPEND = 1 << 0;
        /// Write according to synchronized I/O data integrity completion.
        const DSYNC = 1 << 1;
        /// Non-blocking mode.
        const NONBLOCK = 1 << 2;
        /// Synchronized read I/O operations.
        const RSYNC = 1 << 3;
        /// Write according to synchronized I/O file integrity completion.
        const SYNC = 1 << 4;
    }
}

bitflags! {
    /// Which file time attributes to adjust.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Fstflags: u16 {
        /// Set `atim` to the given value.
        const ATIM = 1 << 0;
        /// Set `atim` to the current time.
        const ATIM_NOW = 1 << 1;
        /// Set `mtim` to the given value.
        const MTIM = 1 << 2;
        /// Set `mtim` to the current time.
        const MTIM_NOW = 1 << 3;
    }
}

bitflags! {
    /// Flags determining the method of how paths are resolved.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Lookupflags: u32 {
        /// Follow a symlink in the last component.
        const SYMLINK_FOLLOW = 1 << 0;
    }
}

bitflags! {
    /// Open flags used by `path_open`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Oflags: u16 {
        /// Create the file if it does not exist.
        const CREAT = 1 << 0;
        /// Fail if not a directory.
        const DIRECTORY = 1 << 1;
        /// Fail if it already exists.
        const EXCL = 1 << 2;
        /// Truncate the file to size 0.
        const TRUNC = 1 << 3;
    }
}

bitflags! {
    /// The state of the file descriptor subscribed to with `eventtype::fd_read`/`fd_write`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Eventrwflags: u16 {
        /// The peer of this socket has closed or disconnected.
        const FD_READWRITE_HANGUP = 1 << 0;
    }
}

bitflags! {
    /// Flags determining how to interpret the timestamp of a clock subscription.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Subclockflags: u16 {
        /// The timeout is an absolute time on the clock, not relative to now.
        const SUBSCRIPTION_CLOCK_ABSTIME = 1 << 0;
    }
}

bitflags! {
    /// Flags provided to `sock_recv`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Riflags: u16 {
        /// Return the data without removing it from the queue.
        const RECV_PEEK = 1 << 0;
        /// Wait for the full request to be satisfied.
        const RECV_WAITALL = 1 << 1;
    }
}

bitflags! {
    /// Flags returned by `sock_recv`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Roflags: u16 {
        /// Message data has been truncated.
        const RECV_DATA_TRUNCATED = 1 << 0;
    }
}

bitflags! {
    /// Which channels of a socket to shut down.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Sdflags: u8 {
        /// Disables further receive operations.
        const RD = 1 << 0;
        /// Disables further send operations.
        const WR = 1 << 1;
    }
}

/// Flags provided to `sock_send`; preview1 defines none.
pub type Siflags = u16;
