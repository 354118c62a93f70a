//! `js/imports.js` is written out by hand for speed (no rest parameters, no eval, which
//! workerd forbids); this checks it against the one list of functions.

use wasi_core::wasi_abi::FUNCTIONS;

#[test]
fn imports_js_lists_every_function_with_its_parameters() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/imports.js")).unwrap();
    let lines: Vec<&str> = js.lines().map(str::trim).filter(|l| l.contains("=> raw.wasi_")).collect();
    assert_eq!(lines.len(), FUNCTIONS.len(), "one import per function");
    for (line, f) in lines.iter().zip(FUNCTIONS) {
        let params = f.param_names.join(", ");
        let call = std::iter::once("s").chain(f.param_names.iter().copied()).collect::<Vec<_>>().join(", ");
        let want = format!("{}: ({params}) => raw.wasi_{}({call}),", f.name, f.name);
        assert_eq!(*line, want, "{}", f.name);
    }
}
