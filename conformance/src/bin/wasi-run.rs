//! `wasi-run`: runs a WASI command module through `wasi-core`, like `wasmtime run`.
//!
//! ```text
//! wasi-run [--dir HOST[::GUEST]]... [--dir-ro HOST[::GUEST]]... [--env K=V]...
//!          [--argv0 NAME] [--backend memory] prog.wasm [args...]
//! ```
//! Each `--dir` copies a host directory into a fresh backend preopened at GUEST (changes
//! are not written back); `--dir-ro` mounts it read-only. The exit code is the guest's; a
//! trap exits with 134; bad usage with 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use conformance::{copy_into, HostStderr, HostStdin, HostStdout, OsRandom, SystemClock};
use wasi_core::{Clock, WasiCtx};
use wasi_fs_memory::MemoryFs;

const USAGE: &str = "usage: wasi-run [--dir HOST[::GUEST]]... [--dir-ro HOST[::GUEST]]... [--env K=V]... [--argv0 NAME] [--backend memory] prog.wasm [args...]";

/// The parsed command line.
struct Options {
    dirs: Vec<(PathBuf, String, bool)>,
    env: Vec<(String, String)>,
    argv0: Option<String>,
    program: PathBuf,
    args: Vec<String>,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut dirs = Vec::new();
    let mut env = Vec::new();
    let mut argv0 = None;
    loop {
        let arg = argv.next().ok_or("missing the program to run")?;
        let mut value = |flag: &str| argv.next().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--dir" | "--dir-ro" => {
                let spec = value(&arg)?;
                let (host, guest) = spec.split_once("::").unwrap_or((&spec, &spec));
                dirs.push((PathBuf::from(host), guest.to_string(), arg == "--dir-ro"));
            }
            "--env" => {
                let spec = value("--env")?;
                let (k, v) = spec.split_once('=').ok_or(format!("--env {spec}: expected KEY=VALUE"))?;
                env.push((k.to_string(), v.to_string()));
            }
            "--argv0" => argv0 = Some(value("--argv0")?),
            "--backend" => match value("--backend")?.as_str() {
                "memory" => {}
                other => return Err(format!("unknown backend {other:?} (available: memory)")),
            },
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => return Ok(Options { dirs, env, argv0, program: PathBuf::from(arg), args: argv.collect() }),
        }
    }
}

fn build(opts: &Options) -> Result<WasiCtx, String> {
    let mut clock = SystemClock::default();
    let now = clock.realtime();
    let mut b = WasiCtx::builder();
    let argv0 = opts.argv0.clone().unwrap_or_else(|| file_name(&opts.program));
    b.arg(argv0);
    for a in &opts.args {
        b.arg(a);
    }
    for (k, v) in &opts.env {
        b.env(k, v);
    }
    for (host, guest, read_only) in &opts.dirs {
        let mut fs = MemoryFs::new();
        let root = wasi_core::VirtualFs::root(&fs);
        copy_into(&mut fs, root, host, now).map_err(|e| format!("--dir {}: {e}", host.display()))?;
        let id = b.backend(Box::new(fs));
        b.preopen(guest, id, *read_only);
    }
    b.stdin(Box::new(HostStdin)).stdout(Box::new(HostStdout)).stderr(Box::new(HostStderr));
    b.clock(Box::new(clock)).random(Box::new(OsRandom));
    b.build().map_err(|e| e.to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn main() -> ExitCode {
    let opts = match parse(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("wasi-run: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let wasm = match std::fs::read(&opts.program) {
        Ok(wasm) => wasm,
        Err(e) => {
            eprintln!("wasi-run: {}: {e}", opts.program.display());
            return ExitCode::from(2);
        }
    };
    let ctx = match build(&opts) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("wasi-run: {e}");
            return ExitCode::from(2);
        }
    };
    match conformance::run(&wasm, ctx) {
        Ok((code, _)) => ExitCode::from(code as u8),
        Err(e @ conformance::RunError::Trap(_)) => {
            eprintln!("wasi-run: {e}");
            ExitCode::from(134)
        }
        Err(e) => {
            eprintln!("wasi-run: {e}");
            ExitCode::from(1)
        }
    }
}
