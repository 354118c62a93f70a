//! The syscall fuzzer as a property test: random sequences of the 46 functions with
//! random arguments, on both backends (see `conformance::fuzz` for the properties). The
//! memory backend runs with directly addressable guest memory, littlefs with memory
//! reached only by copies (as in the JS binding), so both data paths are exercised.
//! `PROPTEST_CASES=N` runs more sequences; `fuzz/` has the libFuzzer version.

use conformance::fuzz::{run, shape, Call, ARGS, PATHS, PATHS_AT};
use proptest::prelude::*;
use wasi_core::wasi_abi::FUNCTIONS;
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

/// One argument: mostly values that mean something (small fds, the paths' offsets and
/// lengths, buffer offsets), sometimes anything.
fn arg() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0..8u64,
        3 => (0..PATHS.len() as u64).prop_map(|i| u64::from(PATHS_AT) + 32 * i),
        2 => 1..8u64,
        2 => (0..64u64).prop_map(|i| 4096 + 64 * i),
        1 => any::<u64>(),
        1 => Just(u64::from(u32::MAX)),
    ]
}

/// A call, shaped by `conformance::fuzz::shape`.
fn call() -> impl Strategy<Value = Call> {
    (
        0..FUNCTIONS.len(),
        prop::array::uniform9(arg()),
        prop::array::uniform3(0..PATHS.len()),
        prop::array::uniform9(prop::bool::weighted(0.125)),
    )
        .prop_map(|(index, raw, paths, wild): (usize, [u64; ARGS], [usize; 3], [bool; ARGS])| {
            shape(index, &raw, &paths, &wild)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_syscalls_keep_the_memory_backend_consistent(calls in prop::collection::vec(call(), 1..60)) {
        run(Box::new(MemoryFs::with_quota(1 << 20)), true, &calls);
    }

    #[test]
    fn random_syscalls_keep_the_memory_backend_consistent_through_copies(calls in prop::collection::vec(call(), 1..60)) {
        run(Box::new(MemoryFs::with_quota(1 << 20)), false, &calls);
    }

    #[test]
    fn random_syscalls_keep_the_littlefs_backend_consistent(calls in prop::collection::vec(call(), 1..60)) {
        run(Box::new(LittleFs::new(256 * 1024).unwrap()), false, &calls);
    }
}
