//! Prints the JS module the npm package reads its ABI facts from (`abi.js`): the 46
//! functions with their parameter names and wasm types, and the errno names by number.
//! `scripts/build-npm.sh` runs it, so the lists are never copied by hand.

use wasi_abi::{Errno, ValType, FUNCTIONS};

fn main() {
    println!("// Generated from wasi-abi by `cargo run -p wasi-abi --example js` (scripts/build-npm.sh).");
    println!();
    println!("/** The {} functions of wasi_snapshot_preview1 in witx order: [name, params], each", FUNCTIONS.len());
    println!(" * param [name, 'i32' | 'i64']. */");
    println!("export const SYSCALLS = [");
    for f in FUNCTIONS {
        let params: Vec<String> = f
            .param_names
            .iter()
            .zip(f.params)
            .map(|(name, ty)| format!("['{name}', '{}']", if *ty == ValType::I64 { "i64" } else { "i32" }))
            .collect();
        println!("  ['{}', [{}]],", f.name, params.join(", "));
    }
    println!("];");
    println!();
    println!("/** WASI's errno names by number. */");
    println!("export const ERRNO_NAMES = [");
    for e in Errno::ALL {
        let name = if *e == Errno::SUCCESS { "SUCCESS".to_string() } else { format!("E{}", e.name().to_uppercase()) };
        println!("  '{name}',");
    }
    println!("];");
}
