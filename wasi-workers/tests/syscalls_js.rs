//! `js/syscalls.js` lists the functions the package hands a guest; this checks it against
//! the one list of functions, in order.

use wasi_core::wasi_abi::FUNCTIONS;

#[test]
fn syscalls_js_lists_every_function() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/syscalls.js")).unwrap();
    let listed: Vec<&str> = js.lines().map(str::trim).filter_map(|l| l.strip_prefix('\'')?.strip_suffix("',")).collect();
    let want: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
    assert_eq!(listed, want);
}
