//! `conformance/guests/expectations.json`, the one file every runner of the conformance
//! guests reads (these tests, and the Node, workerd and Chromium tests of the npm package):
//! how a guest is started, what it must end with, and the differences from wasmtime that
//! are kept on purpose. `EXPECTATIONS.md` beside it gives the reasons.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use wasi_core::{BytesInput, OutputStream, WasiCtx};

use crate::Backend;

/// The whole file.
#[derive(Debug, Deserialize)]
pub struct Expectations {
    /// How every guest is started.
    pub start: Start,
    /// What each guest must end with, by name.
    pub guests: BTreeMap<String, Guest>,
    /// Where this host answers differently from wasmtime, on purpose.
    pub differences: Vec<Difference>,
}

/// How a runner starts a guest: args are `[guest name, ...]`, fd 3 an empty writable
/// directory preopened at `preopen`.
#[derive(Debug, Deserialize)]
pub struct Start {
    /// The guest path of the sandbox directory (fd 3).
    pub preopen: String,
    /// The environment on every backend.
    pub env: BTreeMap<String, String>,
    /// The backends every guest runs on.
    pub backends: Vec<String>,
    /// Extra environment by backend, telling a guest what its backend cannot do.
    pub backend_env: BTreeMap<String, BTreeMap<String, String>>,
    /// The size of a littlefs sandbox, in bytes.
    pub littlefs_capacity: usize,
    /// All of stdin.
    pub stdin: String,
}

/// What a guest must end with.
#[derive(Debug, Deserialize)]
pub struct Guest {
    /// Its exit code.
    pub exit: i32,
    /// All it writes to stdout, when that is fixed.
    pub stdout: Option<String>,
    /// The id of the kept difference that makes wasmtime end it otherwise, if any.
    #[serde(default)]
    pub wasmtime: Option<String>,
}

/// A place where this host answers differently from wasmtime. Comparing a run with
/// wasmtime's line by line, a differing line pair is this difference when wasmtime's line
/// matches `wasmtime` and ours matches `ours` (`*` matches any run of characters; a run
/// that ended reads as `<exit N>` or `<trap>`), on `backend` if given. The comparison
/// stops there (what follows depends on it), unless the difference `continues` (it only
/// changes what that line reports).
#[derive(Debug, Deserialize)]
pub struct Difference {
    /// Its name, which `EXPECTATIONS.md` explains.
    pub id: String,
    /// Only on this backend.
    #[serde(default)]
    pub backend: Option<String>,
    /// Only on this host: `js` (the npm package) or `native` (these tests).
    #[serde(default)]
    pub host: Option<String>,
    /// wasmtime's line.
    pub wasmtime: String,
    /// Our line.
    pub ours: String,
    /// Whether the comparison goes on after the line.
    #[serde(default)]
    pub continues: bool,
}

/// The parsed file, read once.
pub fn expectations() -> &'static Expectations {
    static PARSED: OnceLock<Expectations> = OnceLock::new();
    PARSED.get_or_init(|| {
        serde_json::from_str(include_str!("../guests/expectations.json")).expect("conformance/guests/expectations.json")
    })
}

/// A context that starts a guest as every runner does, on `backend`, with `args` after the program name `name`. `tell_backend` adds the
/// backend's environment (a guest that checks what littlefs cannot do needs it; the
/// syscall driver, whose runs are compared with wasmtime's, must not see it).
pub fn guest_ctx(
    name: &str,
    args: &[String],
    backend: Backend,
    tell_backend: bool,
    stdout: Box<dyn OutputStream>,
    stderr: Box<dyn OutputStream>,
) -> WasiCtx {
    let start = &expectations().start;
    let mut b = WasiCtx::builder();
    b.arg(name);
    for arg in args {
        b.arg(arg);
    }
    let backend_env = start.backend_env.get(backend.name()).filter(|_| tell_backend);
    for (k, v) in start.env.iter().chain(backend_env.into_iter().flatten()) {
        b.env(k, v);
    }
    let fs = backend.empty(start.littlefs_capacity).expect("making the backend");
    b.stdin(Box::new(BytesInput::new(start.stdin.as_bytes())));
    b.stdout(stdout).stderr(stderr);
    b.native_services();
    let fs = b.backend(fs);
    b.preopen(&start.preopen, fs, false);
    b.build().expect("building the context")
}
