//! A trace of one instance: the core's inputs with their times, enough to run
//! the same core again and get the same outputs (`examples/replay.rs`). The
//! core is deterministic (sans-IO, seeded jitter), so its inputs are a
//! complete record of what the SDK saw.
//!
//! Schema `rtv-trace/1` (docs/TRACE.md):
//! `{"schema", "sdk", "seed", "start", "options", "snapshot", "dropped",
//!   "entries": [{"t", "in": {"k": kind, ...}} | {"t", "timer": true}]}`
//! `t` is the page's monotonic clock (ms) minus `start`. Secrets never enter
//! a trace: the token is replaced by `***` in the options (the replay makes no
//! requests), and customers' personal data in pushes and replies is masked
//! unless the options keep it (`logPersonalData`).

use std::collections::VecDeque;

use crate::json::Json;
use crate::methods::Method;
use crate::{HttpOutcome, Input, Millis};

/// Current schema name.
pub const SCHEMA: &str = "rtv-trace/1";
/// Most entries kept (the oldest are dropped first, counted in `dropped`).
pub const MAX_ENTRIES: usize = 5_000;
/// Most text kept, in bytes: like the log ring, about 1 MB.
pub const MAX_CHARS: usize = 1_000_000;
/// A push, EXE frame or reply body longer than this is kept by its length
/// only (`elided`): one hostile 1 MiB frame must not fill the trace, nor keep
/// wasm memory.
pub const MAX_TEXT: usize = 65_536;

/// One recorded step.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `handle_input(t, input)`.
    Input(Input),
    /// `handle_timeout(t)`.
    Timer,
    /// An input whose text was over [`MAX_TEXT`]: its kind and length only.
    Elided {
        /// The input kind (`push`, `exe`, `http`).
        kind: &'static str,
        /// Its text length in bytes.
        len: usize,
    },
}

/// `step`, or its elided form when its text is over [`MAX_TEXT`].
fn bounded(step: &Step) -> Step {
    let long = |t: &str| t.len() > MAX_TEXT;
    match step {
        Step::Input(Input::PushMessage { data, .. }) if long(data) => Step::Elided {
            kind: "push",
            len: data.len(),
        },
        Step::Input(Input::ExeText(t)) if long(t) => Step::Elided {
            kind: "exe",
            len: t.len(),
        },
        Step::Input(Input::Http {
            outcome: HttpOutcome::Response { body, .. },
            ..
        }) if long(body) => Step::Elided {
            kind: "http",
            len: body.len(),
        },
        other => other.clone(),
    }
}

/// The bounded record of one instance. Recording only clones the input (no
/// formatting on the hot path); the document is built on export.
#[derive(Debug)]
pub struct Trace {
    header: Json,
    entries: VecDeque<(Millis, Step, usize)>,
    chars: usize,
    dropped: usize,
    start: Millis,
    keep_personal: bool,
}

/// About how much text a step takes in the document.
fn size_of(step: &Step) -> usize {
    let text = match step {
        Step::Input(Input::PushMessage { data, .. }) => data.len(),
        Step::Input(Input::ExeText(t)) => t.len(),
        Step::Input(Input::Http {
            outcome: HttpOutcome::Response { body, .. },
            ..
        }) => body.len(),
        _ => 0,
    };
    text + 48
}

impl Trace {
    /// A trace of an instance created at `start` with `seed`; `options` are the
    /// page's options (the token is redacted here), `snapshot` what it adopted.
    pub fn new(
        start: Millis,
        seed: u64,
        sdk: &str,
        options: &Json,
        snapshot: Option<&Json>,
    ) -> Trace {
        let mut opts = options.clone();
        if opts.get("token").is_some_and(|t| *t != Json::Null) {
            opts.set("token", Json::str("***"));
        }
        let keep_personal = opts.get("logPersonalData") == Some(&Json::Bool(true));
        let header = Json::obj([
            ("schema", Json::str(SCHEMA)),
            ("sdk", Json::str(sdk)),
            // Two 32-bit halves: a u64 does not fit a JSON number exactly
            // (and integer formatting would cost the wasm a few KB).
            (
                "seed",
                Json::Arr(vec![
                    Json::Num((seed >> 32) as f64),
                    Json::Num((seed & 0xffff_ffff) as f64),
                ]),
            ),
            ("start", Json::Num(start)),
            ("options", opts),
            ("snapshot", snapshot.cloned().unwrap_or(Json::Null)),
        ]);
        Trace {
            header,
            entries: VecDeque::new(),
            chars: 0,
            dropped: 0,
            start,
            keep_personal,
        }
    }

