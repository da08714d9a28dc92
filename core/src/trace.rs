//! A trace of one instance: the core's inputs with their times, enough to run
//! the same core again and get the same outputs (`examples/replay.rs`). The
//! core is deterministic (sans-IO, seeded jitter), so its inputs are a
//! complete record of what the SDK saw.
//!
//! Schema `rtv-trace/1` (docs/TRACE.md):
//! `{"schema", "sdk", "seed", "start", "options", "snapshot", "dropped",
//!   "entries": [{"t", "in": {"k": kind, ...}} | {"t", "timer": true}]}`
//! `t` is the page's monotonic clock (ms) minus `start`. Frames (push data,
//! EXE frames, HTTP bodies) are kept as the texts that arrived: in the
//! browser a handle to the JS string, so recording copies nothing, and the
//! memory held is bounded by the text lengths (a parsed value can take many
//! times its text). The document is built on export, where the browser masks
//! customers' personal data (pkg-template/logs.js) unless the options keep
//! it. The options are rebuilt from the validated configuration, so the
//! token is never in a trace (`***` when one was set).

use std::collections::VecDeque;

use crate::config::Config;
use crate::methods::Method;
use crate::value::{obj, opt_string, Frame, Value};
use crate::{HttpOutcome, Input, Millis};

/// Current schema name.
pub const SCHEMA: &str = "rtv-trace/1";
/// Most entries kept (the oldest are dropped first, counted in `dropped`).
pub const MAX_ENTRIES: usize = 5_000;
/// Most frame text kept, in UTF-16 units: about 1 MB, like the log ring.
pub const MAX_CHARS: usize = 1_000_000;
/// A push, EXE frame or reply body longer than this is kept by its length
/// only (`elided`): one hostile 1 MiB frame must not fill the trace, nor
/// keep its value alive.
pub const MAX_TEXT: usize = 65_536;

/// Room for any one entry: a kept text is at most `MAX_TEXT` (+ 48 for the
/// entry), so dropping the oldest entries always brings the total under
/// `MAX_CHARS` before the newest one would go.
const _: () = assert!(MAX_TEXT + 48 < MAX_CHARS);

/// One recorded step.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<V> {
    /// `handle_input(t, input)`.
    Input(Input<V>),
    /// `handle_timeout(t)`.
    Timer,
    /// An input whose text was over [`MAX_TEXT`]: its kind and length only.
    Elided {
        /// The input kind (`push`, `exe`, `http`).
        kind: &'static str,
        /// Its text length.
        len: usize,
    },
}

/// The frame of an input, with its kind name.
fn frame_of<V>(i: &Input<V>) -> Option<(&'static str, &Frame<V>)> {
    match i {
        Input::PushMessage { data, .. } | Input::PushRead { data, .. } => Some(("push", data)),
        Input::ExeText(f) => Some(("exe", f)),
        Input::Http {
            outcome: HttpOutcome::Response { body, .. },
            ..
        } => Some(("http", body)),
        _ => None,
    }
}

/// The frame as kept, its text moved out of `f` (left `null`).
fn text_of<V: Value>(f: &mut Frame<V>) -> Frame<V> {
    Frame {
        value: None,
        text: std::mem::replace(&mut f.text, V::null()),
        len: f.len,
    }
}

/// `input` as kept: a frame keeps its text only, moved out of `input` (the
/// export writes the text; the parsed value would hold more memory).
fn kept<V: Value>(input: &mut Input<V>) -> Input<V> {
    match input {
        // The reader's facts are read again from the text on replay.
        Input::PushMessage { id, data } | Input::PushRead { id, data, .. } => Input::PushMessage {
            id: id.clone(),
            data: text_of(data),
        },
        Input::ExeText(f) => Input::ExeText(text_of(f)),
        Input::Http {
            id,
            outcome: HttpOutcome::Response { status, body },
        } => Input::Http {
            id: *id,
            outcome: HttpOutcome::Response {
                status: *status,
                body: text_of(body),
            },
        },
        other => other.clone(),
    }
}

