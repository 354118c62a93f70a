//! Runs every conformance guest natively through wasi-core, one `#[test]` per guest and
//! backend, as `conformance/guests/expectations.json` (the list every runner reads) says
//! each is started and must end. A guest file missing from the `guests!` list fails
//! `every_guest_has_a_test`; a listed guest without an expectation fails its own tests and
//! `every_guest_has_an_expectation`.

use std::path::PathBuf;

use conformance::expectations::{expectations, guest_ctx};
use conformance::Backend;
use wasi_core::native::Captured;

fn guest_wasm(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("CONFORMANCE_GUESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wasm32-wasip1/release"));
    let path = dir.join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; build the guests first: cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target", path.display())
    })
}

fn check(name: &str, backend: Backend) {
    let want = expectations()
        .guests
        .get(name)
        .unwrap_or_else(|| panic!("guest {name} has no expectation in conformance/guests/expectations.json"));
    let (stdout, stderr) = (Captured::default(), Captured::default());
    let ctx = guest_ctx(name, &[], backend, true, Box::new(stdout.clone()), Box::new(stderr.clone()));
    let result = wasi_core::wasmi::run(&guest_wasm(name), ctx);
    let out = String::from_utf8_lossy(&stdout.contents()).into_owned();
    let err = String::from_utf8_lossy(&stderr.contents()).into_owned();
    match result {
        Ok((code, _)) => assert_eq!(code, want.exit, "{name} exited {code}\nstdout:\n{out}\nstderr:\n{err}"),
        Err(e) => panic!("{name}: {e}\nstdout:\n{out}\nstderr:\n{err}"),
    }
    if let Some(stdout) = &want.stdout {
        assert_eq!(&out, stdout, "{name} stdout");
    }
}

macro_rules! guests {
    ($($name:ident,)*) => {
        /// Every guest with a test.
        const GUESTS: &[&str] = &[$(stringify!($name)),*];

        mod memory {
            $(#[test] fn $name() { super::check(stringify!($name), conformance::Backend::Memory) })*
        }

        mod littlefs {
            $(#[test] fn $name() { super::check(stringify!($name), conformance::Backend::Littlefs) })*
        }
    };
}

guests! {
    args_env,
    clocks_random,
    demo,
    descriptor_rights,
    directories,
    fd_basics,
    file_io,
    filestat,
    large_file,
    links_rename_unlink,
    path_open,
    poll,
    proc_exit,
    refused_arguments,
    simd,
    sockets,
    stdio,
    streams,
    symlinks,
    syscall_driver,
    upcase,
}

/// The guest programs in `conformance/guests/src/bin`, by name.
fn guest_files() -> Vec<String> {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guests/src/bin");
    let mut found: Vec<String> = std::fs::read_dir(&bin)
        .expect("listing the guests")
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

#[test]
fn every_guest_has_a_test() {
    let mut listed: Vec<&str> = GUESTS.to_vec();
    listed.sort();
    assert_eq!(guest_files(), listed, "conformance/guests/src/bin and the guests! list differ");
}

#[test]
fn every_guest_has_an_expectation() {
    let expected: Vec<&String> = expectations().guests.keys().collect();
    let files = guest_files();
    assert_eq!(expected, files.iter().collect::<Vec<_>>(), "expectations.json and conformance/guests/src/bin differ");
}

#[test]
fn every_backend_has_tests() {
    let names: Vec<&str> = Backend::ALL.iter().map(|b| b.name()).collect();
    assert_eq!(expectations().start.backends, names, "the guests! macro makes a module per backend");
}

#[test]
fn every_difference_is_explained() {
    let doc = include_str!("../guests/EXPECTATIONS.md");
    for d in &expectations().differences {
        assert!(doc.contains(&format!("### `{}`", d.id)), "EXPECTATIONS.md has no section for {}", d.id);
    }
}
