//! The differential check against wasmtime: the cases (hand-written scenarios and fuzzed
//! call sequences for the `syscall_driver` guest), wasmtime's recorded answers
//! (`conformance/wasmtime/answers.json`, made by `scripts/wasmtime-answers.sh`), and the
//! line-by-line comparison of a run with wasmtime's that knows the kept differences of
//! `conformance/guests/expectations.json`.

use crate::Backend;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasi_core::wasi_abi::{ValType, FUNCTIONS};

use crate::expectations::Difference;
use crate::fuzz::{self, Call, ARGS, MEM, PATHS, PATHS_AT};

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Exit {
    /// With this exit code.
    Code(i32),
    /// With a trap (always `"trap"`).
    Trap(String),
}

impl Exit {
    /// A trap.
    pub fn trap() -> Exit {
        Exit::Trap("trap".into())
    }

    /// How the end of a run reads in a comparison.
    fn line(&self) -> String {
        match self {
            Exit::Code(c) => format!("<exit {c}>"),
            Exit::Trap(_) => "<trap>".into(),
        }
    }
}

/// What a run left: its exit and all it wrote to stdout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// How it ended.
    pub exit: Exit,
    /// Its stdout (lossy UTF-8).
    pub stdout: String,
}

/// A script for the driver: its name and lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// `scenario NAME` or `fuzz N`.
    pub name: String,
    /// The calls; a fuzz case's come after [`fuzz_preamble`], which is not repeated here.
    pub lines: Vec<String>,
}

impl Case {
    /// The driver's arguments after its name: the lines, after the preamble for a fuzz case.
    pub fn args(&self) -> Vec<String> {
        let preamble = if self.name.starts_with("fuzz ") { fuzz_preamble() } else { Vec::new() };
        preamble.into_iter().chain(self.lines.iter().cloned()).collect()
    }
}

/// A case and what wasmtime made of it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Answered {
    /// The case.
    #[serde(flatten)]
    pub case: Case,
    /// wasmtime's run.
    #[serde(flatten)]
    pub wasmtime: Outcome,
}

/// `conformance/wasmtime/answers.json`.
#[derive(Debug, Deserialize)]
pub struct Answers {
    /// The wasmtime version that answered.
    pub wasmtime: String,
    /// A hash (FNV-1a, 64 bits, hex) of each guest's source with the guests' `lib.rs`,
    /// when it was recorded: a changed guest needs new answers.
    pub sources: BTreeMap<String, String>,
    /// Each guest's run under the conventions of `expectations.json`, by name.
    pub guests: BTreeMap<String, Outcome>,
    /// The lines every fuzz case starts with ([`fuzz_preamble`]), for the JS runner.
    pub fuzz_preamble: Vec<String>,
    /// The driver's cases.
    pub cases: Vec<Answered>,
}

/// The recorded answers.
pub fn answers() -> Answers {
    serde_json::from_str(include_str!("../wasmtime/answers.json")).expect("conformance/wasmtime/answers.json")
}

