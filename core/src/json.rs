//! A small JSON value, parser and writer.
//!
//! The SDK needs JSON for push messages, EXE frames and HTTP envelopes. A
//! hand-written codec keeps the wasm small (serde_json costs ~26 KB gzip) and
//! lets us bound nesting depth, so hostile input can neither overflow the stack
//! nor make the parser allocate without limit.

use std::fmt::{self, Write as _};

/// Deepest nesting the parser accepts; deeper input is a parse error.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON value. Objects keep their key order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Any number (JSON numbers are doubles in JS too).
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in source order.
    Obj(Vec<(String, Json)>),
}

/// Why a text is not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem.
    pub at: usize,
    /// What was wrong.
    pub what: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

impl Json {
    /// Parses a complete JSON text (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Json, ParseError> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("trailing characters"));
        }
        Ok(v)
    }

    /// Builds an object from pairs.
    pub fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Obj(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    /// Member `key` of an object, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as an exact integer, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(*n as i64),
            _ => None,
        }
    }

    /// True for objects.
    pub fn is_obj(&self) -> bool {
        matches!(self, Json::Obj(_))
    }

    /// Sets `key` on an object (replacing an existing member); no-op otherwise.
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Obj(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => m.push((key.to_string(), value)),
            }
        }
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Num(n) if n.is_finite() => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    write!(f, "{}", *n as i64)
                } else {
                    write!(f, "{}", crate::float_fmt::Num(*n))
                }
            }
            Json::Num(_) => f.write_str("null"),
            Json::Str(s) => write_str(f, s),
            Json::Arr(a) => {
                f.write_char('[')?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
            Json::Obj(m) => {
                f.write_char('{')?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_str(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_char('}')
            }
        }
    }
}

