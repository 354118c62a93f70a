//! Prints the differential check's cases as JSON (`[{"name", "lines", "args"}]`, `args`
//! being what the driver gets after its name): the scenarios and the fuzz cases, for
//! `conformance/wasmtime/record.py` to run under wasmtime (`scripts/wasmtime-answers.sh`
//! does both).

fn main() {
    let cases: Vec<serde_json::Value> = conformance::differential::cases()
        .into_iter()
        .map(|case| serde_json::json!({ "name": case.name, "args": case.args(), "lines": case.lines }))
        .collect();
    println!("{}", serde_json::to_string(&cases).expect("cases as JSON"));
}