/// The bounded record of one instance.
#[derive(Debug)]
pub struct Trace<V> {
    seed: u64,
    sdk: String,
    start: Millis,
    options: V,
    snapshot: V,
    entries: VecDeque<(Millis, Step<V>, usize)>,
    chars: usize,
    dropped: usize,
}

impl<V: Value> Trace<V> {
    /// A trace of an instance created at `start` with `seed` and `config`,
    /// adopting `snapshot`.
    pub fn new(start: Millis, seed: u64, sdk: &str, config: &Config, snapshot: Option<&V>) -> Self {
        Trace {
            seed,
            sdk: sdk.to_string(),
            start,
            options: options_of(config),
            snapshot: snapshot.cloned().unwrap_or_else(V::null),
            // All of it at once (~0.3 MB in the browser): a ring that grows
            // while the agent works reallocates, and wasm memory never
            // shrinks back, so the growth would stay for the whole shift.
            entries: VecDeque::with_capacity(MAX_ENTRIES),
            chars: 0,
            dropped: 0,
        }
    }

    /// Records the input fed at time `now` (a copy: see [`Trace::take`]).
    pub fn input(&mut self, now: Millis, input: &Input<V>) {
        self.take(now, input.clone());
    }

    /// Records the input fed at time `now` and hands it back for the core,
    /// with its frame's text moved into the trace (the core never reads the
    /// text): no copy of the handle, in the browser no call into JS.
    pub fn take(&mut self, now: Millis, mut input: Input<V>) -> Input<V> {
        let (step, len) = match frame_of(&input) {
            Some((kind, f)) if f.len > MAX_TEXT => (Step::Elided { kind, len: f.len }, 0),
            Some((_, f)) => {
                let len = f.len;
                (Step::Input(kept(&mut input)), len)
            }
            None => (Step::Input(input.clone()), 0),
        };
        self.push(now, step, len + 48);
        input
    }

    /// Records a timer firing at `now`.
    pub fn timer(&mut self, now: Millis) {
        self.push(now, Step::Timer, 48);
    }

    fn push(&mut self, now: Millis, step: Step<V>, size: usize) {
        self.entries.push_back((now - self.start, step, size));
        self.chars += size;
        // Never the newest entry: one entry fits (the assertion above).
        while self.entries.len() > MAX_ENTRIES || self.chars > MAX_CHARS {
            if let Some((_, _, old)) = self.entries.pop_front() {
                self.chars = self.chars.saturating_sub(old);
                self.dropped += 1;
            }
        }
    }

    /// Entries kept, and about how much frame text they hold.
    pub fn len_and_chars(&self) -> (usize, usize) {
        (self.entries.len(), self.chars)
    }

    /// The document.
    pub fn to_value(&self) -> V {
        let entries = self
            .entries
            .iter()
            .map(|(t, step, _)| {
                let mut e: V = obj([("t", V::number(*t))]);
                match step {
                    Step::Timer => e.set("timer", V::boolean(true)),
                    Step::Input(i) => e.set("in", input_value(i)),
                    Step::Elided { kind, len } => e.set(
                        "elided",
                        obj([("k", V::string(kind)), ("len", V::number(*len as f64))]),
                    ),
                }
                e
            })
            .collect();
        obj([
            ("schema", V::string(SCHEMA)),
            ("sdk", V::string(&self.sdk)),
            // Two 32-bit halves: a u64 does not fit a JSON number exactly.
            (
                "seed",
                V::array(vec![
                    V::number((self.seed >> 32) as f64),
                    V::number((self.seed & 0xffff_ffff) as f64),
                ]),
            ),
            ("start", V::number(self.start)),
            ("options", self.options.clone()),
            ("snapshot", self.snapshot.clone()),
            ("dropped", V::number(self.dropped as f64)),
            ("entries", V::array(entries)),
        ])
    }
}