fn write_str(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            // By hand rather than `{:04x}`: keeps the hex formatter out of the wasm.
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                f.write_str("\\u00")?;
                f.write_char(HEX[n >> 4] as char)?;
                f.write_char(HEX[n & 15] as char)?;
            }
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Duplicate keys as `JSON.parse` treats them: the member stays where the key
/// first appeared, with the value of its last occurrence. O(n log n): a
/// sorted index finds the duplicates, so an object with 80,000 keys (under
/// the 1 MiB frame limit) parses in milliseconds, not seconds.
fn dedup_keys(m: &mut Vec<(String, Json)>) {
    if m.len() < 2 {
        return;
    }
    if m.len() <= 16 {
        // Small objects (every push and reply): pairwise is cheaper than sorting.
        let mut i = 1;
        while i < m.len() {
            match m[..i].iter().position(|(k, _)| *k == m[i].0) {
                Some(first) => {
                    let (_, v) = m.remove(i);
                    m[first].1 = v;
                }
                None => i += 1,
            }
        }
        return;
    }
    let mut order: Vec<usize> = (0..m.len()).collect();
    // Equal keys stay in source order (the index breaks ties); unstable
    // sorting is the smaller code in the wasm.
    order.sort_unstable_by(|&a, &b| m[a].0.cmp(&m[b].0).then(a.cmp(&b)));
    let mut drop = vec![false; m.len()];
    let mut any = false;
    let mut g = 0;
    while g < order.len() {
        let mut e = g + 1;
        while e < order.len() && m[order[e]].0 == m[order[g]].0 {
            e += 1;
        }
        if e - g > 1 {
            any = true;
            let (first, last) = (order[g], order[e - 1]);
            let v = std::mem::replace(&mut m[last].1, Json::Null);
            m[first].1 = v;
            for &i in &order[g + 1..e] {
                drop[i] = true;
            }
        }
        g = e;
    }
    if any {
        let mut i = 0;
        m.retain(|_| {
            let keep = !drop[i];
            i += 1;
            keep
        });
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn err(&self, what: &'static str) -> ParseError {
        ParseError { at: self.i, what }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Result<(), ParseError> {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        self.ws();
        match self.s.get(self.i) {
            None => Err(self.err("unexpected end")),
            Some(b'n') => self.eat("null").map(|_| Json::Null),
            Some(b't') => self.eat("true").map(|_| Json::Bool(true)),
            Some(b'f') => self.eat("false").map(|_| Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Arr(a));
                }
                loop {
                    a.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(a));
                        }
                        _ => return Err(self.err("expected , or ]")),
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut m: Vec<(String, Json)> = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(m));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return Err(self.err("expected key"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return Err(self.err("expected :"));
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    m.push((k, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            dedup_keys(&mut m);
                            return Ok(Json::Obj(m));
                        }
                        _ => return Err(self.err("expected , or }")),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let d = p.i;
            while let Some(b'0'..=b'9') = p.s.get(p.i) {
                p.i += 1;
            }
            p.i > d
        };
        if self.s.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if !digits(self) {
            return Err(self.err("bad number"));
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err(self.err("bad number"));
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(self.err("bad number"));
            }
        }
        // The slice has the grammar checked above, so this succeeds.
        crate::float_parse::parse(&self.s[start..self.i])
            .map(Json::Num)
            .ok_or_else(|| self.err("bad number"))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("bad escape"))?;
        let h = std::str::from_utf8(h).map_err(|_| self.err("bad escape"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| self.err("bad escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // Input came from &str and we stop only at ASCII bytes: valid UTF-8.
            out.push_str(
                std::str::from_utf8(&self.s[start..self.i]).map_err(|_| self.err("bad utf-8"))?,
            );
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let e = *self.s.get(self.i).ok_or_else(|| self.err("bad escape"))?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let mut c = self.hex4()?;
                            if (0xD800..0xDC00).contains(&c) && self.s[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                                } else {
                                    self.i = save;
                                }
                            }
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(self.err("bad escape")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for t in [
            r#"{"a":1,"b":[true,false,null],"c":"x\"y\\z\n","d":-1.5,"e":{}}"#,
            r#"[]"#,
            r#""中文""#,
            r#"{"msgType":50200,"sid":"S-1","data":{"customer":{"name":"张三"}}}"#,
        ] {
            let v = Json::parse(t).unwrap();
            assert_eq!(v.to_string(), t);
        }
    }

    /// What `JSON.parse` does with duplicate keys, the slow obvious way.
    fn reference(pairs: &[(String, f64)]) -> Vec<(String, Json)> {
        let mut m: Vec<(String, Json)> = Vec::new();
        for (k, v) in pairs {
            match m.iter_mut().find(|(key, _)| key == k) {
                Some(slot) => slot.1 = Json::Num(*v),
                None => m.push((k.clone(), Json::Num(*v))),
            }
        }
        m
    }

    #[test]
    fn duplicate_keys_keep_the_first_place_and_the_last_value() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        // Sizes on both sides of the small-object path, few and many distinct keys.
        for len in [2usize, 5, 16, 17, 40, 300, 2_000] {
            for distinct in [1u64, 3, 50, 10_000] {
                let pairs: Vec<(String, f64)> = (0..len)
                    .map(|i| (format!("k{}", next(distinct)), i as f64))
                    .collect();
                let text = format!(
                    "{{{}}}",
                    pairs
                        .iter()
                        .map(|(k, v)| format!("\"{k}\":{v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                assert_eq!(
                    Json::parse(&text).unwrap(),
                    Json::Obj(reference(&pairs)),
                    "len {len}, distinct {distinct}"
                );
            }
        }
    }

    #[test]
    fn rejects_bad_text() {
        for t in [
            "",
            "{",
            "{\"a\"}",
            "[1,]",
            "01",
            "tru",
            "\"\\x\"",
            "{} x",
            "1e",
            "-",
            "\"\u{1}\"",
        ] {
            assert!(Json::parse(t).is_err(), "{t:?} should fail");
        }
    }

    #[test]
    fn bounds_depth() {
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert_eq!(Json::parse(&deep).unwrap_err().what, "nested too deeply");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&ok).is_ok());
    }

    #[test]
    fn surrogate_pairs_and_escapes() {
        assert_eq!(
            Json::parse(r#""\ud83d\ude00\u4e2d""#).unwrap(),
            Json::str("😀中")
        );
        assert_eq!(Json::str("\u{1}").to_string(), r#""\u0001""#);
    }
}
