//! Prints `RtVideo.Consts` for the package build as one JSON object:
//! `{"js": "<object literal>", "dts": "<TypeScript type literal>",
//! "errorCodes": "<TypeScript union of the error codes>", "links": {dev, test,
//! push, exe}}` (the last for pkg-template/early.js).
//!
//! Run by `scripts/build.mjs` (`cargo run -q -p rtv-core --example gen_consts`).
//! The JavaScript literal is `rtv_core::consts::consts_js()` verbatim; the
//! TypeScript type is derived from that same text line by line, so the two
//! cannot disagree, and both are checked against the tables (`EventType::ALL`,
//! `State::ALL`, `MsgType::ALL`) so that a table entry missing from the
//! literal stops the build instead of shipping a wrong package.

use rtv_core::config::{DEFAULT_EXE_URL, DEV_BASE, PUSH_PATH, TEST_BASE};
use rtv_core::consts::consts_js;
use rtv_core::error::ErrorCode;
use rtv_core::{EventType, MsgType, State};

/// One `NAME: value` entry of a table in the literal.
#[derive(Debug, PartialEq)]
struct Entry {
    table: String,
    name: String,
    value: String,
}

/// Turns the object literal of `consts_js()` into a type literal with
/// `readonly` members and literal value types, collecting the entries.
///
/// The literal has a fixed shape (one table per block, one entry per line);
/// any other line is a change of that shape this generator must learn about,
/// so it panics rather than guess.
fn to_dts(js: &str) -> (String, Vec<Entry>) {
    let mut dts = String::new();
    let mut entries = Vec::new();
    let mut table: Option<String> = None;
    for line in js.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let body = line.trim();
        let out = match body {
            "{" | "}" => body.to_string(),
            "}," | "};" => {
                table = None;
                "};".to_string()
            }
            _ if body.ends_with(": {") => {
                let name = body.trim_end_matches(": {");
                assert!(is_ident(name), "gen_consts: unexpected table line {line:?}");
                table = Some(name.to_string());
                format!("readonly {name}: {{")
            }
            _ => {
                let (name, value) = body
                    .trim_end_matches(',')
                    .split_once(": ")
                    .unwrap_or_else(|| panic!("gen_consts: unexpected line {line:?}"));
                assert!(
                    is_ident(name) && is_literal(value),
                    "gen_consts: unexpected entry {line:?}"
                );
                let t = table
                    .clone()
                    .unwrap_or_else(|| panic!("gen_consts: entry outside a table {line:?}"));
                entries.push(Entry {
                    table: t,
                    name: name.to_string(),
                    value: value.to_string(),
                });
                format!("readonly {name}: {value};")
            }
        };
        dts.push_str(indent);
        dts.push_str(&out);
        dts.push('\n');
    }
    (dts.trim_end().to_string(), entries)
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// A single-quoted string without escapes, or an integer.
fn is_literal(s: &str) -> bool {
    let quoted = s.len() >= 2
        && s.starts_with('\'')
        && s.ends_with('\'')
        && !s[1..s.len() - 1].contains(['\'', '\\']);
    quoted || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
}

/// Every table entry must be in the literal with its value.
fn check_against_tables(entries: &[Entry]) {
    let has = |table: &str, name: &str, value: String| {
        let found = entries
            .iter()
            .any(|e| e.table == table && e.name == name && e.value == value);
        assert!(
            found,
            "gen_consts: {table}.{name} = {value} missing from consts_js()"
        );
    };
    for e in EventType::ALL {
        has("VideoEventType", e.as_str(), format!("'{}'", e.as_str()));
    }
    for s in State::ALL {
        has(
            "ServiceFsmState",
            s.const_name(),
            format!("'{}'", s.as_str()),
        );
    }
    for (name, m) in MsgType::ALL {
        has("VideoControlCode", name, m.0.to_string());
    }
    // SPEC §2: the original docs also call EXE_EVENT `EXE_ERROR`.
    has("VideoEventType", "EXE_ERROR", "'EXE_EVENT'".to_string());
}

fn main() {
    let js = consts_js();
    let (dts, entries) = to_dts(&js);
    check_against_tables(&entries);
    let error_codes: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| format!("\n  | '{}'", c.as_str()))
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "js": js,
            "dts": dts,
            "errorCodes": error_codes.concat(),
            // What the script-tag loader needs to open the links before the
            // wasm is ready (pkg-template/early.js); the core checks its guess.
            "links": {
                "dev": DEV_BASE,
                "test": TEST_BASE,
                "push": PUSH_PATH,
                "exe": DEFAULT_EXE_URL,
            },
        })
    );
}