/// The options that give `config` again, without the token.
fn options_of<V: Value>(c: &Config) -> V {
    obj([
        ("systemCode", V::string(&c.system_code)),
        ("account", V::string(&c.account)),
        ("sseServerUrl", V::string(&c.sse_url)),
        ("videoServiceUrl", V::string(&c.video_url)),
        ("stateServiceUrl", V::string(&c.state_url)),
        (
            "token",
            c.token.as_ref().map_or_else(V::null, |_| V::string("***")),
        ),
        ("exeUrl", V::string(&c.exe_url)),
        ("logLevel", V::string(c.log_level.as_str())),
        ("httpTimeout", V::number(c.http_timeout_ms)),
        ("exeTimeout", V::number(c.exe_timeout_ms)),
        ("gracePeriod", V::number(c.grace_ms)),
        ("multiTab", V::boolean(c.multi_tab)),
        ("logPersonalData", V::boolean(c.log_personal_data)),
    ])
}

/// The text of a frame, as `key`.
fn set_frame<V: Value>(o: &mut V, key: &'static str, f: &Frame<V>) {
    o.set(key, f.text.clone());
}

/// Makes a frame of a recorded text (the caller parses: the core has no
/// JSON parser).
pub type Parse<'a, V> = &'a dyn Fn(&str) -> Frame<V>;

fn frame_from<V: Value>(j: &V, key: &'static str, parse: Parse<V>) -> Option<Frame<V>> {
    Some(parse(&j.str_of(key)?))
}

/// One input as a value (`k` names the kind).
pub fn input_value<V: Value>(i: &Input<V>) -> V {
    let kind = |k: &str| obj([("k", V::string(k))]);
    let num = |n: f64| V::number(n);
    match i {
        Input::Call { call, method, arg } => obj([
            ("k", V::string("call")),
            ("call", num(*call as f64)),
            ("method", V::string(method.js_name())),
            ("arg", arg.clone()),
        ]),
        Input::PushOpened => kind("pushOpened"),
        Input::PushMessage { id, data } | Input::PushRead { id, data, .. } => {
            let mut o = obj([("k", V::string("push")), ("id", opt_string(id.as_deref()))]);
            set_frame(&mut o, "data", data);
            o
        }
        Input::PushOversized { id, len } => obj([
            ("k", V::string("pushOversized")),
            ("id", opt_string(id.as_deref())),
            ("len", num(*len as f64)),
        ]),
        Input::PushPing => kind("ping"),
        Input::PushDown { status, wrong_type } => obj([
            ("k", V::string("pushDown")),
            ("status", status.map_or_else(V::null, |s| num(s as f64))),
            ("wrongType", V::boolean(*wrong_type)),
        ]),
        Input::ExeOpened => kind("exeOpened"),
        Input::ExeText(f) => {
            let mut o = kind("exe");
            set_frame(&mut o, "text", f);
            o
        }
        Input::ExeOversized { len } => {
            obj([("k", V::string("exeOversized")), ("len", num(*len as f64))])
        }
        Input::ExeClosed { code } => {
            obj([("k", V::string("exeClosed")), ("code", num(*code as f64))])
        }
        Input::Http { id, outcome } => {
            let mut o: V = obj([("k", V::string("http")), ("id", num(*id as f64))]);
            match outcome {
                HttpOutcome::Response { status, body } => {
                    o.set("status", num(*status as f64));
                    set_frame(&mut o, "body", body);
                }
                HttpOutcome::NetworkError(why) => o.set("network", V::string(why)),
                HttpOutcome::Timeout => o.set("timeout", V::boolean(true)),
            }
            o
        }
        Input::Resume => kind("resume"),
        Input::PageHide => kind("pageHide"),
        Input::Destroy => kind("destroy"),
        Input::Handover => kind("handover"),
        Input::LocalNetwork(state) => obj([
            ("k", V::string("localNetwork")),
            ("state", V::string(state.as_str())),
        ]),
    }
}

