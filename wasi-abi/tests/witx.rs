//! Checks `wasi-abi` against the vendored witx files: every errno, flag, enum variant,
//! record layout and function must be present and agree. A small s-expression reader and
//! the witx layout rules are implemented here so the check depends on nothing else.

use std::collections::HashMap;

use bitflags::Flags;
use wasi_abi::*;

/// An s-expression: an atom (`u32`, `$name`, `"string"`) or a list.
#[derive(Debug, Clone)]
enum Sx {
    Atom(String),
    List(Vec<Sx>),
}

impl Sx {
    fn atom(&self) -> Option<&str> {
        match self {
            Sx::Atom(a) => Some(a),
            Sx::List(_) => None,
        }
    }
    fn list(&self) -> &[Sx] {
        match self {
            Sx::List(l) => l,
            Sx::Atom(_) => &[],
        }
    }
    /// The head atom of a list form.
    fn head(&self) -> Option<&str> {
        self.list().first().and_then(Sx::atom)
    }
}

fn parse(text: &str) -> Vec<Sx> {
    let mut stack: Vec<Vec<Sx>> = vec![Vec::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ';' if chars.peek() == Some(&';') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => stack.push(Vec::new()),
            ')' => {
                let done = stack.pop().expect("unbalanced )");
                stack.last_mut().expect("unbalanced )").push(Sx::List(done));
            }
            '"' => {
                let mut s = String::from('"');
                for c in chars.by_ref() {
                    s.push(c);
                    if c == '"' {
                        break;
                    }
                }
                stack.last_mut().unwrap().push(Sx::Atom(s));
            }
            c if c.is_whitespace() => {}
            c => {
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || n == '(' || n == ')' {
                        break;
                    }
                    s.push(n);
                    chars.next();
                }
                stack.last_mut().unwrap().push(Sx::Atom(s));
            }
        }
    }
    assert_eq!(stack.len(), 1, "unbalanced (");
    stack.pop().unwrap()
}

