//! Checks `wasi-abi` against the vendored witx files (`witx/typenames.witx`,
//! `witx/wasi_snapshot_preview1.witx`): every errno, flag, enum variant, record layout and
//! function must be present and agree. A small s-expression reader, the witx layout rules
//! and the preview1 lowering of signatures are implemented here, so the check depends on
//! nothing but the witx text.

use std::collections::{BTreeMap, BTreeSet};
use std::mem::size_of;

use bitflags::Flags;
use wasi_abi::*;

const TYPENAMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/witx/typenames.witx");
const PREVIEW1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/witx/wasi_snapshot_preview1.witx");

// ---------------------------------------------------------------------------------------------
// S-expressions
// ---------------------------------------------------------------------------------------------

/// An s-expression of the witx text.
#[derive(Debug, Clone, PartialEq)]
enum Sx {
    /// A keyword or identifier (`u32`, `$fd`, `@witx`), with the `;;;` doc comment lines that
    /// directly precede it, joined by spaces.
    Atom { text: String, doc: String },
    /// A string literal, unquoted.
    Str(String),
    /// A parenthesised list.
    List(Vec<Sx>),
}

impl Sx {
    fn atom(&self) -> Option<&str> {
        match self {
            Sx::Atom { text, .. } => Some(text),
            _ => None,
        }
    }
    /// An identifier `$name`, without the `$`.
    fn id(&self) -> Option<&str> {
        self.atom().and_then(|a| a.strip_prefix('$'))
    }
    fn str(&self) -> Option<&str> {
        match self {
            Sx::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The items of a list; empty for an atom or a string.
    fn items(&self) -> &[Sx] {
        match self {
            Sx::List(l) => l,
            _ => &[],
        }
    }
    /// The head keyword of a list form.
    fn head(&self) -> Option<&str> {
        self.items().first().and_then(Sx::atom)
    }
    fn doc(&self) -> &str {
        match self {
            Sx::Atom { doc, .. } => doc,
            _ => "",
        }
    }
}

/// Parses a whole witx file into its top-level forms. `;;` line comments (and so `;;;` doc
/// comments) and `(; ;)` block comments are skipped; doc comments are attached to the atom
/// that follows them.
fn parse(src: &str, file: &str) -> Vec<Sx> {
    let b = src.as_bytes();
    let line = |at: usize| 1 + src[..at].matches('\n').count();
    let mut stack: Vec<(usize, Vec<Sx>)> = vec![(0, Vec::new())];
    let mut doc = String::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b';' if b.get(i + 1) == Some(&b';') => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                if let Some(text) = src[i..end].strip_prefix(";;;") {
                    if !doc.is_empty() {
                        doc.push(' ');
                    }
                    doc.push_str(text.trim());
                }
                i = end;
            }
            b'(' if b.get(i + 1) == Some(&b';') => {
                let end = src[i..].find(";)").unwrap_or_else(|| panic!("{file}:{}: unterminated (;", line(i)));
                i += end + 2;
            }
            b'(' => {
                doc.clear(); // a doc comment before a form documents the form, not an atom
                stack.push((i, Vec::new()));
                i += 1;
            }
            b')' => {
                doc.clear();
                let (_, done) = stack.pop().unwrap();
                stack.last_mut().unwrap_or_else(|| panic!("{file}:{}: unbalanced )", line(i))).1.push(Sx::List(done));
                i += 1;
            }
            b'"' => {
                let mut s = String::new();
                let mut chars = src[i + 1..].char_indices();
                loop {
                    match chars.next() {
                        Some((n, '"')) => {
                            i += 1 + n + 1;
                            break;
                        }
                        Some((_, '\\')) => {
                            s.push(chars.next().unwrap_or_else(|| panic!("{file}:{}: bad escape", line(i))).1)
                        }
                        Some((_, c)) => s.push(c),
                        None => panic!("{file}:{}: unterminated string", line(i)),
                    }
                }
                stack.last_mut().unwrap().1.push(Sx::Str(s));
            }
            _ => {
                let end = src[i..]
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"')
                    .map_or(src.len(), |n| i + n);
                let text = src[i..end].to_string();
                stack.last_mut().unwrap().1.push(Sx::Atom { text, doc: std::mem::take(&mut doc) });
                i = end;
            }
        }
    }
    assert_eq!(stack.len(), 1, "{file}:{}: unclosed (", line(stack.last().unwrap().0));
    stack.pop().unwrap().1
}

fn read(path: &str) -> Vec<Sx> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&text, path)
}

