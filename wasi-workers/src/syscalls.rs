//! The 46 syscalls, exported under their WASI names with their WASI signatures, generated
//! from `wasi_abi::for_each_function!`: JS passes these exports to the guest as its
//! `wasi_snapshot_preview1` imports unchanged.

use wasi_core::wasi_abi;

use crate::calls;
use crate::services::JsMemory;

macro_rules! export_syscalls {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        $(export_syscalls!(@one $ret $name($($p: $t),*));)*
    };
    (@one Errno $name:ident($($p:ident: $t:ident),*)) => {
        #[doc = concat!("`", stringify!($name), "` (see `calls::syscall`).")]
        #[export_name = stringify!($name)]
        pub extern "C" fn $name($($p: $t),*) -> u32 {
            calls::syscall(&mut |ctx| ctx.$name(&mut JsMemory, $($p),*))
        }
    };
    (@one Exit $name:ident($($p:ident: $t:ident),*)) => {
        #[doc = concat!("`", stringify!($name), "`: flushes, then ends the guest (see `calls::exit`).")]
        #[export_name = stringify!($name)]
        pub extern "C" fn $name($($p: $t),*) {
            calls::exit($($p),*, |ctx| ctx.$name(&mut JsMemory, $($p),*).0)
        }
    };
}

wasi_abi::for_each_function!(export_syscalls);
