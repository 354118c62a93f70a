//! Prints the differential check's cases as JSON (`[{"name", "lines"}]`): the scenarios
//! and the fuzz cases, for `conformance/wasmtime/record.py` to run under wasmtime
//! (`scripts/wasmtime-answers.sh` does both).

fn main() {
    let cases = conformance::differential::cases();
    println!("{}", serde_json::to_string(&cases).expect("cases as JSON"));
}
