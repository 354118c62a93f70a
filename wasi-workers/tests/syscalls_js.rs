//! The lists `js/` keeps by hand — the functions handed to a guest (`syscalls.js`) and the
//! errno names (`wasi.js`) — checked against the witx, in order.

use wasi_core::wasi_abi::FUNCTIONS;

#[test]
fn syscalls_js_lists_every_function() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/syscalls.js")).unwrap();
    let listed: Vec<&str> =
        js.lines().map(str::trim).filter_map(|l| l.strip_prefix('\'')?.strip_suffix("',")).collect();
    let want: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
    assert_eq!(listed, want);
}

#[test]
fn errno_names_in_wasi_js_are_the_witx_errnos_in_order() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/wasi.js")).unwrap();
    let line = js.lines().find(|l| l.starts_with("const ERRNO_NAMES = '")).expect("the ERRNO_NAMES line");
    let names: Vec<&str> = line.split('\'').nth(1).unwrap().split(' ').collect();
    let want: Vec<String> = wasi_core::Errno::ALL
        .iter()
        .map(|e| {
            if *e == wasi_core::Errno::SUCCESS {
                "SUCCESS".to_string()
            } else {
                format!("E{}", e.name().to_uppercase())
            }
        })
        .collect();
    assert_eq!(names, want);
}
