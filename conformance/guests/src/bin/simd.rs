//! A guest built with wasm `simd128` instructions (as coreutils and other real programs
//! are): a host whose engine lacks the SIMD proposal cannot even load it. It sums and
//! multiplies vectors of bytes it wrote to a file and read back, and checks the vector
//! results against scalar ones.

use core::arch::wasm32::{i32x4, i32x4_add, i32x4_extract_lane, i32x4_mul, v128, v128_load};

use conformance_guests::{create_file, read_file, scratch};

/// The dot product of `a` and `b` (lengths a multiple of 4), four lanes at a time.
#[target_feature(enable = "simd128")]
fn dot(a: &[i32], b: &[i32]) -> i32 {
    let mut acc = i32x4(0, 0, 0, 0);
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        // SAFETY: each chunk holds four i32s, 16 bytes; v128_load reads unaligned.
        let (x, y) = unsafe { (v128_load(x.as_ptr() as *const v128), v128_load(y.as_ptr() as *const v128)) };
        acc = i32x4_add(acc, i32x4_mul(x, y));
    }
    i32x4_extract_lane::<0>(acc)
        + i32x4_extract_lane::<1>(acc)
        + i32x4_extract_lane::<2>(acc)
        + i32x4_extract_lane::<3>(acc)
}

fn main() {
    let dir = scratch("simd");
    let bytes: Vec<u8> = (0..64u8).collect();
    create_file(dir, "v", &bytes);
    let data = read_file(dir, "v");
    let a: Vec<i32> = data[..32].iter().map(|b| i32::from(*b)).collect();
    let b: Vec<i32> = data[32..].iter().map(|b| i32::from(*b)).collect();
    let scalar: i32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    let vector = dot(&a, &b);
    assert_eq!(vector, scalar, "the vector and scalar dot products differ");
    println!("simd: dot product {vector}");
}