    /// Records one step at time `now`.
    pub fn record(&mut self, now: Millis, step: &Step) {
        let step = bounded(step);
        let size = size_of(&step);
        self.entries.push_back((now - self.start, step, size));
        self.chars += size;
        while self.entries.len() > MAX_ENTRIES || (self.chars > MAX_CHARS && self.entries.len() > 1)
        {
            if let Some((_, _, old)) = self.entries.pop_front() {
                self.chars = self.chars.saturating_sub(old);
                self.dropped += 1;
            }
        }
    }

    /// The document.
    pub fn to_json(&self) -> Json {
        let mut doc = self.header.clone();
        doc.set("dropped", Json::Num(self.dropped as f64));
        let entries = self
            .entries
            .iter()
            .map(|(t, step, _)| {
                let mut e = Json::obj([("t", Json::Num(*t))]);
                match step {
                    Step::Timer => e.set("timer", Json::Bool(true)),
                    Step::Input(i) => e.set("in", input_json(i, self.keep_personal)),
                    Step::Elided { kind, len } => e.set(
                        "elided",
                        Json::obj([("k", Json::str(*kind)), ("len", Json::Num(*len as f64))]),
                    ),
                }
                e
            })
            .collect();
        doc.set("entries", Json::Arr(entries));
        doc
    }
}

/// Masks the customer fields of a JSON text (a push frame or a reply body).
fn mask_text(text: &str, keep: bool) -> String {
    // A byte search: `str::contains` would bring its panic path (char
    // formatting, a few KB of wasm) along.
    if keep || !text.as_bytes().windows(8).any(|w| w == b"customer") {
        return text.to_string();
    }
    match Json::parse(text) {
        Ok(mut j) => {
            mask_customers(&mut j);
            j.to_string()
        }
        Err(_) => text.to_string(),
    }
}

fn mask_customers(j: &mut Json) {
    match j {
        Json::Obj(members) => {
            for (k, v) in members.iter_mut() {
                if k == "customer" {
                    if let Json::Obj(c) = v {
                        for (ck, cv) in c.iter_mut() {
                            if let Json::Str(s) = cv {
                                *s = mask_field(ck, s);
                            }
                        }
                    }
                } else {
                    mask_customers(v);
                }
            }
        }
        Json::Arr(items) => items.iter_mut().for_each(mask_customers),
        _ => {}
    }
}

/// `张*`, `138****0000`, and the last 4 characters of anything else (built by
/// hand: `format!` would pull the formatting machinery into the wasm).
fn mask_field(key: &str, v: &str) -> String {
    let chars: Vec<char> = v.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(v.len());
    match key {
        "name" => {
            if let Some(c) = chars.first() {
                out.push(*c);
                out.push('*');
            }
        }
        "phone" | "mobile" if n >= 7 => {
            out.extend(&chars[..3]);
            out.push_str("****");
            out.extend(&chars[n - 4..]);
        }
        _ if n > 4 => {
            out.extend(std::iter::repeat_n('*', n - 4));
            out.extend(&chars[n - 4..]);
        }
        _ => out.push_str(v),
    }
    out
}

fn opt_str(v: Option<&str>) -> Json {
    v.map_or(Json::Null, Json::str)
}

fn num(v: Option<&Json>) -> Option<f64> {
    match v {
        Some(Json::Num(n)) => Some(*n),
        _ => None,
    }
}

