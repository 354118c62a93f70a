//! Syscall sequences decoded from the fuzzer's bytes, run on the memory backend (guest
//! memory directly addressable, and reached by copies) and on littlefs (by copies); the
//! properties are `conformance::fuzz`'s.
#![no_main]

use conformance::fuzz::{calls_from_bytes, run};
use libfuzzer_sys::fuzz_target;
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

fuzz_target!(|data: &[u8]| {
    let calls = calls_from_bytes(data);
    run(Box::new(MemoryFs::with_quota(1 << 20)), true, &calls);
    run(Box::new(MemoryFs::with_quota(1 << 20)), false, &calls);
    run(Box::new(LittleFs::new(256 * 1024).expect("a 256 KiB disk")), false, &calls);
});