#[test]
fn parser_handles_comments_strings_and_nesting() {
    let forms = parse(
        ";; a comment (with parens\n(a ;;; doc one\n ;;; doc two\n $b (; block ;) \"s \\\" t\" (c)) ;; trailing\n",
        "inline",
    );
    assert_eq!(forms.len(), 1);
    let items = forms[0].items();
    assert_eq!(items.len(), 4, "{forms:?}");
    assert_eq!(items[0].atom(), Some("a"));
    assert_eq!(items[1].id(), Some("b"));
    assert_eq!(items[1].doc(), "doc one doc two");
    assert_eq!(items[2].str(), Some("s \" t"));
    assert_eq!(items[3].head(), Some("c"));
}

// ---------------------------------------------------------------------------------------------
// typenames.witx: types, layout
// ---------------------------------------------------------------------------------------------

type Types = BTreeMap<String, Sx>;

/// Every `(typename $name T)` of typenames.witx, by name without `$`.
fn typenames() -> Types {
    let mut types = Types::new();
    for form in read(TYPENAMES) {
        match form.head() {
            Some("typename") => {
                let [_, name, ty] = form.items() else { panic!("malformed typename {form:?}") };
                let name = name.id().unwrap_or_else(|| panic!("typename without $name: {form:?}"));
                assert!(types.insert(name.to_string(), ty.clone()).is_none(), "typename ${name} defined twice");
            }
            other => panic!("typenames.witx: unexpected top-level form {other:?}"),
        }
    }
    assert!(types.len() > 40, "typenames.witx parsed to only {} types", types.len());
    types
}

/// Follows `$alias` names to the type they stand for.
fn resolve<'a>(types: &'a Types, ty: &'a Sx) -> &'a Sx {
    match ty.id() {
        Some(name) => resolve(types, types.get(name).unwrap_or_else(|| panic!("unknown type ${name}"))),
        None => ty,
    }
}

/// The typenames whose definition is a `(head ...)` form.
fn types_of_kind(types: &Types, head: &str) -> BTreeSet<String> {
    types.iter().filter(|(_, t)| t.head() == Some(head)).map(|(n, _)| n.clone()).collect()
}

fn prim_width(prim: &str) -> Option<usize> {
    match prim {
        "u8" | "s8" | "char8" => Some(1),
        "u16" | "s16" => Some(2),
        "u32" | "s32" | "f32" => Some(4),
        "u64" | "s64" | "f64" => Some(8),
        _ => None,
    }
}

/// The type named in an enum's `(@witx tag T)`, a flags' `(@witx repr T)` or a union's
/// `(@witx tag $enum)`.
fn annotation<'a>(form: &'a Sx, what: &str) -> &'a Sx {
    match form.items().get(1).map(Sx::items) {
        Some([at, kw, ty]) if at.atom() == Some("@witx") && kw.atom() == Some(what) => ty,
        _ => panic!("expected (@witx {what} T) in {form:?}"),
    }
}

/// Width in bytes of an enum's tag or a flags' repr.
fn repr_width(types: &Types, form: &Sx) -> usize {
    let what = match form.head() {
        Some("enum") => "tag",
        Some("flags") => "repr",
        other => panic!("{other:?} has no repr"),
    };
    let ty = resolve(types, annotation(form, what));
    ty.atom().and_then(prim_width).unwrap_or_else(|| panic!("{what} is not a primitive: {ty:?}"))
}

/// The `$member` names of an enum or flags form, in order.
fn members(form: &Sx) -> Vec<&Sx> {
    form.items()[2..].iter().inspect(|m| assert!(m.id().is_some(), "enum/flags member {m:?} is not a $name")).collect()
}
fn member_names(form: &Sx) -> Vec<&str> {
    members(form).into_iter().map(|m| m.id().unwrap()).collect()
}

#[derive(Debug)]
struct Field {
    name: String,
    offset: usize,
    ty: Sx,
}

#[derive(Debug)]
struct RecordLayout {
    size: usize,
    align: usize,
    fields: Vec<Field>,
}

#[derive(Debug)]
struct UnionLayout {
    size: usize,
    align: usize,
    tag_size: usize,
    /// The tag's enum type name, without `$`.
    tag_enum: String,
    payload_offset: usize,
    /// The payload type of each tag value, in tag order.
    variants: Vec<Sx>,
}

