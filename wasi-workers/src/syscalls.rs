//! The 46 syscalls, exported under their WASI names with their WASI signatures, generated
//! from `wasi_abi::for_each_function!`: JS passes these exports to the guest as its
//! `wasi_snapshot_preview1` imports unchanged.

use wasi_core::{errno_code, wasi_abi, Errno};

use crate::bridge;
use crate::services::JsMemory;
use crate::state::with_host;

macro_rules! export_syscalls {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        $(export_syscalls!(@one $ret $name($($p: $t),*));)*
    };
    (@one Errno $name:ident($($p:ident: $t:ident),*)) => {
        #[doc = concat!("`", stringify!($name), "`; `EBADF` before the host is set up or after it is closed.")]
        #[export_name = stringify!($name)]
        pub extern "C" fn $name($($p: $t),*) -> u32 {
            with_host(|h| errno_code(h.ctx.$name(&mut JsMemory, $($p),*))).unwrap_or(u32::from(Errno::BADF.raw()))
        }
    };
    (@one Exit $name:ident($($p:ident: $t:ident),*)) => {
        #[doc = concat!("`", stringify!($name), "`: flushes, then throws `ProcessExit` through the guest.")]
        #[export_name = stringify!($name)]
        pub extern "C" fn $name($($p: $t),*) {
            // The borrow of the host ends before JS throws through this frame.
            let code = with_host(|h| h.ctx.$name(&mut JsMemory, $($p),*).0);
            bridge::host_exit(code.unwrap_or(1));
        }
    };
}

wasi_abi::for_each_function!(export_syscalls);
