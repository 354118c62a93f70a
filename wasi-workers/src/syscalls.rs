//! The 46 syscalls, each exported as `wasi_NAME` with its own signature after a first
//! argument, and all behind one more export, `syscall`; generated from
//! `wasi_abi::for_each_function!`.
//!
//! Guests do not import this module's exports: each host hands its guest functions of its
//! own, which pass their host's generation with every call. So an instance can serve one
//! host after another (see `api::host_reset`): a call from the guest of any host but the
//! one that owns the instance now ([`OWNER`]) traps before it touches anything. A host
//! whose guest runs under JSPI gives it the functions of a small module instance of its
//! own (`thunk.wasm`, made by `scripts/thunk-wat.mjs`: JSPI suspends only wasm frames),
//! which call `syscall` with the function's number (its place in witx order, as in
//! `wasi_abi::FUNCTIONS`), the generation and the arguments, each widened to 64 bits, in
//! as many places as the longest signature has ([`ARGS`]): one import, not 46, keeps the
//! thunk cheap to make. Any other host gives JS functions that call `wasi_NAME`
//! (`js/pool.js`), cheaper still to make. (`clock_time_get` of the realtime and monotonic
//! clocks does not come here: the host's JS, `js/bridge.js` `clockFor`, reads the clock
//! and writes the time with no call into this module.)

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use wasi_core::wasi_abi;

use crate::calls;
use crate::services::JsMemory;

/// The generation of the host that owns this instance (as the bits of a float: JS counts
/// hosts in one, exactly up to 2^53); 0 while none does. Set by `host_begin`, cleared by
/// `host_close`; JS never gives a generation twice, nor 0.
static OWNER: AtomicU64 = AtomicU64::new(0);

/// Makes the host of `generation` the owner (0: none).
pub(crate) fn own(generation: f64) {
    OWNER.store(generation.to_bits(), Relaxed);
}

/// Traps unless the host of generation `caller` owns this instance.
fn owned_by(caller: f64) {
    if caller.to_bits() != OWNER.load(Relaxed) {
        core::arch::wasm32::unreachable();
    }
}

/// How many arguments `syscall` takes after the function's number: those of `path_open`,
/// the longest signature.
pub const ARGS: usize = 9;

macro_rules! dispatch {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        /// The functions' numbers: their places in witx order.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u32)]
        enum Function {
            $($name,)*
        }

        /// Runs function number `n` with its arguments in `a0..a8` (each an `i32` or
        /// `i64` of its signature, zero-extended) for the guest of the host of generation
        /// `caller`, as that host's thunk calls it: a trap, touching nothing, unless that
        /// host owns this instance. An unknown number is `ENOSYS`.
        #[export_name = "syscall"]
        #[allow(clippy::too_many_arguments)]
        pub extern "C" fn syscall(
            n: u32, caller: f64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64, a8: u64,
        ) -> u32 {
            let args: [u64; ARGS] = [a0, a1, a2, a3, a4, a5, a6, a7, a8];
            match n {
                // Each checks its caller first.
                $(n if n == Function::$name as u32 => {
                    let mut _next = 0;
                    $(let $p = args[_next] as $t; _next += 1;)*
                    $name(caller, $($p),*)
                })*
                _ => {
                    owned_by(caller);
                    u32::from(wasi_core::Errno::NOSYS.raw())
                }
            }
        }

        $(
            /// The function of this name, for the guest of the host of generation
            /// `caller`, as that host's JS functions call it: a trap, touching nothing,
            /// unless that host owns this instance.
            #[export_name = concat!("wasi_", stringify!($name))]
            #[inline(never)]
            pub extern "C" fn $name(caller: f64, $($p: $t),*) -> u32 {
                owned_by(caller);
                dispatch!(@call $ret $name($($p),*))
            }
        )*
    };
    (@call Errno $name:ident($($p:ident),*)) => {
        calls::syscall(&mut |ctx| ctx.$name(&mut JsMemory, $($p),*))
    };
    (@call Exit $name:ident($($p:ident),*)) => {
        calls::exit($($p),*, |ctx| ctx.$name(&mut JsMemory, $($p),*).0)
    };
}

wasi_abi::for_each_function!(dispatch);