/// Size and alignment of a witx type under the witx C-like layout rules.
fn size_align(types: &Types, ty: &Sx) -> (usize, usize) {
    let ty = resolve(types, ty);
    if let Some(prim) = ty.atom() {
        let w = prim_width(prim).unwrap_or_else(|| panic!("no layout for {prim}"));
        return (w, w);
    }
    match ty.head() {
        Some("enum" | "flags") => {
            let w = repr_width(types, ty);
            (w, w)
        }
        Some("handle") => (4, 4),
        Some("@witx") => match ty.items().get(1).and_then(Sx::atom) {
            Some("pointer" | "const_pointer") => (4, 4),
            other => panic!("unknown annotation type {other:?}"),
        },
        Some("list") => (8, 4),
        Some("record") => {
            let r = record_layout(types, ty);
            (r.size, r.align)
        }
        Some("union") => {
            let u = union_layout(types, ty);
            (u.size, u.align)
        }
        other => panic!("no layout for {other:?} form"),
    }
}

fn record_layout(types: &Types, record: &Sx) -> RecordLayout {
    assert_eq!(record.head(), Some("record"), "not a record: {record:?}");
    let (mut at, mut align) = (0usize, 1usize);
    let mut fields = Vec::new();
    for field in &record.items()[1..] {
        let [kw, name, ty] = field.items() else { panic!("malformed field {field:?}") };
        assert_eq!(kw.atom(), Some("field"), "malformed field {field:?}");
        let (size, field_align) = size_align(types, ty);
        at = at.next_multiple_of(field_align);
        align = align.max(field_align);
        fields.push(Field { name: name.id().expect("field $name").to_string(), offset: at, ty: ty.clone() });
        at += size;
    }
    RecordLayout { size: at.next_multiple_of(align), align, fields }
}

/// A union: the tag, then the payload at the tag size rounded up to the largest payload
/// alignment; the size is rounded up to the union's alignment.
fn union_layout(types: &Types, union: &Sx) -> UnionLayout {
    assert_eq!(union.head(), Some("union"), "not a union: {union:?}");
    let tag = annotation(union, "tag");
    let tag_enum = tag.id().expect("union tag is a $enum").to_string();
    let (tag_size, tag_align) = size_align(types, tag);
    let variants: Vec<Sx> = union.items()[2..].to_vec();
    let cases = member_names(resolve(types, tag)).len();
    assert_eq!(variants.len(), cases, "union tagged by ${tag_enum}: one payload per tag value");
    let payloads: Vec<(usize, usize)> = variants.iter().map(|v| size_align(types, v)).collect();
    let payload_align = payloads.iter().map(|p| p.1).max().unwrap_or(1);
    let payload_size = payloads.iter().map(|p| p.0).max().unwrap_or(0);
    let payload_offset = tag_size.next_multiple_of(payload_align);
    let align = tag_align.max(payload_align);
    UnionLayout {
        size: (payload_offset + payload_size).next_multiple_of(align),
        align,
        tag_size,
        tag_enum,
        payload_offset,
        variants,
    }
}

/// Offset and size of a dotted path inside type `ty`: record field names, and in a union
/// either `tag` or the name of a tag value (which selects that value's payload).
fn locate(types: &Types, ty: &Sx, path: &str) -> (usize, usize) {
    let mut ty = ty.clone();
    let mut offset = 0;
    for step in path.split('.').filter(|s| !s.is_empty()) {
        let resolved = resolve(types, &ty).clone();
        match resolved.head() {
            Some("record") => {
                let r = record_layout(types, &resolved);
                let f =
                    r.fields.into_iter().find(|f| f.name == step).unwrap_or_else(|| panic!("{path}: no field {step}"));
                offset += f.offset;
                ty = f.ty;
            }
            Some("union") => {
                let u = union_layout(types, &resolved);
                if step == "tag" {
                    return (offset, u.tag_size);
                }
                let cases = member_names(&types[&u.tag_enum]).iter().position(|c| *c == step);
                let case = cases.unwrap_or_else(|| panic!("{path}: ${} has no value {step}", u.tag_enum));
                offset += u.payload_offset;
                ty = u.variants[case].clone();
            }
            other => panic!("{path}: cannot step into {other:?} with {step}"),
        }
    }
    (offset, size_align(types, &ty).0)
}

#[test]
fn layout_rules_are_the_witx_ones() {
    // A hand-checked sample, so that a mistake in the rules above cannot hide one in ours.
    let t = typenames();
    assert_eq!(size_align(&t, &t["iovec"]), (8, 4));
    assert_eq!(size_align(&t, &t["subscription_clock"]), (32, 8));
    assert_eq!(size_align(&t, &t["subscription_u"]), (40, 8));
    assert_eq!(size_align(&t, &t["prestat"]), (8, 4));
    assert_eq!(locate(&t, &t["subscription"], "u.clock.flags"), (8 + 8 + 24, 2));
    assert_eq!(locate(&t, &t["event"], "fd_readwrite.flags"), (24, 2));
}

// ---------------------------------------------------------------------------------------------
// errno
// ---------------------------------------------------------------------------------------------