/// The input a trace entry recorded (`None`: not an input entry, or
/// unknown); `parse` makes frames of the recorded texts.
pub fn input_of<V: Value>(j: &V, parse: Parse<V>) -> Option<Input<V>> {
    let s = |k: &'static str| j.str_of(k);
    let n = |k: &'static str| j.get(k).and_then(|v| v.as_f64());
    Some(match j.str_of("k")?.as_str() {
        "call" => Input::Call {
            call: n("call")? as u32,
            method: Method::ALL
                .into_iter()
                .find(|m| Some(m.js_name()) == s("method").as_deref())?,
            arg: j.get("arg").unwrap_or_else(V::null),
        },
        "pushOpened" => Input::PushOpened,
        "push" => Input::PushMessage {
            id: s("id"),
            data: frame_from(j, "data", parse)?,
        },
        "pushOversized" => Input::PushOversized {
            id: s("id"),
            len: n("len")? as usize,
        },
        "ping" => Input::PushPing,
        "pushDown" => Input::PushDown {
            status: n("status").map(|v| v as u16),
            wrong_type: j.get("wrongType").and_then(|b| b.as_bool()) == Some(true),
        },
        "exeOpened" => Input::ExeOpened,
        "exe" => Input::ExeText(frame_from(j, "text", parse)?),
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
                    body: frame_from(j, "body", parse)?,
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
        "localNetwork" => Input::LocalNetwork(crate::LocalNetwork::from_name(&s("state")?)),
        _ => return None,
    })
}

