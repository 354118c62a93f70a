//! `errno`: the preview1 error codes, as a transparent `u16` newtype.

use core::fmt;

/// A preview1 error code. `Errno::SUCCESS` is 0; every other value is an error.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(pub u16);

macro_rules! errno_table {
    ($($konst:ident = $code:literal, $name:literal, $msg:literal;)*) => {
        impl Errno {
            $(
                #[doc = $msg]
                pub const $konst: Errno = Errno($code);
            )*

            /// Every errno the witx defines, in code order.
            pub const ALL: &'static [Errno] = &[$(Errno::$konst),*];

            /// The witx name of this errno (`"noent"`), or `"unknown"` past the table.
            pub const fn name(self) -> &'static str {
                match self.0 { $($code => $name,)* _ => "unknown" }
            }

            /// The witx doc line of this errno, usable as a human message.
            pub const fn message(self) -> &'static str {
                match self.0 { $($code => $msg,)* _ => "Unknown error." }
            }
        }
    };
}

errno_table! {
    SUCCESS = 0, "success", "No error occurred. System call completed successfully.";
    TOOBIG = 1, "2big", "Argument list too long.";
    ACCES = 2, "acces", "Permission denied.";
    ADDRINUSE = 3, "addrinuse", "Address in use.";
    ADDRNOTAVAIL = 4, "addrnotavail", "Address not available.";
    AFNOSUPPORT = 5, "afnosupport", "Address family not supported.";
    AGAIN = 6, "again", "Resource unavailable, or operation would block.";
    ALREADY = 7, "already", "Connection already in progress.";
    BADF = 8, "badf", "Bad file descriptor.";
    BADMSG = 9, "badmsg", "Bad message.";
    BUSY = 10, "busy", "Device or resource busy.";
    CANCELED = 11, "canceled", "Operation canceled.";
    CHILD = 12, "child", "No child processes.";
    CONNABORTED = 13, "connaborted", "Connection aborted.";
    CONNREFUSED = 14, "connrefused", "Connection refused.";
    CONNRESET = 15, "connreset", "Connection reset.";
    DEADLK = 16, "deadlk", "Resource deadlock would occur.";
    DESTADDRREQ = 17, "destaddrreq", "Destination address required.";
    DOM = 18, "dom", "Mathematics argument out of domain of function.";
    DQUOT = 19, "dquot", "Reserved.";
    EXIST = 20, "exist", "File exists.";
    FAULT = 21, "fault", "Bad address.";
    FBIG = 22, "fbig", "File too large.";
    HOSTUNREACH = 23, "hostunreach", "Host is unreachable.";
    IDRM = 24, "idrm", "Identifier removed.";
    ILSEQ = 25, "ilseq", "Illegal byte sequence.";
    INPROGRESS = 26, "inprogress", "Operation in progress.";
    INTR = 27, "intr", "Interrupted function.";
    INVAL = 28, "inval", "Invalid argument.";
    IO = 29, "io", "I/O error.";
    ISCONN = 30, "isconn", "Socket is connected.";
    ISDIR = 31, "isdir", "Is a directory.";
    LOOP = 32, "loop", "Too many levels of symbolic links.";
    MFILE = 33, "mfile", "File descriptor value too large.";
    MLINK = 34, "mlink", "Too many links.";
    MSGSIZE = 35, "msgsize", "Message too large.";
    MULTIHOP = 36, "multihop", "Reserved.";
    NAMETOOLONG = 37, "nametoolong", "Filename too long.";
    NETDOWN = 38, "netdown", "Network is down.";
    NETRESET = 39, "netreset", "Connection aborted by network.";
    NETUNREACH = 40, "netunreach", "Network unreachable.";
    NFILE = 41, "nfile", "Too many files open in system.";
    NOBUFS = 42, "nobufs", "No buffer space available.";
    NODEV = 43, "nodev", "No such device.";
    NOENT = 44, "noent", "No such file or directory.";
    NOEXEC = 45, "noexec", "Executable file format error.";
    NOLCK = 46, "nolck", "No locks available.";
    NOLINK = 47, "nolink", "Reserved.";
    NOMEM = 48, "nomem", "Not enough space.";
    NOMSG = 49, "nomsg", "No message of the desired type.";
    NOPROTOOPT = 50, "noprotoopt", "Protocol not available.";
    NOSPC = 51, "nospc", "No space left on device.";
    NOSYS = 52, "nosys", "Function not supported.";
    NOTCONN = 53, "notconn", "The socket is not connected.";
    NOTDIR = 54, "notdir", "Not a directory or a symbolic link to a directory.";
    NOTEMPTY = 55, "notempty", "Directory not empty.";
    NOTRECOVERABLE = 56, "notrecoverable", "State not recoverable.";
    NOTSOCK = 57, "notsock", "Not a socket.";
    NOTSUP = 58, "notsup", "Not supported, or operation not supported on socket.";
    NOTTY = 59, "notty", "Inappropriate I/O control operation.";
    NXIO = 60, "nxio", "No such device or address.";
    OVERFLOW = 61, "overflow", "Value too large to be stored in data type.";
    OWNERDEAD = 62, "ownerdead", "Previous owner died.";
    PERM = 63, "perm", "Operation not permitted.";
    PIPE = 64, "pipe", "Broken pipe.";
    PROTO = 65, "proto", "Protocol error.";
    PROTONOSUPPORT = 66, "protonosupport", "Protocol not supported.";
    PROTOTYPE = 67, "prototype", "Protocol wrong type for socket.";
    RANGE = 68, "range", "Result too large.";
    ROFS = 69, "rofs", "Read-only file system.";
    SPIPE = 70, "spipe", "Invalid seek.";
    SRCH = 71, "srch", "No such process.";
    STALE = 72, "stale", "Reserved.";
    TIMEDOUT = 73, "timedout", "Connection timed out.";
    TXTBSY = 74, "txtbsy", "Text file busy.";
    XDEV = 75, "xdev", "Cross-device link.";
    NOTCAPABLE = 76, "notcapable", "Extension: Capabilities insufficient.";
}

impl Errno {
    /// The raw code returned to the guest.
    pub const fn raw(self) -> u16 {
        self.0
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Errno({} {})", self.0, self.name())
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.name())
    }
}

impl core::error::Error for Errno {}

#[cfg(test)]
mod tests {
    use super::Errno;

    #[test]
    fn codes_are_dense_and_named() {
        assert_eq!(Errno::ALL.len(), 77);
        for (i, e) in Errno::ALL.iter().enumerate() {
            assert_eq!(usize::from(e.raw()), i);
            assert_ne!(e.name(), "unknown");
        }
        assert_eq!(Errno::NOENT.name(), "noent");
        assert_eq!(Errno(500).name(), "unknown");
        assert_eq!(Errno::TOOBIG.name(), "2big");
    }
}