#[test]
fn errnos_match_witx() {
    let t = typenames();
    let form = &t["errno"];
    assert_eq!(form.head(), Some("enum"), "errno is an enum");
    assert_eq!(repr_width(&t, form), size_of::<Errno>(), "errno: tag width");
    assert_eq!(repr_width(&t, form), size_of::<u16>(), "errno: tag width vs Errno::raw");
    let witx = members(form);
    assert_eq!(witx.len(), 77, "errno: witx count");
    assert_eq!(Errno::ALL.len(), witx.len(), "errno: Errno::ALL has {} codes, witx {}", Errno::ALL.len(), witx.len());
    for (code, member) in witx.iter().enumerate() {
        let name = member.id().unwrap();
        let ours = Errno::ALL[code];
        assert_eq!(usize::from(ours.raw()), code, "errno ${name}: Errno::ALL[{code}] has code {}", ours.raw());
        assert_eq!(ours.name(), name, "errno code {code}: name");
        assert_eq!(ours.message(), member.doc(), "errno ${name}: message() is the witx doc comment");
    }
    assert_eq!(Errno::SUCCESS.raw(), 0, "errno $success is 0");
}

#[test]
fn errno_messages_are_sentences() {
    for e in Errno::ALL {
        let msg = e.message();
        assert!(!msg.trim().is_empty(), "errno {}: empty message", e.name());
        assert!(msg.ends_with('.'), "errno {}: message {msg:?} does not end with '.'", e.name());
    }
}

// ---------------------------------------------------------------------------------------------
// flags
// ---------------------------------------------------------------------------------------------

fn check_flags<F: Flags>(types: &Types, name: &str)
where
    F::Bits: Into<u64>,
{
    let form = types.get(name).unwrap_or_else(|| panic!("no typename ${name}"));
    assert_eq!(form.head(), Some("flags"), "${name} is a flags type");
    assert_eq!(repr_width(types, form), size_of::<F::Bits>(), "{name}: repr width vs our bits type");
    let witx = member_names(form);
    let ours: Vec<&str> = F::FLAGS.iter().map(|f| f.name()).collect();
    assert_eq!(ours.len(), witx.len(), "{name}: flag count (ours {ours:?}, witx {witx:?})");
    for (bit, (flag, witx_name)) in F::FLAGS.iter().zip(&witx).enumerate() {
        assert!(
            flag.name().eq_ignore_ascii_case(witx_name),
            "{name}: bit {bit} is ${witx_name} in the witx, {} in ours",
            flag.name()
        );
        let value: u64 = flag.value().bits().into();
        assert_eq!(value, 1u64 << bit, "{name}::{} must be bit {bit} (1 << {bit}), is {value:#x}", flag.name());
    }
    let all: u64 = F::all().bits().into();
    assert_eq!(all, (1u128 << witx.len()) as u64 - 1, "{name}: all() covers exactly the witx bits");
}

#[test]
fn flags_match_witx() {
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
    let checked = [
        "rights",
        "fdflags",
        "fstflags",
        "lookupflags",
        "oflags",
        "eventrwflags",
        "subclockflags",
        "riflags",
        "roflags",
        "sdflags",
    ];
    let checked: BTreeSet<String> = checked.iter().map(|s| s.to_string()).collect();
    assert_eq!(types_of_kind(&t, "flags"), checked, "every flags type of the witx is checked");
    // siflags is a plain u16 in preview1 (no flags defined).
    let siflags = resolve(&t, &t["siflags"]).atom().and_then(prim_width);
    assert_eq!(siflags, Some(size_of::<Siflags>()), "siflags: width");
}

// ---------------------------------------------------------------------------------------------
// enums
// ---------------------------------------------------------------------------------------------

/// Checks an enum's names, tags, tag width and fallible decoding against the witx.
macro_rules! check_enum {
    ($types:expr, $name:literal, $ty:ty, $repr:ty) => {{
        let name = $name;
        let form = $types.get(name).unwrap_or_else(|| panic!("no typename ${name}"));
        assert_eq!(form.head(), Some("enum"), "${name} is an enum");
        let width = repr_width($types, form);
        assert_eq!(width, size_of::<$ty>(), "{name}: tag width vs size_of our enum");
        assert_eq!(width, size_of::<$repr>(), "{name}: tag width vs raw()");
        let witx = member_names(form);
        let ours: Vec<&str> = <$ty>::VARIANTS.iter().map(|v| v.1).collect();
        assert_eq!(ours, witx, "{name}: variant names in tag order");
        for (tag, (variant, vname)) in <$ty>::VARIANTS.iter().enumerate() {
            assert_eq!(variant.raw() as usize, tag, "{name}::{vname}: tag");
            assert_eq!(<$ty>::try_from(tag as $repr), Ok(*variant), "{name}: decoding tag {tag}");
        }
        let past = witx.len() as $repr;
        assert_eq!(<$ty>::try_from(past), Err(Errno::INVAL), "{name}: tag {past} past the witx decodes to EINVAL");
        name.to_string()
    }};
}