fn witx(file: &str) -> Vec<Sx> {
    let path = format!("{}/witx/{file}", env!("CARGO_MANIFEST_DIR"));
    parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

/// Every `(typename $name T)` of typenames.witx, by name without `$`.
fn typenames() -> HashMap<String, Sx> {
    witx("typenames.witx")
        .into_iter()
        .filter(|f| f.head() == Some("typename"))
        .map(|f| (f.list()[1].atom().unwrap().trim_start_matches('$').to_string(), f.list()[2].clone()))
        .collect()
}

/// The `$name`s listed in an enum or flags form, after its `(@witx ...)` annotation.
fn members(form: &Sx) -> Vec<String> {
    form.list()[2..].iter().filter_map(Sx::atom).map(|a| a.trim_start_matches('$').to_string()).collect()
}

/// The representation width in bytes of an enum's tag or a flags' repr.
fn repr_width(form: &Sx) -> usize {
    let annotation = form.list()[1].list();
    width(annotation[2].atom().unwrap())
}

fn width(prim: &str) -> usize {
    match prim {
        "u8" | "s8" => 1,
        "u16" | "s16" => 2,
        "u32" | "s32" => 4,
        "u64" | "s64" => 8,
        other => panic!("not a primitive: {other}"),
    }
}

/// Size and alignment of a witx type under the preview1 layout rules.
fn layout(types: &HashMap<String, Sx>, ty: &Sx) -> (usize, usize) {
    match ty {
        Sx::Atom(a) if a.starts_with('$') => layout(types, &types[a.trim_start_matches('$')]),
        Sx::Atom(a) => {
            let w = width(a);
            (w, w)
        }
        Sx::List(l) => match ty.head().unwrap() {
            "enum" | "flags" => {
                let w = repr_width(ty);
                (w, w)
            }
            "handle" => (4, 4),
            "@witx" => (4, 4),
            "record" => {
                let fields = record_fields(types, ty);
                let align = fields.iter().map(|f| f.3).max().unwrap_or(1);
                let end = fields.last().map_or(0, |f| f.1 + f.2);
                (end.next_multiple_of(align), align)
            }
            "union" => {
                let (_, _, size, align) = union_layout(types, l);
                (size, align)
            }
            other => panic!("unexpected type form {other}"),
        },
    }
}

/// (name, offset, size, align) of each record field.
fn record_fields(types: &HashMap<String, Sx>, record: &Sx) -> Vec<(String, usize, usize, usize)> {
    let mut at = 0usize;
    let mut out = Vec::new();
    for field in &record.list()[1..] {
        let name = field.list()[1].atom().unwrap().trim_start_matches('$').to_string();
        let (size, align) = layout(types, &field.list()[2]);
        at = at.next_multiple_of(align);
        out.push((name, at, size, align));
        at += size;
    }
    out
}

/// (tag size, payload offset, size, align) of a union.
fn union_layout(types: &HashMap<String, Sx>, union: &[Sx]) -> (usize, usize, usize, usize) {
    let tag = &union[1].list()[2];
    let (tag_size, tag_align) = layout(types, tag);
    let variants: Vec<(usize, usize)> = union[2..].iter().map(|v| layout(types, v)).collect();
    let payload_align = variants.iter().map(|v| v.1).max().unwrap_or(1);
    let payload_size = variants.iter().map(|v| v.0).max().unwrap_or(0);
    let payload = tag_size.next_multiple_of(payload_align);
    let align = tag_align.max(payload_align);
    (tag_size, payload, (payload + payload_size).next_multiple_of(align), align)
}

fn check_record<L: Layout>(types: &HashMap<String, Sx>, name: &str) {
    let ty = &types[name];
    let (size, align) = layout(types, ty);
    assert_eq!((L::SIZE, L::ALIGN), (size, align), "{name}: size/align");
    let fields: Vec<(String, usize)> = record_fields(types, ty).into_iter().map(|f| (f.0, f.1)).collect();
    let ours: Vec<(String, usize)> = L::FIELDS.iter().map(|(n, o)| (n.to_string(), *o)).collect();
    assert_eq!(ours, fields, "{name}: field names and offsets");
}

#[test]
fn errnos_match() {
    let types = typenames();
    let names = members(&types["errno"]);
    assert_eq!(repr_width(&types["errno"]), 2);
    assert_eq!(names.len(), Errno::ALL.len(), "errno count");
    for (code, name) in names.iter().enumerate() {
        let ours = Errno::ALL[code];
        assert_eq!(usize::from(ours.raw()), code);
        assert_eq!(ours.name(), name, "errno {code}");
    }
}

#[test]
fn errno_messages_are_sentences() {
    for e in Errno::ALL {
        assert!(!e.message().is_empty() && e.message().ends_with('.'), "{e:?}: {:?}", e.message());
    }
}

fn check_flags<F: Flags>(types: &HashMap<String, Sx>, name: &str)
where
    F::Bits: Into<u64>,
{
    let form = &types[name];
    assert_eq!(form.head(), Some("flags"), "{name} is a flags type");
    assert_eq!(repr_width(form), std::mem::size_of::<F::Bits>(), "{name}: repr width");
    let witx: Vec<String> = members(form).iter().map(|m| m.to_uppercase()).collect();
    let ours: Vec<String> = F::FLAGS.iter().map(|f| f.name().to_string()).collect();
    assert_eq!(ours, witx, "{name}: flag names in bit order");
    for (bit, flag) in F::FLAGS.iter().enumerate() {
        let value: u64 = flag.value().bits().into();
        assert_eq!(value, 1u64 << bit, "{name}::{} is bit {bit}", flag.name());
    }
}

#[test]
fn flags_match() {
    let t = typenames();
    check_flags::<Rights>(&t, "rights");
    check_flags::<Fdflags>(&t, "fdflags");
    check_flags::<Fstflags>(&t, "fstflags");
    check_flags::<Lookupflags>(&t, "lookupflags");
    check_flags::<Oflags>(&t, "oflags");
    check_flags::<Eventrwflags>(&t, "eventrwflags");
    check_flags::<Subclockflags>(&t, "subclockflags");
    check_flags::<Riflags>(&t, "riflags");
    check_flags::<Roflags>(&t, "roflags");
    check_flags::<Sdflags>(&t, "sdflags");
    let flag_types = t.values().filter(|f| f.head() == Some("flags")).count();
    assert_eq!(flag_types, 10, "every flags type of the witx is checked above");
}

fn check_enum<T: Copy + std::fmt::Debug>(types: &HashMap<String, Sx>, name: &str, variants: &[(T, &str)], raw: impl Fn(T) -> u64, repr: usize) {
    let form = &types[name];
    assert_eq!(form.head(), Some("enum"), "{name} is an enum");
    assert_eq!(repr_width(form), repr, "{name}: tag width");
    let witx = members(form);
    let ours: Vec<&str> = variants.iter().map(|v| v.1).collect();
    assert_eq!(ours, witx, "{name}: variant names");
    for (i, (v, n)) in variants.iter().enumerate() {
        assert_eq!(raw(*v), i as u64, "{name}::{n} tag");
    }
}

#[test]
fn enums_match() {
    let t = typenames();
    check_enum(&t, "clockid", Clockid::VARIANTS, |v| v.raw().into(), 4);
    check_enum(&t, "whence", Whence::VARIANTS, |v| v.raw().into(), 1);
    check_enum(&t, "filetype", Filetype::VARIANTS, |v| v.raw().into(), 1);
    check_enum(&t, "advice", Advice::VARIANTS, |v| v.raw().into(), 1);
    check_enum(&t, "eventtype", Eventtype::VARIANTS, |v| v.raw().into(), 1);
    check_enum(&t, "signal", Signal::VARIANTS, |v| v.raw().into(), 1);
    check_enum(&t, "preopentype", Preopentype::VARIANTS, |v| v.raw().into(), 1);
    let enums = t.values().filter(|f| f.head() == Some("enum")).count();
    assert_eq!(enums, 8, "every enum of the witx (errno included) is checked");
}

#[test]
fn record_layouts_match() {
    let t = typenames();
    check_record::<Iovec>(&t, "iovec");
    check_record::<Iovec>(&t, "ciovec");
    check_record::<Dirent>(&t, "dirent");
    check_record::<Fdstat>(&t, "fdstat");
    check_record::<Filestat>(&t, "filestat");
    check_record::<Event>(&t, "event");
    check_record::<Subscription>(&t, "subscription");
    let (_, payload, _, _) = union_layout(&t, t["subscription_u"].list());
    assert_eq!(SUBSCRIPTION_U_PAYLOAD, payload, "subscription_u payload offset");
    // prestat is a union: its tag, then the prestat_dir payload.
    let (size, align) = layout(&t, &t["prestat"]);
    assert_eq!((Prestat::SIZE, Prestat::ALIGN), (size, align), "prestat size/align");
    let (_, payload, _, _) = union_layout(&t, t["prestat"].list());
    assert_eq!(Prestat::FIELDS, &[("tag", 0), ("pr_name_len", payload)], "prestat layout");
    // Encoded sizes agree with the layouts.
    assert_eq!(Filestat::decode(&[0; 64]).unwrap().encode().len(), Filestat::SIZE);
    assert_eq!(Event::decode(&[0; 32]).unwrap().encode().len(), Event::SIZE);
}

/// Lowers a witx parameter type to core wasm value types.
fn lower(types: &HashMap<String, Sx>, ty: &Sx) -> Vec<ValType> {
    match ty {
        Sx::Atom(a) if a == "string" => vec![ValType::I32, ValType::I32],
        Sx::Atom(a) if a.starts_with('$') => lower(types, &types[a.trim_start_matches('$')]),
        Sx::List(_) if matches!(ty.head(), Some("list")) => vec![ValType::I32, ValType::I32],
        _ => {
            let (size, _) = layout(types, ty);
            vec![if size == 8 { ValType::I64 } else { ValType::I32 }]
        }
    }
}

#[test]
fn functions_match() {
    let types = typenames();
    let module = witx("wasi_snapshot_preview1.witx");
    let module = module.iter().find(|f| f.head() == Some("module")).expect("a module form");
    let funcs: Vec<&Sx> = module.list().iter().filter(|f| f.head() == Some("@interface")).collect();
    assert_eq!(funcs.len(), FUNCTIONS.len(), "function count");
    for (form, ours) in funcs.iter().zip(FUNCTIONS) {
        let parts = form.list();
        let name = parts[2].list()[1].atom().unwrap().trim_matches('"');
        assert_eq!(ours.name, name, "function order");
        let mut params = Vec::new();
        let mut returns_errno = false;
        for part in &parts[3..] {
            match part.head() {
                Some("param") => params.extend(lower(&types, &part.list()[2])),
                Some("result") => {
                    returns_errno = true;
                    let expected = &part.list()[2];
                    // (expected T (error $errno)): an out-pointer for T, one per element of
                    // a tuple.
                    if expected.list().len() == 3 {
                        let t = &expected.list()[1];
                        let n = if t.head() == Some("tuple") { t.list().len() - 1 } else { 1 };
                        params.extend(std::iter::repeat_n(ValType::I32, n));
                    }
                }
                _ => {}
            }
        }
        assert_eq!(ours.params, params.as_slice(), "{name}: lowered params");
        assert_eq!(ours.param_names.len(), params.len(), "{name}: one name per param");
        assert_eq!(ours.returns_errno, returns_errno, "{name}: returns an errno");
    }
}
