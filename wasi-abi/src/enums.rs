//! Every preview1 `enum` type. Decoding a raw tag that the witx does not name is `EINVAL`.

use crate::Errno;

macro_rules! wasi_enum {
    ($(#[$meta:meta])* $name:ident : $repr:ty { $($(#[$vmeta:meta])* $variant:ident = $value:literal, $witx:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr($repr)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $value,)*
        }

        impl $name {
            /// Every variant with its witx name, in tag order.
            pub const VARIANTS: &'static [($name, &'static str)] = &[$(($name::$variant, $witx)),*];

            /// The raw tag as the guest sees it.
            pub const fn raw(self) -> $repr {
                self as $repr
            }
        }

        impl TryFrom<$repr> for $name {
            type Error = Errno;
            fn try_from(raw: $repr) -> Result<Self, Errno> {
                match raw {
                    $($value => Ok($name::$variant),)*
                    _ => Err(Errno::INVAL),
                }
            }
        }
    };
}

wasi_enum! {
    /// Identifiers for clocks.
    Clockid: u32 {
        /// Wall-clock time since 1970-01-01T00:00:00Z.
        Realtime = 0, "realtime";
        /// A clock that never goes backwards; its epoch is meaningless.
        Monotonic = 1, "monotonic";
        /// CPU time of the process.
        ProcessCputimeId = 2, "process_cputime_id";
        /// CPU time of the thread.
        ThreadCputimeId = 3, "thread_cputime_id";
    }
}

wasi_enum! {
    /// The position relative to which to set the offset of the file descriptor.
    Whence: u8 {
        /// Seek relative to start-of-file.
        Set = 0, "set";
        /// Seek relative to current position.
        Cur = 1, "cur";
        /// Seek relative to end-of-file.
        End = 2, "end";
    }
}

wasi_enum! {
    /// The type of a file descriptor or file.
    Filetype: u8 {
        /// Unknown, or a type not listed here.
        Unknown = 0, "unknown";
        /// A block device inode.
        BlockDevice = 1, "block_device";
        /// A character device inode.
        CharacterDevice = 2, "character_device";
        /// A directory inode.
        Directory = 3, "directory";
        /// A regular file inode.
        RegularFile = 4, "regular_file";
        /// A datagram socket.
        SocketDgram = 5, "socket_dgram";
        /// A byte-stream socket.
        SocketStream = 6, "socket_stream";
        /// A symbolic link inode.
        SymbolicLink = 7, "symbolic_link";
    }
}

wasi_enum! {
    /// File or memory access pattern advisory information.
    Advice: u8 {
        /// No advice.
        Normal = 0, "normal";
        /// Sequential access.
        Sequential = 1, "sequential";
        /// Random access.
        Random = 2, "random";
        /// Accessed in the near future.
        Willneed = 3, "willneed";
        /// Not accessed in the near future.
        Dontneed = 4, "dontneed";
        /// Accessed once.
        Noreuse = 5, "noreuse";
    }
}

wasi_enum! {
    /// Type of a subscription to an event or its occurrence.
    Eventtype: u8 {
        /// A clock reached its timeout.
        Clock = 0, "clock";
        /// A file descriptor has data to read.
        FdRead = 1, "fd_read";
        /// A file descriptor can take writes.
        FdWrite = 2, "fd_write";
    }
}

wasi_enum! {
    /// Signal condition.
    Signal: u8 {
        /// No signal; reserved.
        None = 0, "none";
        /// Hangup.
        Hup = 1, "hup";
        /// Terminate interrupt signal.
        Int = 2, "int";
        /// Terminal quit signal.
        Quit = 3, "quit";
        /// Illegal instruction.
        Ill = 4, "ill";
        /// Trace/breakpoint trap.
        Trap = 5, "trap";
        /// Process abort signal.
        Abrt = 6, "abrt";
        /// Access to an undefined portion of a memory object.
        Bus = 7, "bus";
        /// Erroneous arithmetic operation.
        Fpe = 8, "fpe";
        /// Kill.
        Kill = 9, "kill";
        /// User-defined signal 1.
        Usr1 = 10, "usr1";
        /// Invalid memory reference.
        Segv = 11, "segv";
        /// User-defined signal 2.
        Usr2 = 12, "usr2";
        /// Write on a pipe with no one to read it.
        Pipe = 13, "pipe";
        /// Alarm clock.
        Alrm = 14, "alrm";
        /// Termination signal.
        Term = 15, "term";
        /// Child process terminated, stopped, or continued.
        Chld = 16, "chld";
        /// Continue executing, if stopped.
        Cont = 17, "cont";
        /// Stop executing.
        Stop = 18, "stop";
        /// Terminal stop signal.
        Tstp = 19, "tstp";
        /// Background process attempting read.
        Ttin = 20, "ttin";
        /// Background process attempting write.
        Ttou = 21, "ttou";
        /// High bandwidth data is available at a socket.
        Urg = 22, "urg";
        /// CPU time limit exceeded.
        Xcpu = 23, "xcpu";
        /// File size limit exceeded.
        Xfsz = 24, "xfsz";
        /// Virtual timer expired.
        Vtalrm = 25, "vtalrm";
        /// Profiling timer expired.
        Prof = 26, "prof";
        /// Window changed.
        Winch = 27, "winch";
        /// Pollable event.
        Poll = 28, "poll";
        /// Power failure.
        Pwr = 29, "pwr";
        /// Bad system call.
        Sys = 30, "sys";
    }
}

wasi_enum! {
    /// Identifiers for preopened capabilities.
    Preopentype: u8 {
        /// A pre-opened directory.
        Dir = 0, "dir";
    }
}