/// One input as JSON (`k` names the kind).
pub fn input_json(i: &Input, keep_personal: bool) -> Json {
    let kind = |k: &str| Json::obj([("k", Json::str(k))]);
    match i {
        Input::Call { call, method, arg } => Json::obj([
            ("k", Json::str("call")),
            ("call", Json::Num(*call as f64)),
            ("method", Json::str(method.js_name())),
            ("arg", arg.clone()),
        ]),
        Input::PushOpened => kind("pushOpened"),
        Input::PushMessage { id, data } => Json::obj([
            ("k", Json::str("push")),
            ("id", opt_str(id.as_deref())),
            ("data", Json::str(mask_text(data, keep_personal))),
        ]),
        Input::PushOversized { id, len } => Json::obj([
            ("k", Json::str("pushOversized")),
            ("id", opt_str(id.as_deref())),
            ("len", Json::Num(*len as f64)),
        ]),
        Input::PushPing => kind("ping"),
        Input::PushDown { status, wrong_type } => Json::obj([
            ("k", Json::str("pushDown")),
            ("status", status.map_or(Json::Null, |s| Json::Num(s as f64))),
            ("wrongType", Json::Bool(*wrong_type)),
        ]),
        Input::ExeOpened => kind("exeOpened"),
        Input::ExeText(t) => Json::obj([
            ("k", Json::str("exe")),
            ("text", Json::str(mask_text(t, keep_personal))),
        ]),
        Input::ExeOversized { len } => Json::obj([
            ("k", Json::str("exeOversized")),
            ("len", Json::Num(*len as f64)),
        ]),
        Input::ExeClosed { code } => Json::obj([
            ("k", Json::str("exeClosed")),
            ("code", Json::Num(*code as f64)),
        ]),
        Input::Http { id, outcome } => {
            let mut o = Json::obj([("k", Json::str("http")), ("id", Json::Num(*id as f64))]);
            match outcome {
                HttpOutcome::Response { status, body } => {
                    o.set("status", Json::Num(*status as f64));
                    o.set("body", Json::str(mask_text(body, keep_personal)));
                }
                HttpOutcome::NetworkError(why) => o.set("network", Json::str(why.clone())),
                HttpOutcome::Timeout => o.set("timeout", Json::Bool(true)),
            }
            o
        }
        Input::Resume => kind("resume"),
        Input::PageHide => kind("pageHide"),
        Input::Destroy => kind("destroy"),
        Input::Handover => kind("handover"),
    }
}

/// The input a trace entry recorded (`None`: not an input entry, or unknown).
pub fn input_of(j: &Json) -> Option<Input> {
    let s = |k: &str| j.get(k).and_then(Json::as_str).map(str::to_string);
    let n = |k: &str| num(j.get(k));
    Some(match j.get("k")?.as_str()? {
        "call" => Input::Call {
            call: n("call")? as u32,
            method: Method::ALL
                .into_iter()
                .find(|m| Some(m.js_name()) == j.get("method").and_then(Json::as_str))?,
            arg: j.get("arg").cloned().unwrap_or(Json::Null),
        },
        "pushOpened" => Input::PushOpened,
        "push" => Input::PushMessage {
            id: s("id"),
            data: s("data")?,
        },
        "pushOversized" => Input::PushOversized {
            id: s("id"),
            len: n("len")? as usize,
        },
        "ping" => Input::PushPing,
        "pushDown" => Input::PushDown {
            status: n("status").map(|v| v as u16),
            wrong_type: j.get("wrongType") == Some(&Json::Bool(true)),
        },
        "exeOpened" => Input::ExeOpened,
        "exe" => Input::ExeText(s("text")?),
        "exeOversized" => Input::ExeOversized {
            len: n("len")? as usize,
        },
        "exeClosed" => Input::ExeClosed {
            code: n("code")? as u16,
        },
        "http" => Input::Http {
            id: n("id")? as u32,
            outcome: if let Some(status) = n("status") {
                HttpOutcome::Response {
                    status: status as u16,
                    body: s("body").unwrap_or_default(),
                }
            } else if let Some(why) = s("network") {
                HttpOutcome::NetworkError(why)
            } else {
                HttpOutcome::Timeout
            },
        },
        "resume" => Input::Resume,
        "pageHide" => Input::PageHide,
        "destroy" => Input::Destroy,
        "handover" => Input::Handover,
        _ => return None,
    })
}