/// FNV-1a, 64 bits: the hash `answers.json` records of each guest's source.
pub fn fnv1a(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// How a comparison ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every line and the exit agree.
    Same,
    /// They agree up to line `at`, where the kept difference `id` starts.
    Known {
        /// The difference's id.
        id: String,
        /// The line where it shows.
        at: usize,
    },
    /// An unexplained difference at line `at`: wasmtime's line, then ours.
    Differs {
        /// The first differing line.
        at: usize,
        /// wasmtime's line.
        wasmtime: String,
        /// Our line.
        ours: String,
    },
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Compares our native run on `backend` with wasmtime's, line by line, then the exits.
/// The verdict names the first kept difference met, if any.
pub fn compare(wasmtime: &Outcome, ours: &Outcome, backend: Backend, differences: &[Difference]) -> Verdict {
    let w: Vec<&str> = wasmtime.stdout.lines().collect();
    let o: Vec<&str> = ours.stdout.lines().collect();
    let (w_end, o_end) = (wasmtime.exit.line(), ours.exit.line());
    let mut first_known: Option<Verdict> = None;
    for at in 0..=w.len().max(o.len()) {
        let wl = w.get(at).copied().unwrap_or(&w_end);
        let ol = o.get(at).copied().unwrap_or(&o_end);
        if wl == ol {
            if at >= w.len() && at >= o.len() {
                break;
            }
            continue;
        }
        let known = differences.iter().find(|d| {
            d.backend.as_deref().is_none_or(|b| b == backend.name())
                && d.host.as_deref().is_none_or(|h| h == "native")
                && glob(&d.wasmtime, wl)
                && glob(&d.ours, ol)
        });
        let Some(d) = known else {
            return Verdict::Differs { at, wasmtime: wl.into(), ours: ol.into() };
        };
        let verdict = first_known.get_or_insert(Verdict::Known { id: d.id.clone(), at }).clone();
        if !d.continues {
            return verdict;
        }
    }
    first_known.unwrap_or(Verdict::Same)
}

/// The hand-written scenarios, `conformance/wasmtime/scenarios.txt`: a `## name` line
/// starts each; `#` lines are comments.
pub fn scenarios() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for line in include_str!("../wasmtime/scenarios.txt").lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("## ") {
            cases.push(Case { name: format!("scenario {name}"), lines: Vec::new() });
        } else if !line.is_empty() && !line.starts_with('#') {
            cases.last_mut().expect("a scenario starts with `## name`").lines.push(line.into());
        }
    }
    cases
}

/// Parameters of the 32-bit kind that are not pointers; every other one is.
const NOT_POINTERS: &[&str] = &[
    "fd",
    "old_fd",
    "new_fd",
    "to",
    "flags",
    "fdflags",
    "dirflags",
    "oflags",
    "old_flags",
    "fst_flags",
    "advice",
    "whence",
    "id",
    "path_len",
    "old_path_len",
    "new_path_len",
    "buf_len",
    "iovs_len",
    "nsubscriptions",
    "rval",
    "sig",
    "how",
    "ri_data_len",
    "ri_flags",
    "si_data_len",
    "si_flags",
];

/// Where the driver's scripts put valid subscriptions for `poll_oneoff` (the fuzz memory
/// has none), 48 bytes each after their userdata: relative clocks of 1 ms (monotonic, then
/// realtime) around writes to stdout, fd 4 and stderr, so any three in a row have a write
/// ready. Which of several ready subscriptions wasmtime reports depends on its async
/// runtime (a clock already due, a file at its end); the scenarios check those alone.
const SUBS_AT: u64 = 2048;
const SUBSCRIPTIONS: &[&str] = &[
    "u32:0 u32:0 u32:1 u32:0 u64:1000000 u64:0 u32:0",
    "u32:2 u32:0 u32:1",
    "u32:2 u32:0 u32:4",
    "u32:2 u32:0 u32:2",
    "u32:0 u32:0 u32:0 u32:0 u64:1000000 u64:0 u32:0",
];

/// The script lines that lay out the driver's arena as `fuzz::guest_memory` lays out a
/// fuzz run's memory (the paths, and iovecs pointing at 64-byte buffers), plus valid
/// subscriptions.
pub fn fuzz_preamble() -> Vec<String> {
    let mut lines: Vec<String> =
        PATHS.iter().enumerate().map(|(i, p)| format!("mem @{} \"{p}\"", PATHS_AT as usize + 32 * i)).collect();
    let iovecs: Vec<String> = (0..64).map(|i| format!("@{} u32:64", 8192 + 64 * i)).collect();
    lines.push(format!("mem @4096 {}", iovecs.join(" ")));
    for (i, sub) in SUBSCRIPTIONS.iter().enumerate() {
        lines.push(format!("mem @{} u64:{} {sub}", SUBS_AT + 48 * i as u64, 0x100 + i));
    }
    lines
}

/// Values a parameter of an enum or flags type can take in the witx: wasmtime traps on
/// any other (the scenarios check those), which would end the run, so the fuzz cases keep
/// to them. `rval` keeps below 126, past which wasmtime's `proc_exit` traps too.
fn valid_values(name: &str) -> Option<u64> {
    Some(match name {
        "advice" => 6,
        "whence" => 3,
        "id" => 4,
        "sig" => 31,
        "how" => 4,
        "rval" => 126,
        "fst_flags" => 16,
        "fdflags" => 32,
        "oflags" => 16,
        "flags" | "dirflags" | "old_flags" => 2,
        "ri_flags" => 4,
        "si_flags" => 1,
        "fs_rights_base" | "fs_rights_inheriting" => 1 << 30,
        _ => return None,
    })
}

