//! The 46 syscalls as raw wasm exports named `wasi_<name>`, each taking the host slot
//! first, generated from `wasi_abi::for_each_function!`. A guest's imports call them with
//! no glue but the slot argument.

use wasi_core::{errno_code, wasi_abi, Errno};

use crate::api::with_host;
use crate::bridge;
use crate::services::JsMemory;

macro_rules! export_syscalls {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        $(export_syscalls!(@one $ret $name($($p: $t),*));)*
    };
    (@one Errno $name:ident($($p:ident: $t:ident),*)) => {
        #[doc = concat!("`", stringify!($name), "` of host `slot`.")]
        #[export_name = concat!("wasi_", stringify!($name))]
        pub extern "C" fn $name(slot: u32, $($p: $t),*) -> u32 {
            with_host(slot, |ctx| errno_code(ctx.$name(&mut JsMemory(slot), $($p),*)))
                .unwrap_or(u32::from(Errno::BADF.raw()))
        }
    };
    (@one Exit $name:ident($($p:ident: $t:ident),*)) => {
        #[doc = concat!("`", stringify!($name), "` of host `slot`: throws `ProcessExit`.")]
        #[export_name = concat!("wasi_", stringify!($name))]
        pub extern "C" fn $name(slot: u32, $($p: $t),*) {
            // The borrow of the host table ends before JS throws through this frame.
            let code = with_host(slot, |ctx| ctx.$name(&mut JsMemory(slot), $($p),*).0);
            bridge::host_exit(slot, code.unwrap_or(1));
        }
    };
}

wasi_abi::for_each_function!(export_syscalls);