#[test]
fn enums_match_witx() {
    let t = typenames();
    let checked: BTreeSet<String> = [
        check_enum!(&t, "clockid", Clockid, u32),
        check_enum!(&t, "whence", Whence, u8),
        check_enum!(&t, "filetype", Filetype, u8),
        check_enum!(&t, "advice", Advice, u8),
        check_enum!(&t, "eventtype", Eventtype, u8),
        check_enum!(&t, "signal", Signal, u8),
        check_enum!(&t, "preopentype", Preopentype, u8),
        "errno".to_string(), // errnos_match_witx
    ]
    .into();
    assert_eq!(types_of_kind(&t, "enum"), checked, "every enum of the witx is checked");
}

// ---------------------------------------------------------------------------------------------
// records and unions
// ---------------------------------------------------------------------------------------------

fn check_layout<L: Layout>(types: &Types, name: &str) {
    let r = record_layout(types, resolve(types, &types[name]));
    assert_eq!(L::SIZE, r.size, "{name}: size");
    assert_eq!(L::ALIGN, r.align, "{name}: alignment");
    let witx: Vec<(&str, usize)> = r.fields.iter().map(|f| (f.name.as_str(), f.offset)).collect();
    assert_eq!(L::FIELDS, witx.as_slice(), "{name}: fields (name, offset) in order");
}

#[test]
fn record_layouts_match_witx() {
    let t = typenames();
    check_layout::<Iovec>(&t, "iovec");
    check_layout::<Iovec>(&t, "ciovec");
    check_layout::<Dirent>(&t, "dirent");
    check_layout::<Fdstat>(&t, "fdstat");
    check_layout::<Filestat>(&t, "filestat");
    check_layout::<Event>(&t, "event");
    check_layout::<Subscription>(&t, "subscription");

    let u = union_layout(&t, &t["subscription_u"]);
    assert_eq!(SUBSCRIPTION_U_PAYLOAD, u.payload_offset, "subscription_u: payload offset");
    assert_eq!(u.tag_enum, "eventtype", "subscription_u: tag type");

    // prestat is a union: our FIELDS name its tag "tag" and the prestat_dir payload's field.
    let p = union_layout(&t, &t["prestat"]);
    assert_eq!(Prestat::SIZE, p.size, "prestat: size");
    assert_eq!(Prestat::ALIGN, p.align, "prestat: alignment");
    let witx =
        [("tag", locate(&t, &t["prestat"], "tag").0), ("pr_name_len", locate(&t, &t["prestat"], "dir.pr_name_len").0)];
    assert_eq!(Prestat::FIELDS, witx.as_slice(), "prestat: fields (name, offset)");

    // Records reached only through the ones above are checked byte for byte by
    // `encodings_use_witx_offsets`; a new record or union in the witx must be added here.
    let nested = ["event_fd_readwrite", "subscription_clock", "subscription_fd_readwrite", "prestat_dir"];
    let records: BTreeSet<String> = ["iovec", "ciovec", "dirent", "fdstat", "filestat", "event", "subscription"]
        .iter()
        .chain(&nested)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(types_of_kind(&t, "record"), records, "every record of the witx is checked");
    let unions: BTreeSet<String> = ["prestat", "subscription_u"].iter().map(|s| s.to_string()).collect();
    assert_eq!(types_of_kind(&t, "union"), unions, "every union of the witx is checked");
}

/// The expected guest bytes of a value of witx type `ty`: zero, with each field written
/// little-endian at its witx offset.
struct Image<'t> {
    types: &'t Types,
    ty: &'static str,
    bytes: Vec<u8>,
}