/// A fuzz call as a line of the driver's script, made comparable with wasmtime, which
/// traps (ending the run) where this host answers `EFAULT` or `EINVAL`: every pointer
/// lands in the arena, aligned to 8; lengths stay inside it; enums and flags take valid
/// values; `poll_oneoff` reads valid subscriptions. Sizes and offsets from 1 MiB to 2^63
/// are cut below 1 MiB (past that the hosts' storage limits differ, not their semantics).
pub fn driver_line(call: &Call) -> String {
    let (index, args) = call;
    let f = &FUNCTIONS[*index];
    let mut line = String::from(f.name);
    for (i, (name, value)) in f.param_names.iter().zip(args).enumerate() {
        let v = *value;
        let word = if let Some(n) = valid_values(name) {
            (v % n).to_string()
        } else if f.params[i] == ValType::I64 {
            let sizeish = matches!(*name, "offset" | "len" | "size");
            if sizeish && (1 << 20..1 << 63).contains(&v) {
                (v % (1 << 20)).to_string()
            } else {
                v.to_string()
            }
        } else if *name == "nsubscriptions" {
            (1 + v % 3).to_string()
        } else if name.ends_with("_len") {
            (if v > 8192 { v % 512 } else { v }).to_string()
        } else if NOT_POINTERS.contains(name) {
            v.to_string()
        } else if *name == "in_" {
            format!("@{}", SUBS_AT + 48 * (v % (SUBSCRIPTIONS.len() as u64 - 2)))
        } else {
            // Past the arena's end less the largest result (64 bytes) would leave it.
            format!("@{}", (v % (MEM as u64 - 64)) & !7)
        };
        line.push(' ');
        line.push_str(&word);
    }
    line
}

/// `count` fuzz cases of up to `max_calls` calls each, from `seed`: the values come from
/// the same mix as the fuzz property test (mostly small numbers, the paths' offsets, the
/// buffers), shaped by `fuzz::shape`. Closing or renumbering fd 3 is left to the
/// scenarios, so that most runs keep their sandbox to compare at the end.
pub fn fuzz_cases(count: usize, max_calls: usize, seed: u64) -> Vec<Case> {
    let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    (0..count)
        .map(|n| {
            let calls = 1 + next() as usize % max_calls;
            let mut lines = Vec::new();
            for _ in 0..calls {
                let raw: [u64; ARGS] = core::array::from_fn(|_| match next() % 12 {
                    0..=2 => next() % 8,
                    3..=5 => u64::from(PATHS_AT) + 32 * (next() % PATHS.len() as u64),
                    6 | 7 => 1 + next() % 7,
                    8 | 9 => 4096 + 64 * (next() % 64),
                    10 => next(),
                    _ => u64::from(u32::MAX),
                });
                let paths = core::array::from_fn(|_| next() as usize % PATHS.len());
                let wild = core::array::from_fn(|_| next() % 8 == 0);
                let mut call = fuzz::shape(next() as usize, &raw, &paths, &wild);
                let name = FUNCTIONS[call.0].name;
                if matches!(name, "fd_close" | "fd_renumber") && call.1[0] == 3 {
                    call.1[0] = 4;
                }
                lines.push(driver_line(&call));
            }
            Case { name: format!("fuzz {n}"), lines }
        })
        .collect()
}

/// How many fuzz cases are recorded, of at most how many calls, from which seed.
pub const FUZZ_CASES: usize = 1000;
/// See [`FUZZ_CASES`].
pub const FUZZ_CALLS: usize = 40;
/// See [`FUZZ_CASES`].
pub const FUZZ_SEED: u64 = 2026;

/// Every case: the scenarios, then the fuzz cases.
pub fn cases() -> Vec<Case> {
    let mut cases = scenarios();
    cases.extend(fuzz_cases(FUZZ_CASES, FUZZ_CALLS, FUZZ_SEED));
    cases
}