/// A trace document's steps in order: `(t, step)`; unknown entries are
/// skipped. `parse` makes frames of the recorded texts.
pub fn steps_of<V: Value>(doc: &V, parse: Parse<V>) -> Vec<(Millis, Step<V>)> {
    let Some(entries) = doc.get("entries") else {
        return Vec::new();
    };
    entries
        .items()
        .iter()
        .filter_map(|e| {
            let t = e.get("t")?.as_f64()?;
            if e.get("timer").and_then(|b| b.as_bool()) == Some(true) {
                return Some((t, Step::Timer));
            }
            if let Some(el) = e.get("elided") {
                let kind = match el.str_of("k").as_deref() {
                    Some("push") => "push",
                    Some("exe") => "exe",
                    _ => "http",
                };
                let len = el.get("len").and_then(|n| n.as_f64()).unwrap_or(0.0) as usize;
                return Some((t, Step::Elided { kind, len }));
            }
            input_of(&e.get("in")?, parse).map(|i| (t, Step::Input(i)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as J};

    fn f(text: &str) -> Frame<J> {
        Frame {
            value: serde_json::from_str(text).ok(),
            text: J::from(text),
            len: text.len(),
        }
    }

    fn config(extra: J) -> Config {
        let mut o = json!({"systemCode": "S", "account": "a", "profile": "dev"});
        for (k, v) in extra.as_object().unwrap() {
            o[k] = v.clone();
        }
        Config::from_value(&o).unwrap()
    }

    #[test]
    fn every_input_round_trips() {
        let inputs: Vec<Input<J>> = vec![
            Input::Call {
                call: 3,
                method: Method::AskChangePerson,
                arg: json!({"sid": "S-1", "newer": "a2"}),
            },
            Input::PushOpened,
            Input::PushMessage {
                id: Some("7".into()),
                data: f(r#"{"msgType":50203,"sid":"S","data":{"url":"u"}}"#),
            },
            Input::PushMessage {
                id: None,
                data: f("not json"),
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
            Input::ExeText(f(r#"{"id":1,"ok":true}"#)),
            Input::ExeText(f("<<")),
            Input::ExeOversized { len: 9 },
            Input::ExeClosed { code: 1006 },
            Input::Http {
                id: 4,
                outcome: HttpOutcome::Response {
                    status: 200,
                    body: f("{}"),
                },
            },
            Input::Http {
                id: 4,
                outcome: HttpOutcome::Response {
                    status: 502,
                    body: f("<html>"),
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
            Input::LocalNetwork(crate::LocalNetwork::Asking),
            Input::LocalNetwork(crate::LocalNetwork::Denied),
            Input::LocalNetwork(crate::LocalNetwork::Granted),
        ];
        for i in inputs {
            let text = input_value(&i).to_string();
            let j: J = serde_json::from_str(&text).unwrap();
            assert_eq!(input_of(&j, &f), Some(i), "{text}");
        }
    }

    #[test]
    fn the_token_never_enters_and_the_options_give_the_same_config() {
        let c = config(json!({"token": "sec+ret/=", "httpTimeout": 3000}));
        let t: Trace<J> = Trace::new(100.0, 7, "2.0.0", &c, None);
        let doc = t.to_value();
        let text = doc.to_string();
        assert!(
            !text.contains("sec+ret") && text.contains(r#""token":"***""#),
            "{text}"
        );
        let again = Config::from_value(&doc["options"]).unwrap();
        assert_eq!(again.http_timeout_ms, 3000.0);
        assert_eq!(again.sse_url, c.sse_url);
        let none = Trace::<J>::new(0.0, 1, "x", &config(json!({})), None).to_value();
        assert_eq!(none["options"]["token"], J::Null);
    }

    #[test]
    fn a_huge_frame_is_kept_by_its_length_only() {
        let mut t: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        let big = format!("\"{}\"", "x".repeat(MAX_TEXT));
        t.input(
            1.0,
            &Input::PushMessage {
                id: None,
                data: f(&big),
            },
        );
        t.input(2.0, &Input::ExeText(f("{}")));
        let steps = steps_of(&t.to_value(), &f);
        assert_eq!(
            steps[0].1,
            Step::Elided {
                kind: "push",
                len: MAX_TEXT + 2
            }
        );
        assert_eq!(steps[1].1, Step::Input(Input::ExeText(f("{}"))));
        assert!(t.len_and_chars().1 < 1_000);
    }

    #[test]
    fn take_records_like_input_and_hands_the_input_back() {
        let inputs = vec![
            Input::PushMessage {
                id: Some("7".into()),
                data: f(r#"{"msgType":50203,"sid":"S","data":{"url":"u"}}"#),
            },
            Input::ExeText(f(r#"{"id":1,"ok":true}"#)),
            Input::Http {
                id: 4,
                outcome: HttpOutcome::Response {
                    status: 200,
                    body: f("{}"),
                },
            },
            Input::PushMessage {
                id: None,
                data: f(&format!("\"{}\"", "x".repeat(MAX_TEXT))),
            },
            Input::PushPing,
        ];
        let mut by_ref: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        let mut by_take: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        for (n, i) in inputs.into_iter().enumerate() {
            by_ref.input(n as f64, &i);
            let back = by_take.take(n as f64, i.clone());
            let strip = |x: &Input<J>| match x {
                Input::PushMessage { id, data } => (id.clone(), data.value.clone(), data.len),
                Input::ExeText(f) => (None, f.value.clone(), f.len),
                Input::Http {
                    outcome: HttpOutcome::Response { body, .. },
                    ..
                } => (None, body.value.clone(), body.len),
                _ => (None, None, 0),
            };
            assert_eq!(strip(&back), strip(&i), "the core gets the same input");
        }
        assert_eq!(by_take.to_value(), by_ref.to_value());
        assert_eq!(by_take.len_and_chars(), by_ref.len_and_chars());
    }

    #[test]
    fn every_kind_of_frame_is_bounded_at_exactly_max_text() {
        // A JSON string of n units: n - 2 characters between the quotes.
        let text = |n: usize| format!("\"{}\"", "x".repeat(n - 2));
        let frames = |n: usize| {
            vec![
                Input::PushMessage {
                    id: None,
                    data: f(&text(n)),
                },
                Input::ExeText(f(&text(n))),
                Input::Http {
                    id: 1,
                    outcome: HttpOutcome::Response {
                        status: 200,
                        body: f(&text(n)),
                    },
                },
            ]
        };
        for by_take in [false, true] {
            let mut t: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
            for i in frames(MAX_TEXT).into_iter().chain(frames(MAX_TEXT + 1)) {
                let back = if by_take {
                    t.take(1.0, i)
                } else {
                    t.input(1.0, &i);
                    i
                };
                let len = match &back {
                    Input::PushMessage { data, .. } => data.len,
                    Input::ExeText(f) => f.len,
                    Input::Http {
                        outcome: HttpOutcome::Response { body, .. },
                        ..
                    } => body.len,
                    _ => unreachable!(),
                };
                assert!(len == MAX_TEXT || len == MAX_TEXT + 1);
            }
            let steps = steps_of(&t.to_value(), &f);
            let kinds: Vec<_> = steps
                .iter()
                .map(|(_, s)| match s {
                    Step::Elided { kind, len } => format!("elided {kind} {len}"),
                    Step::Input(i) => format!("kept {}", input_value(i)["k"]),
                    Step::Timer => "timer".into(),
                })
                .collect();
            assert_eq!(
                kinds,
                [
                    "kept \"push\"".to_string(),
                    "kept \"exe\"".into(),
                    "kept \"http\"".into(),
                    format!("elided push {}", MAX_TEXT + 1),
                    format!("elided exe {}", MAX_TEXT + 1),
                    format!("elided http {}", MAX_TEXT + 1),
                ],
                "by_take {by_take}"
            );
            // Kept texts count toward the text bound, elided ones do not.
            assert_eq!(t.len_and_chars(), (6, 3 * (MAX_TEXT + 48) + 3 * 48));
        }
    }

    #[test]
    fn take_moves_the_text_out_of_what_the_core_gets() {
        let mut t: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        let small = r#"{"id":1,"ok":true}"#;
        let inputs = [
            Input::PushMessage {
                id: None,
                data: f(small),
            },
            Input::ExeText(f(small)),
            Input::Http {
                id: 2,
                outcome: HttpOutcome::Response {
                    status: 200,
                    body: f(small),
                },
            },
        ];
        for i in inputs {
            let back = t.take(1.0, i);
            let frame = match &back {
                Input::PushMessage { data, .. } => data,
                Input::ExeText(f) => f,
                Input::Http {
                    outcome: HttpOutcome::Response { body, .. },
                    ..
                } => body,
                _ => unreachable!(),
            };
            assert_eq!(frame.text, J::Null, "moved, not copied");
            assert!(frame.value.is_some(), "the parsed value stays for the core");
        }
        let doc = t.to_value();
        assert_eq!(doc["entries"][0]["in"]["data"], json!(small));
        assert_eq!(doc["entries"][1]["in"]["text"], json!(small));
        assert_eq!(doc["entries"][2]["in"]["body"], json!(small));
    }

    #[test]
    fn the_text_bound_is_exactly_max_chars() {
        // Each entry counts its length + 48: 20 of 50,000 are exactly the bound.
        let frame = f(&format!("\"{}\"", "y".repeat(50_000 - 48 - 2)));
        let mut t: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        for i in 0..20 {
            t.input(i as f64, &Input::ExeText(frame.clone()));
        }
        assert_eq!(t.len_and_chars(), (20, MAX_CHARS), "at the bound: all kept");
        assert_eq!(t.to_value()["dropped"], json!(0));
        t.input(20.0, &Input::ExeText(frame));
        assert_eq!(
            t.len_and_chars(),
            (20, MAX_CHARS),
            "one over: the oldest goes"
        );
        assert_eq!(t.to_value()["dropped"], json!(1));
    }

    #[test]
    fn times_are_relative_to_the_start() {
        let mut t: Trace<J> = Trace::new(100.0, 1, "x", &config(json!({})), None);
        t.timer(130.5);
        t.input(250.0, &Input::PushPing);
        let doc = t.to_value();
        assert_eq!(doc["start"], json!(100));
        assert_eq!(doc["entries"][0]["t"], json!(30.5));
        assert_eq!(doc["entries"][1]["t"], json!(150));
    }

    #[test]
    fn the_oldest_entries_go_first_and_are_counted() {
        let mut t: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        for i in 0..(MAX_ENTRIES + 10) {
            t.timer(i as f64);
        }
        let doc = t.to_value();
        assert_eq!(doc["dropped"], json!(10));
        let steps = steps_of(&doc, &f);
        assert_eq!(steps.len(), MAX_ENTRIES);
        assert_eq!(steps[0].0, 10.0);
    }

    #[test]
    fn text_bound_drops_the_oldest() {
        let mut t: Trace<J> = Trace::new(0.0, 1, "x", &config(json!({})), None);
        let frame = format!("\"{}\"", "y".repeat(60_000));
        for i in 0..40 {
            t.input(i as f64, &Input::ExeText(f(&frame)));
        }
        let (n, chars) = t.len_and_chars();
        assert!(chars <= MAX_CHARS && n < 40, "{n} {chars}");
        assert_eq!(t.to_value()["dropped"], json!(40 - n));
    }
}
