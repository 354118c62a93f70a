//! The differential check against wasmtime: replays wasmtime's recorded answers
//! (`conformance/wasmtime/answers.json`) through `wasi-core` on each backend and compares
//! them line by line — each call's errno and results, stdout, the final tree — allowing
//! only the kept differences of `conformance/guests/expectations.json`.
//! `scripts/wasmtime-answers.sh` records the answers again.

use std::collections::BTreeMap;
use std::path::PathBuf;

use conformance::differential::{answers, cases, compare, fnv1a, fuzz_preamble, Exit, Outcome, Verdict};
use conformance::expectations::{expectations, guest_ctx};
use conformance::Backend;
use wasi_core::native::Captured;
use wasi_core::wasmi::Program;

const REGENERATE: &str = "run scripts/wasmtime-answers.sh to record wasmtime's answers again";

fn guest_wasm(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("CONFORMANCE_GUESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wasm32-wasip1/release"));
    let path = dir.join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; build the guests first", path.display()))
}

/// Runs the driver as every runner runs a guest, with `args` after its name, without
/// telling it its backend.
fn run(program: &Program, args: &[String], backend: Backend) -> Outcome {
    let stdout = Captured::default();
    let ctx =
        guest_ctx("syscall_driver", args, backend, false, Box::new(stdout.clone()), Box::new(Captured::default()));
    let exit = match program.run(ctx) {
        Ok((code, _)) => Exit::Code(code),
        Err(_) => Exit::trap(),
    };
    Outcome { exit, stdout: String::from_utf8_lossy(&stdout.contents()).into_owned() }
}

#[test]
fn answers_are_current() {
    let answers = answers();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guests/src");
    let lib = std::fs::read(src.join("lib.rs")).unwrap();
    let mut now = BTreeMap::new();
    for entry in std::fs::read_dir(src.join("bin")).unwrap() {
        let path = entry.unwrap().path();
        let mut data = lib.clone();
        data.extend(std::fs::read(&path).unwrap());
        now.insert(path.file_stem().unwrap().to_string_lossy().into_owned(), fnv1a(&data));
    }
    assert_eq!(answers.sources, now, "the guests changed since wasmtime answered: {REGENERATE}");
    assert_eq!(
        answers.fuzz_preamble,
        fuzz_preamble(),
        "the fuzz preamble changed since wasmtime answered: {REGENERATE}"
    );
    let recorded: Vec<_> = answers.cases.iter().map(|a| a.case.clone()).collect();
    assert!(recorded == cases(), "the scenarios or the fuzz cases changed since wasmtime answered: {REGENERATE}");
}

/// Every guest ends under wasmtime as it must end here, unless its expectation names the
/// kept difference that makes wasmtime end it otherwise.
#[test]
fn guests_end_as_under_wasmtime() {
    let (answers, expected) = (answers(), expectations());
    let mut problems = Vec::new();
    for (name, want) in &expected.guests {
        let got = answers.guests.get(name).unwrap_or_else(|| panic!("no wasmtime answer for {name}: {REGENERATE}"));
        let same = got.exit == Exit::Code(want.exit) && want.stdout.as_ref().is_none_or(|s| *s == got.stdout);
        match (&want.wasmtime, same) {
            (None, false) => problems.push(format!("{name}: wasmtime ends it with {got:?}, not as expected")),
            (Some(id), true) => problems.push(format!("{name}: wasmtime ends it as expected, yet it names {id}")),
            (Some(id), false) if !expected.differences.iter().any(|d| d.id == *id) => {
                problems.push(format!("{name}: names {id}, which expectations.json does not list"))
            }
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Replays every recorded case on `backend`; fails on any unexplained difference and
/// prints how many cases matched wholly or up to a kept difference.
fn replay(backend: Backend) {
    let answers = answers();
    let program = Program::new(&guest_wasm("syscall_driver")).expect("compiling the driver");
    let differences = &expectations().differences;
    let mut known: BTreeMap<String, usize> = BTreeMap::new();
    let (mut same, mut failures) = (0, Vec::new());
    for answered in &answers.cases {
        let ours = run(&program, &answered.case.args(), backend);
        match compare(&answered.wasmtime, &ours, backend, differences) {
            Verdict::Same => same += 1,
            Verdict::Known { id, .. } => *known.entry(id).or_default() += 1,
            Verdict::Differs { at, wasmtime, ours: got } => {
                let args = answered.case.args();
                let calls: Vec<&String> = args.iter().filter(|l| !l.starts_with("mem ")).collect();
                let call = calls.get(at).map_or("(the tree, after the calls)", |c| c.as_str());
                let before = calls[at.saturating_sub(3)..at.min(calls.len())].iter().map(|c| format!("\n    {c}"));
                failures.push(format!(
                    "{} at line {at}, after:{}\n  call:     {call}\n  wasmtime: {wasmtime}\n  ours:     {got}",
                    answered.case.name,
                    before.collect::<String>()
                ))
            }
        }
    }
    println!(
        "{backend}: {} cases against wasmtime {}: {same} the same, {} the same but for a kept difference {known:?}, {} differ",
        answers.cases.len(),
        answers.wasmtime,
        known.values().sum::<usize>(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} cases differ from wasmtime:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn memory_backend_answers_as_wasmtime() {
    replay(Backend::Memory);
}

#[test]
fn littlefs_backend_answers_as_wasmtime() {
    replay(Backend::Littlefs);
}
