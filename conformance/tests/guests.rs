//! Runs every conformance guest natively through wasi-core, one `#[test]` per guest and
//! backend (memory, littlefs), with the conventions of `conformance/guests/EXPECTATIONS.md`.
//! A guest file without an entry here fails `every_guest_has_a_test`. Every guest passes
//! on both backends; where littlefs cannot do something (hard links, files of 2 GiB) the
//! guest is told by `WASI_BACKEND=littlefs` and checks the errno instead.

use std::path::PathBuf;

use conformance::{Captured, OsRandom, SystemClock};
use wasi_core::{BytesInput, VirtualFs, WasiCtx};
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

/// What a guest must end with.
struct Expect {
    code: i32,
    stdout: Option<&'static str>,
}

const PASS: Expect = Expect { code: 0, stdout: None };

fn guest_wasm(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("CONFORMANCE_GUESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wasm32-wasip1/release"));
    let path = dir.join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; build the guests first: cargo build --release --manifest-path conformance/guests/Cargo.toml --target wasm32-wasip1 --target-dir target", path.display())
    })
}

fn check(name: &str, expect: Expect, backend: &str) {
    let (stdout, stderr) = (Captured::default(), Captured::default());
    let mut b = WasiCtx::builder();
    b.arg(name).env("CONFORMANCE", "1").env("GUEST_ENV_A", "alpha");
    let fs: Box<dyn VirtualFs> = match backend {
        "littlefs" => {
            b.env("WASI_BACKEND", "littlefs");
            Box::new(LittleFs::new(LITTLEFS_BYTES).expect("formatting the littlefs disk"))
        }
        _ => Box::new(MemoryFs::new()),
    };
    b.stdin(Box::new(BytesInput::new("hello stdin\n")));
    b.stdout(Box::new(stdout.clone())).stderr(Box::new(stderr.clone()));
    b.clock(Box::new(SystemClock::default())).random(Box::new(OsRandom));
    let fs = b.backend(fs);
    b.preopen("/sandbox", fs, false);
    let ctx = b.build().expect("building the context");
    let result = conformance::run(&guest_wasm(name), ctx);
    let out = String::from_utf8_lossy(&stdout.contents()).into_owned();
    let err = String::from_utf8_lossy(&stderr.contents()).into_owned();
    match result {
        Ok((code, _)) => assert_eq!(code, expect.code, "{name} exited {code}\nstdout:\n{out}\nstderr:\n{err}"),
        Err(e) => panic!("{name}: {e}\nstdout:\n{out}\nstderr:\n{err}"),
    }
    if let Some(want) = expect.stdout {
        assert_eq!(out, want, "{name} stdout");
    }
}

/// The littlefs disk each guest gets.
const LITTLEFS_BYTES: usize = 16 << 20;

macro_rules! guests {
    ($($name:ident => $expect:expr;)*) => {
        /// Every guest with a test.
        const GUESTS: &[&str] = &[$(stringify!($name)),*];

        mod memory {
            use super::*;
            $(#[test] fn $name() { check(stringify!($name), $expect, "memory") })*
        }

        mod littlefs {
            use super::*;
            $(#[test] fn $name() { check(stringify!($name), $expect, "littlefs") })*
        }
    };
}

guests! {
    args_env => PASS;
    clocks_random => PASS;
    demo => Expect { code: 3, stdout: None };
    directories => PASS;
    fd_basics => PASS;
    file_io => PASS;
    filestat => PASS;
    large_file => PASS;
    links_rename_unlink => PASS;
    path_open => PASS;
    poll => PASS;
    proc_exit => Expect { code: 42, stdout: Some("exiting with 42\n") };
    sockets => PASS;
    stdio => Expect { code: 0, stdout: Some("to stdout\n") };
    streams => Expect { code: 0, stdout: Some("hello stdin\n") };
    symlinks => PASS;
    upcase => Expect { code: 0, stdout: Some("args: []\nHELLO STDIN\n") };
}

#[test]
fn every_guest_has_a_test() {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guests/src/bin");
    let mut found: Vec<String> = std::fs::read_dir(&bin)
        .expect("listing the guests")
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<&str> = GUESTS.to_vec();
    listed.sort();
    assert_eq!(found, listed, "conformance/guests/src/bin and the guests! list differ");
}
