//! `wasi-run`: runs a WASI command module through `wasi-core`, like `wasmtime run`.
//!
//! ```text
//! wasi-run [--dir HOST[::GUEST]]... [--dir-ro HOST[::GUEST]]... [--image FILE::GUEST]...
//!          [--image-ro FILE::GUEST]... [--env K=V]... [--argv0 NAME]
//!          [--backend memory|littlefs] [--capacity BYTES] prog.wasm [args...]
//! wasi-run mkimage [--capacity BYTES] [--block-size BYTES] HOSTDIR OUT.img
//! ```
//! Each `--dir` copies a host directory into a fresh backend preopened at GUEST (changes
//! are not written back); `--dir-ro` mounts it read-only; `--image` mounts a littlefs disk
//! image. `mkimage` builds such an image from a host directory. The exit code is the
//! guest's; a trap exits with 134; bad usage with 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use conformance::Backend;
use wasi_core::copy_into;
use wasi_core::native::SystemClock;
use wasi_core::{Clock, VirtualFs, WasiCtx};
use wasi_fs_littlefs::LittleFs;

const USAGE: &str = "usage: wasi-run [--dir HOST[::GUEST]]... [--dir-ro HOST[::GUEST]]... [--image FILE::GUEST]... [--image-ro FILE::GUEST]... [--env K=V]... [--argv0 NAME] [--backend memory|littlefs] [--capacity BYTES] prog.wasm [args...]
       wasi-run mkimage [--capacity BYTES] [--block-size BYTES] HOSTDIR OUT.img";

/// littlefs disk size when `--capacity` is not given.
const DEFAULT_CAPACITY: usize = 64 << 20;

/// Where a preopen's contents come from.
enum Source {
    /// A host directory, copied in.
    Dir(PathBuf),
    /// A littlefs disk image file, mounted.
    Image(PathBuf),
}

/// The parsed command line.
struct Options {
    mounts: Vec<(Source, String, bool)>,
    env: Vec<(String, String)>,
    argv0: Option<String>,
    backend: Backend,
    capacity: usize,
    program: PathBuf,
    args: Vec<String>,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut mounts = Vec::new();
    let mut env = Vec::new();
    let mut argv0 = None;
    let mut backend = Backend::Memory;
    let mut capacity = DEFAULT_CAPACITY;
    loop {
        let arg = argv.next().ok_or("missing the program to run")?;
        let mut value = |flag: &str| argv.next().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--dir" | "--dir-ro" => {
                let spec = value(&arg)?;
                let (host, guest) = spec.split_once("::").unwrap_or((&spec, &spec));
                mounts.push((Source::Dir(PathBuf::from(host)), guest.to_string(), arg == "--dir-ro"));
            }
            "--image" | "--image-ro" => {
                let spec = value(&arg)?;
                let (file, guest) = spec.split_once("::").ok_or(format!("{arg} {spec}: expected FILE::GUEST"))?;
                mounts.push((Source::Image(PathBuf::from(file)), guest.to_string(), arg == "--image-ro"));
            }
            "--capacity" => capacity = parse_bytes("--capacity", &value("--capacity")?)?,
            "--env" => {
                let spec = value("--env")?;
                let (k, v) = spec.split_once('=').ok_or(format!("--env {spec}: expected KEY=VALUE"))?;
                env.push((k.to_string(), v.to_string()));
            }
            "--argv0" => argv0 = Some(value("--argv0")?),
            "--backend" => backend = Backend::named(&value("--backend")?)?,
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => {
                return Ok(Options {
                    mounts,
                    env,
                    argv0,
                    backend,
                    capacity,
                    program: PathBuf::from(arg),
                    args: argv.collect(),
                })
            }
        }
    }
}

fn parse_bytes(option: &str, text: &str) -> Result<usize, String> {
    text.parse().map_err(|_| format!("{option} {text}: expected a number of bytes"))
}

/// A fresh littlefs disk holding a copy of `host`, in blocks of `block_size` bytes if given.
fn littlefs_copy(host: &Path, capacity: usize, block_size: Option<usize>, now: u64) -> Result<LittleFs, String> {
    let fs = match block_size {
        Some(size) => LittleFs::with_block_size(capacity, size),
        None => LittleFs::new(capacity),
    };
    let mut fs = fs.map_err(|e| format!("--capacity {capacity}: {e}"))?;
    let root = fs.root();
    copy_into(&mut fs, root, host, now).map_err(|e| format!("{}: {e}", host.display()))?;
    Ok(fs)
}

/// `wasi-run mkimage [--capacity BYTES] [--block-size BYTES] HOSTDIR OUT`: writes a
/// littlefs image of a directory.
fn mkimage(mut argv: impl Iterator<Item = String>) -> Result<(), String> {
    let mut capacity = DEFAULT_CAPACITY;
    let mut block_size = None;
    let mut paths = Vec::new();
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--capacity" => capacity = parse_bytes("--capacity", &argv.next().ok_or("--capacity needs a value")?)?,
            "--block-size" => {
                block_size = Some(parse_bytes("--block-size", &argv.next().ok_or("--block-size needs a value")?)?)
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let [host, out] = <[PathBuf; 2]>::try_from(paths).map_err(|_| "mkimage needs HOSTDIR and OUT".to_string())?;
    let mut fs = littlefs_copy(&host, capacity, block_size, SystemClock::default().realtime())?;
    std::fs::write(&out, fs.export_image()).map_err(|e| format!("{}: {e}", out.display()))
}

fn build(opts: &Options) -> Result<WasiCtx, String> {
    let now = SystemClock::default().realtime();
    let mut b = WasiCtx::builder();
    let argv0 = opts.argv0.clone().unwrap_or_else(|| file_name(&opts.program));
    b.arg(argv0);
    for a in &opts.args {
        b.arg(a);
    }
    for (k, v) in &opts.env {
        b.env(k, v);
    }
    for (source, guest, read_only) in &opts.mounts {
        let fs: Box<dyn VirtualFs> = match source {
            Source::Dir(host) => {
                let mut fs = opts.backend.empty(opts.capacity)?;
                let root = fs.root();
                copy_into(&mut *fs, root, host, now).map_err(|e| format!("--dir {}: {e}", host.display()))?;
                fs
            }
            Source::Image(file) => {
                let image = std::fs::read(file).map_err(|e| format!("--image {}: {e}", file.display()))?;
                Box::new(
                    LittleFs::from_image(image, *read_only).map_err(|e| format!("--image {}: {e}", file.display()))?,
                )
            }
        };
        let id = b.backend(fs);
        b.preopen(guest, id, *read_only);
    }
    b.native_services().inherit_stdio();
    b.build().map_err(|e| e.to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("mkimage") {
        argv.next();
        return match mkimage(argv) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("wasi-run mkimage: {e}\n{USAGE}");
                ExitCode::from(2)
            }
        };
    }
    let opts = match parse(argv) {
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
    match wasi_core::wasmi::run(&wasm, ctx) {
        Ok((code, _)) => ExitCode::from(code as u8),
        Err(e @ wasi_core::wasmi::RunError::Trap(_)) => {
            eprintln!("wasi-run: {e}");
            ExitCode::from(134)
        }
        Err(e) => {
            eprintln!("wasi-run: {e}");
            ExitCode::from(1)
        }
    }
}