/// A trace document's steps in order: `(t, step)`; unknown entries are skipped.
pub fn steps_of(doc: &Json) -> Vec<(Millis, Step)> {
    let Some(Json::Arr(entries)) = doc.get("entries") else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let t = num(e.get("t"))?;
            if e.get("timer") == Some(&Json::Bool(true)) {
                return Some((t, Step::Timer));
            }
            if let Some(el) = e.get("elided") {
                let kind = match el.get("k").and_then(Json::as_str) {
                    Some("push") => "push",
                    Some("exe") => "exe",
                    _ => "http",
                };
                let len = num(el.get("len")).unwrap_or(0.0) as usize;
                return Some((t, Step::Elided { kind, len }));
            }
            input_of(e.get("in")?).map(|i| (t, Step::Input(i)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_round_trips() {
        let inputs = vec![
            Input::Call {
                call: 3,
                method: Method::AskChangePerson,
                arg: Json::parse(r#"{"sid":"S-1","newer":"a2"}"#).unwrap(),
            },
            Input::PushOpened,
            Input::PushMessage {
                id: Some("7".into()),
                data: r#"{"msgType":50203,"sid":"S","data":{"url":"u"}}"#.into(),
            },
            Input::PushOversized {
                id: None,
                len: 2_000_000,
            },
            Input::PushPing,
            Input::PushDown {
                status: Some(401),
                wrong_type: false,
            },
            Input::PushDown {
                status: None,
                wrong_type: true,
            },
            Input::ExeOpened,
            Input::ExeText(r#"{"id":1,"ok":true}"#.into()),
            Input::ExeOversized { len: 9 },
            Input::ExeClosed { code: 1006 },
            Input::Http {
                id: 4,
                outcome: HttpOutcome::Response {
                    status: 200,
                    body: "{}".into(),
                },
            },
            Input::Http {
                id: 5,
                outcome: HttpOutcome::NetworkError("x".into()),
            },
            Input::Http {
                id: 6,
                outcome: HttpOutcome::Timeout,
            },
            Input::Resume,
            Input::PageHide,
            Input::Destroy,
            Input::Handover,
        ];
        for i in inputs {
            let j = Json::parse(&input_json(&i, true).to_string()).unwrap();
            assert_eq!(input_of(&j), Some(i));
        }
    }

    #[test]
    fn customers_are_masked_and_the_token_redacted() {
        let opts = Json::parse(r#"{"systemCode":"S","account":"a","token":"sec+ret/="}"#).unwrap();
        let mut t = Trace::new(100.0, 7, "2.0.0", &opts, None);
        t.record(
            150.0,
            &Step::Input(Input::PushMessage {
                id: Some("1".into()),
                data: r#"{"msgType":50200,"sid":"S","data":{"customer":{"name":"张三丰","phone":"13912345678","policyNo":"P2026000123"}}}"#.into(),
            }),
        );
        let text = t.to_json().to_string();
        assert!(
            !text.contains("sec+ret") && text.contains(r#""token":"***""#),
            "{text}"
        );
        for v in ["张三丰", "13912345678", "P2026000123"] {
            assert!(!text.contains(v), "{v} in {text}");
        }
        assert!(
            text.contains("张*") && text.contains("139****5678") && text.contains("*******0123")
        );
        assert!(text.contains(r#""t":50"#));
    }

    #[test]
    fn a_huge_frame_is_kept_by_its_length_only() {
        let opts = Json::parse(r#"{"systemCode":"S","account":"a"}"#).unwrap();
        let mut t = Trace::new(0.0, 1, "x", &opts, None);
        let big = "x".repeat(MAX_TEXT + 1);
        t.record(
            1.0,
            &Step::Input(Input::PushMessage {
                id: None,
                data: big,
            }),
        );
        t.record(2.0, &Step::Input(Input::ExeText("{}".into())));
        let steps = steps_of(&t.to_json());
        assert_eq!(
            steps[0].1,
            Step::Elided {
                kind: "push",
                len: MAX_TEXT + 1
            }
        );
        assert_eq!(steps[1].1, Step::Input(Input::ExeText("{}".into())));
        assert!(t.chars < 1_000);
    }

    #[test]
    fn the_oldest_entries_go_first_and_are_counted() {
        let opts = Json::parse(r#"{"systemCode":"S","account":"a"}"#).unwrap();
        let mut t = Trace::new(0.0, 1, "x", &opts, None);
        for i in 0..(MAX_ENTRIES + 10) {
            t.record(i as f64, &Step::Timer);
        }
        let doc = t.to_json();
        assert_eq!(doc.get("dropped"), Some(&Json::Num(10.0)));
        let steps = steps_of(&doc);
        assert_eq!(steps.len(), MAX_ENTRIES);
        assert_eq!(steps[0].0, 10.0);
    }
}
