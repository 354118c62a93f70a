//! The JS side of a host, reached through `js/bridge.js`: guest memory (which belongs to
//! another wasm instance), clocks, randomness and output, each keyed by host slot.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./bridge.js")]
extern "C" {
    /// Copies `len` bytes at guest address `ptr` to our address `dst`; false if out of bounds.
    pub fn guest_read(host: u32, ptr: u32, len: u32, dst: *mut u8) -> bool;
    /// Copies `len` bytes at our address `src` to guest address `ptr`; false if out of bounds.
    pub fn guest_write(host: u32, ptr: u32, len: u32, src: *const u8) -> bool;
    /// The little-endian `u32` at guest address `ptr`, or -1 if out of bounds: results and
    /// iovecs are small, and a typed-array copy per word costs an allocation.
    pub fn guest_read_u32(host: u32, ptr: u32) -> f64;
    /// Stores a little-endian `u32` at guest address `ptr`; false if out of bounds.
    pub fn guest_write_u32(host: u32, ptr: u32, value: u32) -> bool;
    /// Nanoseconds on clock `id` (0 realtime, 1 monotonic), as a float (exact below 2^53).
    pub fn host_now(host: u32, id: u32) -> f64;
    /// Lets `ns` nanoseconds pass (a virtual advance: JS cannot block).
    pub fn host_sleep(host: u32, ns: f64);
    /// Fills `len` bytes at our address `dst` with random bytes.
    pub fn host_random(host: u32, dst: *mut u8, len: u32);
    /// Hands `len` bytes at our address `src` written to stdout (1) or stderr (2) to JS.
    pub fn host_output(host: u32, fd: u32, src: *const u8, len: u32) -> bool;
    /// Stops the guest: throws the package's `ProcessExit` with `code`.
    pub fn host_exit(host: u32, code: i32);
}