impl<'t> Image<'t> {
    fn new(types: &'t Types, ty: &'static str) -> Self {
        Image { types, ty, bytes: vec![0; size_align(types, &types[ty]).0] }
    }
    fn set(mut self, path: &str, le: &[u8]) -> Self {
        let (at, size) = locate(self.types, &self.types[self.ty], path);
        assert_eq!(size, le.len(), "{}.{path}: witx size {size}, our value has {} bytes", self.ty, le.len());
        assert!(self.bytes[at..at + size].iter().all(|b| *b == 0), "{}.{path}: overlaps another field", self.ty);
        self.bytes[at..at + size].copy_from_slice(le);
        self
    }
    /// Writes the tag of the union at `union_path` ("" for the type itself) as `case`'s
    /// index in the tag enum of the witx.
    fn tag(self, union_path: &str, case: &str) -> Self {
        let union = locate_type(self.types, self.ty, union_path);
        let u = union_layout(self.types, resolve(self.types, &union));
        let index = member_names(&self.types[&u.tag_enum])
            .iter()
            .position(|c| *c == case)
            .unwrap_or_else(|| panic!("${} has no {case}", u.tag_enum));
        let le = (index as u64).to_le_bytes();
        let path = if union_path.is_empty() { "tag".to_string() } else { format!("{union_path}.tag") };
        self.set(&path, &le[..u.tag_size])
    }
    fn array<const N: usize>(&self) -> [u8; N] {
        self.bytes
            .as_slice()
            .try_into()
            .unwrap_or_else(|_| panic!("{}: witx size {}, ours {N}", self.ty, self.bytes.len()))
    }
}

/// The type at a path of record fields (no union steps).
fn locate_type(types: &Types, ty: &str, path: &str) -> Sx {
    let mut t = types[ty].clone();
    for step in path.split('.').filter(|s| !s.is_empty()) {
        let r = record_layout(types, resolve(types, &t));
        t = r.fields.into_iter().find(|f| f.name == step).unwrap_or_else(|| panic!("{ty}.{path}: no field {step}")).ty;
    }
    t
}

#[test]
fn encodings_use_witx_offsets() {
    let t = &typenames();

    for ty in ["iovec", "ciovec"] {
        let v = Iovec { buf: 0x1122_3344, buf_len: 0x5566_7788 };
        let img = Image::new(t, ty).set("buf", &v.buf.to_le_bytes()).set("buf_len", &v.buf_len.to_le_bytes());
        assert_eq!(v.encode(), img.array(), "{ty}: encode");
        assert_eq!(Iovec::decode(&img.array()), v, "{ty}: decode");
    }

    let v = Dirent {
        d_next: 0x0102_0304_0506_0708,
        d_ino: 0x1112_1314_1516_1718,
        d_namlen: 0x2122_2324,
        d_type: Filetype::SymbolicLink,
    };
    let img = Image::new(t, "dirent")
        .set("d_next", &v.d_next.to_le_bytes())
        .set("d_ino", &v.d_ino.to_le_bytes())
        .set("d_namlen", &v.d_namlen.to_le_bytes())
        .set("d_type", &v.d_type.raw().to_le_bytes());
    assert_eq!(v.encode(), img.array(), "dirent: encode");
    assert_eq!(Dirent::decode(&img.array()), Ok(v), "dirent: decode");

    let v = Fdstat {
        fs_filetype: Filetype::Directory,
        fs_flags: Fdflags::APPEND | Fdflags::NONBLOCK | Fdflags::SYNC,
        fs_rights_base: Rights::from_bits_retain(0x0102_0304_0506_0708),
        fs_rights_inheriting: Rights::from_bits_retain(0x1112_1314_1516_1718),
    };
    let img = Image::new(t, "fdstat")
        .set("fs_filetype", &v.fs_filetype.raw().to_le_bytes())
        .set("fs_flags", &v.fs_flags.bits().to_le_bytes())
        .set("fs_rights_base", &v.fs_rights_base.bits().to_le_bytes())
        .set("fs_rights_inheriting", &v.fs_rights_inheriting.bits().to_le_bytes());
    assert_eq!(v.encode(), img.array(), "fdstat: encode");
    assert_eq!(Fdstat::decode(&img.array()), Ok(v), "fdstat: decode");

    let v = Filestat {
        dev: 0x0101,
        ino: 0x0202,
        filetype: Filetype::CharacterDevice,
        nlink: 0x0303,
        size: 0x0404,
        atim: 0x0505,
        mtim: 0x0606,
        ctim: 0x0707_0000_0000_0007,
    };
    let img = Image::new(t, "filestat")
        .set("dev", &v.dev.to_le_bytes())
        .set("ino", &v.ino.to_le_bytes())
        .set("filetype", &v.filetype.raw().to_le_bytes())
        .set("nlink", &v.nlink.to_le_bytes())
        .set("size", &v.size.to_le_bytes())
        .set("atim", &v.atim.to_le_bytes())
        .set("mtim", &v.mtim.to_le_bytes())
        .set("ctim", &v.ctim.to_le_bytes());
    assert_eq!(v.encode(), img.array(), "filestat: encode");
    assert_eq!(Filestat::decode(&img.array()), Ok(v), "filestat: decode");

    let v = Event {
        userdata: 0x0102_0304_0506_0708,
        error: Errno(76),
        ty: Eventtype::FdWrite,
        nbytes: 0x1112_1314_1516_1718,
        flags: Eventrwflags::FD_READWRITE_HANGUP,
    };
    let img = Image::new(t, "event")
        .set("userdata", &v.userdata.to_le_bytes())
        .set("error", &v.error.raw().to_le_bytes())
        .set("type", &v.ty.raw().to_le_bytes())
        .set("fd_readwrite.nbytes", &v.nbytes.to_le_bytes())
        .set("fd_readwrite.flags", &v.flags.bits().to_le_bytes());
    assert_eq!(v.encode(), img.array(), "event: encode");
    assert_eq!(Event::decode(&img.array()), Ok(v), "event: decode");

    let clock = SubscriptionClock {
        id: Clockid::ThreadCputimeId,
        timeout: 0x1112_1314_1516_1718,
        precision: 0x2122_2324_2526_2728,
        flags: Subclockflags::SUBSCRIPTION_CLOCK_ABSTIME,
    };
    let v = Subscription { userdata: 0x0102_0304_0506_0708, u: SubscriptionU::Clock(clock) };
    let img = Image::new(t, "subscription")
        .set("userdata", &v.userdata.to_le_bytes())
        .tag("u", "clock")
        .set("u.clock.id", &clock.id.raw().to_le_bytes())
        .set("u.clock.timeout", &clock.timeout.to_le_bytes())
        .set("u.clock.precision", &clock.precision.to_le_bytes())
        .set("u.clock.flags", &clock.flags.bits().to_le_bytes());
    assert_eq!(v.encode(), img.array(), "subscription (clock): encode");
    assert_eq!(Subscription::decode(&img.array()), Ok(v), "subscription (clock): decode");

    for (case, u) in
        [("fd_read", SubscriptionU::FdRead(0x3132_3334)), ("fd_write", SubscriptionU::FdWrite(0x4142_4344))]
    {
        let (SubscriptionU::FdRead(fd) | SubscriptionU::FdWrite(fd)) = u else { unreachable!() };
        let v = Subscription { userdata: 0x0a0b, u };
        let img = Image::new(t, "subscription")
            .set("userdata", &v.userdata.to_le_bytes())
            .tag("u", case)
            .set(&format!("u.{case}.file_descriptor"), &fd.to_le_bytes());
        assert_eq!(v.encode(), img.array(), "subscription ({case}): encode");
        assert_eq!(Subscription::decode(&img.array()), Ok(v), "subscription ({case}): decode");
    }

    let v = Prestat { pr_name_len: 0x0102_0304 };
    let img = Image::new(t, "prestat").tag("", "dir").set("dir.pr_name_len", &v.pr_name_len.to_le_bytes());
    assert_eq!(v.encode(), img.array(), "prestat: encode");
    assert_eq!(Prestat::decode(&img.array()), Ok(v), "prestat: decode");
}

