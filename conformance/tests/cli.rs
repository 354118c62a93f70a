//! `wasi-run` as a user runs it: exit codes, traps, `--dir`, `--dir-ro`, `--env`,
//! `--argv0`, and bad usage.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Writes a WAT module to a fresh file and returns its path.
fn module(name: &str, wat: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasi-run-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    path
}

fn wasi_run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasi-run")).args(args).output().unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A command that writes `text` to stdout and exits with `code` through `proc_exit`.
fn say_and_exit(text: &str, code: u32) -> String {
    format!(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "{text}")
            (func (export "_start")
                (i32.store (i32.const 0) (i32.const 16))
                (i32.store (i32.const 4) (i32.const {len}))
                (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (call $exit (i32.const {code}))))"#,
        len = text.len()
    )
}

/// A command that opens `path` (relative to fd 3) with `oflags`/rights and exits with the
/// errno `path_open` returned.
fn open_errno(path: &str, oflags: u32, rights: u64) -> String {
    format!(
        r#"(module
            (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "{path}")
            (func (export "_start")
                (call $exit (call $open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const {len})
                    (i32.const {oflags}) (i64.const {rights}) (i64.const 0) (i32.const 0) (i32.const 0)))))"#,
        len = path.len()
    )
}

#[test]
fn exit_codes() {
    let ok = module("ok", "(module (memory (export \"memory\") 1) (func (export \"_start\")))");
    assert_eq!(wasi_run(&[path(&ok)]).status.code(), Some(0));
    let seven = module("seven", &say_and_exit("bye", 7));
    let out = wasi_run(&[path(&seven)]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(out.stdout, b"bye");
    let trap = module("trap", "(module (memory (export \"memory\") 1) (func (export \"_start\") unreachable))");
    let out = wasi_run(&[path(&trap)]);
    assert_eq!(out.status.code(), Some(134));
    assert!(String::from_utf8_lossy(&out.stderr).contains("trap"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bad_usage_and_bad_modules() {
    assert_eq!(wasi_run(&[]).status.code(), Some(2));
    assert_eq!(wasi_run(&["--bogus", "x.wasm"]).status.code(), Some(2));
    assert_eq!(wasi_run(&["--dir"]).status.code(), Some(2));
    let out = wasi_run(&["--backend", "floppy", "x.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown backend"));
    assert_eq!(wasi_run(&["/nonexistent/prog.wasm"]).status.code(), Some(2));
    let no_memory = module("nomem", "(module (func (export \"_start\")))");
    let out = wasi_run(&[path(&no_memory)]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("memory"));
}

#[test]
fn dirs_are_copied_in_and_read_only_mounts_refuse_writes() {
    let host = std::env::temp_dir().join(format!("wasi-run-dir-{}", std::process::id()));
    std::fs::create_dir_all(host.join("sub")).unwrap();
    std::fs::write(host.join("sub/hello.txt"), "hi").unwrap();
    let spec = format!("{}::/data", host.display());

    // Opening the copied file for reading works (errno 0); a missing one is ENOENT (44).
    let read = module("read", &open_errno("sub/hello.txt", 0, 2));
    assert_eq!(wasi_run(&["--dir", &spec, path(&read)]).status.code(), Some(0));
    let missing = module("missing", &open_errno("sub/nope.txt", 0, 2));
    assert_eq!(wasi_run(&["--dir", &spec, path(&missing)]).status.code(), Some(44));
    // Creating a file: fine on --dir, EPERM (63) on --dir-ro.
    let create = module("create", &open_errno("new.txt", 1, 64));
    assert_eq!(wasi_run(&["--dir", &spec, path(&create)]).status.code(), Some(0));
    assert_eq!(wasi_run(&["--dir-ro", &spec, path(&create)]).status.code(), Some(63));
    assert!(!host.join("new.txt").exists(), "the host directory is never written");
    // Reading still works read-only.
    assert_eq!(wasi_run(&["--dir-ro", &spec, path(&read)]).status.code(), Some(0));
}

#[test]
fn argv0_and_env_reach_the_guest() {
    // Exits with argc * 16 + the length of argv[0] (from args_sizes_get), and the env count.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func (export "_start")
            (drop (call $args (i32.const 0) (i32.const 4)))
            (drop (call $env (i32.const 8) (i32.const 12)))
            (call $exit (i32.add (i32.add (i32.mul (i32.load (i32.const 0)) (i32.const 16)) (i32.load (i32.const 4)))
                                 (i32.mul (i32.load (i32.const 8)) (i32.const 64))))))"#;
    let m = module("args", wat);
    // argv = ["ab", "x"]: argc 2, buffer "ab\0x\0" = 5; one env var: 64.
    let out = wasi_run(&["--argv0", "ab", "--env", "K=V", path(&m), "x"]);
    assert_eq!(out.status.code(), Some(2 * 16 + 5 + 64));
    // Default argv[0] is the module's file name.
    let out = wasi_run(&[path(&m)]);
    assert_eq!(out.status.code(), Some(16 + "args.wasm".len() as i32 + 1));
    assert_eq!(wasi_run(&["--env", "novalue", path(&m)]).status.code(), Some(2));
}

#[test]
fn littlefs_backend_and_images() {
    let host = std::env::temp_dir().join(format!("wasi-run-img-{}", std::process::id()));
    std::fs::create_dir_all(host.join("sub")).unwrap();
    std::fs::write(host.join("sub/hello.txt"), "hi").unwrap();
    let image = host.with_extension("img");
    let spec = format!("{}::/data", host.display());
    let read = module("img-read", &open_errno("sub/hello.txt", 0, 2));
    let create = module("img-create", &open_errno("new.txt", 1, 64));

    // --dir copied into littlefs.
    assert_eq!(
        wasi_run(&["--backend", "littlefs", "--capacity", "1048576", "--dir", &spec, path(&read)]).status.code(),
        Some(0)
    );
    assert_eq!(
        wasi_run(&["--backend", "littlefs", "--capacity", "1000", "--dir", &spec, path(&read)]).status.code(),
        Some(2)
    );

    // mkimage, then the image mounted read-write and read-only.
    let out = Command::new(env!("CARGO_BIN_EXE_wasi-run"))
        .args(["mkimage", "--capacity", "1048576", path(&host), path(&image)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::metadata(&image).unwrap().len(), 1 << 20);
    let img_spec = format!("{}::/data", image.display());
    assert_eq!(wasi_run(&["--image", &img_spec, path(&read)]).status.code(), Some(0));
    assert_eq!(wasi_run(&["--image", &img_spec, path(&create)]).status.code(), Some(0));
    assert_eq!(wasi_run(&["--image-ro", &img_spec, path(&create)]).status.code(), Some(63));
    // A file that is not an image is refused clearly.
    let bogus = format!("{}::/data", host.join("sub/hello.txt").display());
    let out = wasi_run(&["--image", &bogus, path(&read)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("littlefs"));
    assert_eq!(
        Command::new(env!("CARGO_BIN_EXE_wasi-run")).args(["mkimage", path(&host)]).output().unwrap().status.code(),
        Some(2)
    );
}

/// A guest built with simd128 runs, on both backends; and it is a real SIMD module: an
/// engine without the SIMD proposal refuses to load it.
#[test]
fn simd_modules_run() {
    let guests = std::env::var_os("CONFORMANCE_GUESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wasm32-wasip1/release"));
    let simd = guests.join("simd.wasm");
    let bytes = std::fs::read(&simd).expect("the simd guest (build the conformance guests first)");
    let mut config = wasmi::Config::default();
    config.wasm_simd(false).wasm_relaxed_simd(false);
    assert!(wasmi::Module::new(&wasmi::Engine::new(&config), &bytes[..]).is_err(), "simd.wasm needs no SIMD");
    let dir = std::env::temp_dir().join(format!("wasi-run-test-{}-simd", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for backend in ["memory", "littlefs"] {
        let mount = format!("{}::/sandbox", path(&dir));
        let out = wasi_run(&["--backend", backend, "--dir", &mount, "--argv0", "simd", path(&simd)]);
        assert_eq!(out.status.code(), Some(0), "{backend}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "simd: dot product 26288\n");
    }
}
