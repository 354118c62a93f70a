//! What this module imports from JS (module `host`, made per instance by `js/bridge.js` and
//! bound to each host in turn): guest memory (which belongs to the guest's instance),
//! clocks, randomness, output and exit.
//! Our addresses are passed as pointers; JS touches exactly the bytes they name.

#[link(wasm_import_module = "host")]
// SAFETY: each function is implemented in `js/wasi.js` (`bridgeImports`) with the
// signature declared here; those taking one of our pointers read or write exactly `len`
// bytes there, inside this module's memory, and nothing else of ours.
unsafe extern "C" {
    /// Copies `len` bytes at guest address `ptr` to our `dst`; false (copying nothing) if
    /// out of bounds. One call per access: a call into JS costs more than a small copy.
    pub safe fn guest_read(ptr: u32, len: u32, dst: *mut u8) -> bool;
    /// Copies `len` bytes at our `src` to guest address `ptr`; false (copying nothing) if
    /// out of bounds.
    pub safe fn guest_write(ptr: u32, len: u32, src: *const u8) -> bool;
    /// Bytes of the guest's memory now (0 before the host knows it).
    pub safe fn guest_size() -> f64;
    /// Nanoseconds on clock `id` (0 realtime, 1 monotonic), as a float (exact below 2^53).
    pub safe fn host_now(id: u32) -> f64;
    /// Lets `ns` nanoseconds pass without waiting: advances the virtual clock.
    pub safe fn host_sleep(ns: f64);
    /// Fills `len` bytes at our `dst` with random bytes.
    pub safe fn host_random(dst: *mut u8, len: u32);
    /// Hands `len` bytes at our `src`, written to stdout (1) or stderr (2), to JS: 0 when
    /// taken, 1 when taken but the stream's queue is full, -1 when the stream is gone.
    pub safe fn host_output(fd: u32, src: *const u8, len: u32) -> i32;
    /// Copies up to `len` bytes of stdin to our `dst`: the count (0 at its end), or -1 when
    /// nothing has arrived yet.
    pub safe fn host_stdin_read(dst: *mut u8, len: u32) -> i32;
    /// Bytes of stdin available now; -1 at its end, -2 when nothing has arrived yet.
    pub safe fn host_stdin_available() -> f64;
    /// Stops the guest: throws the package's `ProcessExit` with `code` through the guest
    /// (whose run has then ended, as `host_ended` says).
    pub safe fn host_exit(code: i32);
    /// Tells JS the guest's run has ended (`calls.rs` `end`): the clock reads that JS
    /// answers itself, without this module (`js/bridge.js` `clockFor`), end it too.
    pub safe fn host_ended();
    /// Whether an embedder callback (an output sink, a test's clock or random source) is
    /// running: then a call into the host found busy is reentrant, not cut short.
    pub safe fn host_in_callback() -> bool;
}

// The imports that suspend the guest (JSPI `WebAssembly.Suspending` functions). They are
// called only while JS runs the guest through `WebAssembly.promising` (see
// `host_set_blocking`), and only between calls, never while one holds the host
// (`calls.rs`).
#[link(wasm_import_module = "host")]
// SAFETY: as above: implemented in `js/bridge.js` with these signatures; none takes a
// pointer.
unsafe extern "C" {
    /// Waits `ns` nanoseconds on a real timer.
    pub safe fn host_sleep_wait(ns: f64);
    /// Lets the event loop turn once.
    pub safe fn host_yield();
    /// Waits until stdin has data or has ended, or `timeout_ns` (negative: no limit) has
    /// passed.
    pub safe fn host_stdin_wait(timeout_ns: f64);
    /// Waits until the queue of stdout (1) or stderr (2) has room.
    pub safe fn host_output_wait(fd: u32);
}