// ---------------------------------------------------------------------------------------------
// functions
// ---------------------------------------------------------------------------------------------

/// Lowers a witx parameter type to core wasm value types the preview1 way: strings and
/// lists are a pointer and a length, pointers and handles an `i32`, and integers (aliases,
/// enums and flags by their repr) an `i64` if they are 64 bits wide, else an `i32`.
fn lower(types: &Types, ty: &Sx, what: &str) -> Vec<ValType> {
    let ty = resolve(types, ty);
    let int = |width: usize| if width == 8 { ValType::I64 } else { ValType::I32 };
    match ty.atom() {
        Some("string") => return vec![ValType::I32, ValType::I32],
        Some(prim) if prim.starts_with('u') || prim.starts_with('s') || prim == "char8" => {
            return vec![int(prim_width(prim).unwrap_or_else(|| panic!("{what}: unknown type {prim}")))];
        }
        Some(other) => panic!("{what}: cannot lower {other}"),
        None => {}
    }
    match ty.head() {
        Some("list") => vec![ValType::I32, ValType::I32],
        Some("@witx") | Some("handle") => vec![ValType::I32],
        Some("enum" | "flags") => vec![int(repr_width(types, ty))],
        other => panic!("{what}: a {other:?} is not passed by value in preview1"),
    }
}

/// A function of the witx, lowered.
#[derive(Debug)]
struct Lowered {
    name: String,
    params: Vec<ValType>,
    returns_errno: bool,
}

