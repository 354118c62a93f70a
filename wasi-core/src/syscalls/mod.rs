//! The 46 syscalls (temporary stubs while the real ones are written).
use crate::{ctx::{I32Exit, WasiCtx}, memory::GuestMemory};
use wasi_abi::Errno;

macro_rules! stubs {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        impl WasiCtx { $( stubs!(@one $ret $name($($p: $t),*)); )* }
    };
    (@one Errno $name:ident($($p:ident: $t:ident),*)) => {
        #[allow(missing_docs, unused_variables)]
        pub fn $name(&mut self, mem: &mut dyn GuestMemory, $($p: $t),*) -> Result<(), Errno> { Err(Errno::NOSYS) }
    };
    (@one Exit $name:ident($($p:ident: $t:ident),*)) => {
        #[allow(missing_docs, unused_variables)]
        pub fn $name(&mut self, mem: &mut dyn GuestMemory, $($p: $t),*) -> I32Exit { I32Exit(0) }
    };
}
wasi_abi::for_each_function!(stubs);
