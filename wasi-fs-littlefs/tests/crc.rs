//! littlefs's CRC, which `vendor/littlefs2-sys` computes four bytes at a time rather than
//! littlefs's four bits at a time, is still littlefs's: CRC-32 (polynomial 0x04c11db7,
//! reflected), from the seed the caller gives and with no final inversion. The interop
//! tests cannot see a wrong one, since the `littlefs2` crate links the same copy; images
//! from littlefs tools elsewhere would not mount.

// Makes the test binary link the backend, and with it littlefs's C.
use wasi_fs_littlefs as _;

unsafe extern "C" {
    /// `littlefs/lfs_util.h`.
    fn lfs_crc(crc: u32, buffer: *const core::ffi::c_void, size: usize) -> u32;
}

/// littlefs's CRC of `data` from `crc`, a bit at a time.
fn reference(mut crc: u32, data: &[u8]) -> u32 {
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ if crc & 1 == 1 { 0xedb8_8320 } else { 0 };
        }
    }
    crc
}

fn crc(seed: u32, data: &[u8]) -> u32 {
    // SAFETY: `data` is valid for `data.len()` bytes, all lfs_crc reads.
    unsafe { lfs_crc(seed, data.as_ptr().cast(), data.len()) }
}

#[test]
fn the_standard_check_value() {
    // CRC-32's check value is 0xcbf43926 after the final inversion littlefs leaves out.
    assert_eq!(crc(0xffff_ffff, b"123456789"), !0xcbf4_3926);
}

#[test]
fn every_length_and_alignment_matches_a_bit_at_a_time() {
    let mut state = 0x2545_f491_u32;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let bytes: Vec<u8> = (0..600).map(|_| next() as u8).collect();
    for start in 0..8 {
        for len in 0..=300 {
            let seed = next();
            let data = &bytes[start..start + len];
            assert_eq!(crc(seed, data), reference(seed, data), "{len} bytes from offset {start}");
        }
    }
}
