//! Prints the differential check's cases as JSON (`{"fuzz_preamble", "cases": [{"name",
//! "lines"}]}`): the scenarios and the fuzz cases, for `conformance/wasmtime/record.py` to
//! run under wasmtime (`scripts/wasmtime-answers.sh` does both).

use conformance::differential::{cases, fuzz_preamble};

fn main() {
    let all = serde_json::json!({ "fuzz_preamble": fuzz_preamble(), "cases": cases() });
    println!("{all}");
}