fn lower_function(types: &Types, form: &Sx) -> Lowered {
    let items = form.items();
    let name = match items.get(1..3) {
        Some([func, export]) if func.atom() == Some("func") && export.head() == Some("export") => export
            .items()
            .get(1)
            .and_then(Sx::str)
            .unwrap_or_else(|| panic!("export without a name: {export:?}"))
            .to_string(),
        _ => panic!("malformed @interface: {form:?}"),
    };
    let mut params = Vec::new();
    let mut results = 0;
    let mut noreturn = false;
    for part in &items[3..] {
        match part.head() {
            Some("param") => {
                let [_, pname, ty] = part.items() else { panic!("{name}: malformed param {part:?}") };
                assert_eq!(results, 0, "{name}: param after result");
                params.extend(lower(types, ty, &format!("{name}({})", pname.id().unwrap_or("?"))));
            }
            Some("result") => {
                results += 1;
                let [_, _, expected] = part.items() else { panic!("{name}: malformed result {part:?}") };
                assert_eq!(expected.head(), Some("expected"), "{name}: result is (expected ...)");
                let e = expected.items();
                let error = e.last().unwrap();
                assert!(
                    error.head() == Some("error") && error.items().get(1).and_then(Sx::id) == Some("errno"),
                    "{name}: the error type is $errno, not {error:?}"
                );
                // (expected T (error $errno)): the errno is the return value and T is written
                // through an out-pointer appended to the params; a tuple has one per element
                // (args_sizes_get(argc, argv_buf_size), sock_recv(..., ro_datalen, ro_flags)).
                match &e[1..e.len() - 1] {
                    [] => {}
                    [ok] if ok.head() == Some("tuple") => params.extend(ok.items()[1..].iter().map(|_| ValType::I32)),
                    [_] => params.push(ValType::I32),
                    more => panic!("{name}: malformed expected {more:?}"),
                }
            }
            Some("@witx") if part.items().get(1).and_then(Sx::atom) == Some("noreturn") => noreturn = true,
            other => panic!("{name}: unexpected {other:?} in a function"),
        }
    }
    assert!(results <= 1, "{name}: more than one result");
    assert!(noreturn != (results == 1), "{name}: either (@witx noreturn) or one result, not both or neither");
    Lowered { name, params, returns_errno: results == 1 }
}

fn witx_functions() -> Vec<Lowered> {
    let types = typenames();
    let forms = read(PREVIEW1);
    let modules: Vec<&Sx> = forms.iter().filter(|f| f.head() == Some("module")).collect();
    let [module] = modules.as_slice() else { panic!("{PREVIEW1}: expected one module, found {}", modules.len()) };
    assert_eq!(module.items().get(1).and_then(Sx::id), Some(MODULE), "module name vs wasi_abi::MODULE");
    module.items().iter().filter(|f| f.head() == Some("@interface")).map(|f| lower_function(&types, f)).collect()
}

#[test]
fn functions_match_witx() {
    let witx = witx_functions();
    let witx_names: Vec<&str> = witx.iter().map(|f| f.name.as_str()).collect();
    let our_names: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
    assert_eq!(witx.len(), 46, "witx function count");
    for (i, (ours, w)) in our_names.iter().zip(&witx_names).enumerate() {
        assert_eq!(ours, w, "FUNCTIONS[{i}] is {ours}, the witx has {w} there (missing, extra or out of order)");
    }
    assert_eq!(our_names, witx_names, "FUNCTIONS: names in witx order");
    for (w, ours) in witx.iter().zip(FUNCTIONS) {
        let name = &w.name;
        assert_eq!(ours.params, w.params.as_slice(), "{name}: lowered params");
        assert_eq!(
            ours.param_names.len(),
            w.params.len(),
            "{name}: one param name per param (ours {:?})",
            ours.param_names
        );
        assert_eq!(ours.returns_errno, w.returns_errno, "{name}: returns an errno");
    }
    assert_eq!(FUNCTIONS.len(), 46, "FUNCTIONS count");
}

#[test]
fn lowering_samples() {
    // Hand-checked signatures, so that a mistake in `lower` cannot hide one in FUNCTIONS.
    use ValType::{I32, I64};
    let witx = witx_functions();
    let get = |n: &str| witx.iter().find(|f| f.name == n).unwrap_or_else(|| panic!("no {n}"));
    assert_eq!(get("args_sizes_get").params, [I32, I32]);
    assert_eq!(get("fd_seek").params, [I32, I64, I32, I32]);
    assert_eq!(get("path_open").params, [I32, I32, I32, I32, I32, I64, I64, I32, I32]);
    assert_eq!(get("sock_recv").params, [I32, I32, I32, I32, I32, I32]);
    assert!(get("proc_exit").params == [I32] && !get("proc_exit").returns_errno);
    assert!(get("sched_yield").params.is_empty() && get("sched_yield").returns_errno);
}
