//! Test harness: drives an `Agent` in virtual time, plays the three services
//! and the EXE by answering the outputs it emits.
#![allow(dead_code, missing_docs)]

use rtv_core::{Agent, CallId, Config, EventType, Frame, HttpOutcome, Input, Method, State, Value};

/// The value type of the native tests: `serde_json` (with `preserve_order`),
/// as the core's `Value` impl for tests, fuzzing and the replay tool.
pub type Json = serde_json::Value;
pub type Output = rtv_core::Output<Json>;
pub type HttpRequest = rtv_core::HttpRequest<Json>;

/// Short constructors on [`Json`], so that tests read as before the core
/// stopped parsing JSON itself.
pub trait JsonExt: Sized {
    /// Parses a complete JSON text.
    fn parse(text: &str) -> serde_json::Result<Self>;
    /// A string value.
    fn str(s: impl Into<String>) -> Self;
    /// A number, built as the core builds numbers (integers as integers, so
    /// that it equals the same number parsed).
    fn num(n: f64) -> Self;
    /// An object with `pairs` as members, in order.
    fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Self)>) -> Self;
}

impl JsonExt for Json {
    fn parse(text: &str) -> serde_json::Result<Json> {
        serde_json::from_str(text)
    }
    fn str(s: impl Into<String>) -> Json {
        Json::String(s.into())
    }
    fn num(n: f64) -> Json {
        <Json as Value>::number(n)
    }
    fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// A text from the network as the browser hands it to the core: parsed once
/// (`JSON.parse`), with its length in UTF-16 units; a text that does not
/// parse stays text.
pub fn frame(text: &str) -> Frame<Json> {
    Frame {
        value: serde_json::from_str(text).ok(),
        text: Json::from(text),
        len: text.encode_utf16().count(),
    }
}

/// A frame that parsed to `value`, claiming `len` UTF-16 units.
pub fn frame_of(value: Json, len: usize) -> Frame<Json> {
    Frame {
        text: Json::from(value.to_string()),
        value: Some(value),
        len,
    }
}

/// A frame of `text` that did not parse.
pub fn not_json(text: &str) -> Frame<Json> {
    Frame {
        value: None,
        text: Json::from(text),
        len: text.encode_utf16().count(),
    }
}

pub struct H {
    pub agent: Agent<Json>,
    pub now: f64,
    /// Every output drained so far, in order.
    pub log: Vec<Output>,
    /// Index into `log` of what a test has not looked at yet.
    pub seen: usize,
    next_call: CallId,
    next_push_id: u64,
}

pub fn opts(extra: &str) -> Config {
    let text =
        format!(r#"{{"systemCode":"SYS","account":"a1","profile":"dev","token":"T0K3N"{extra}}}"#);
    Config::from_value(&Json::parse(&text).unwrap()).unwrap()
}

impl H {
    pub fn new() -> H {
        Self::with(opts(""))
    }

    pub fn with(cfg: Config) -> H {
        Self::seeded(cfg, 42)
    }

    /// An agent whose jitter generator starts from `seed`.
    pub fn seeded(cfg: Config, seed: u64) -> H {
        let mut h = H {
            agent: Agent::new(cfg, 0.0, seed),
            now: 0.0,
            log: Vec::new(),
            seen: 0,
            next_call: 1,
            next_push_id: 0,
        };
        h.drain();
        h
    }

    /// A connected agent in `ready`.
    pub fn ready() -> H {
        let mut h = H::new();
        h.connect();
        assert_eq!(h.agent.state(), State::Ready);
        h.take();
        h
    }

    pub fn drain(&mut self) {
        while let Some(o) = self.agent.poll_output() {
            self.log.push(o);
        }
    }

    pub fn input(&mut self, i: Input<Json>) {
        self.agent.handle_input(self.now, i);
        self.drain();
    }

    /// Advance virtual time, firing the timer as a browser would.
    pub fn advance(&mut self, ms: f64) {
        let end = self.now + ms;
        while let Some(t) = self.agent.poll_timeout() {
            if t > end {
                break;
            }
            self.now = self.now.max(t);
            self.agent.handle_timeout(self.now);
            self.drain();
        }
        self.now = end;
        self.agent.handle_timeout(self.now);
        self.drain();
    }

    /// Fires timers one by one (jumping straight to each deadline) until an
    /// output matching `what` appears; returns the virtual time that took.
    /// Panics if nothing is scheduled or it takes more than 100 deadlines.
    pub fn until(&mut self, what: impl Fn(&Output) -> bool) -> f64 {
        let t0 = self.now;
        for _ in 0..100 {
            let t = self
                .agent
                .poll_timeout()
                .unwrap_or_else(|| panic!("nothing scheduled: {:#?}", &self.log[self.seen..]));
            self.now = self.now.max(t);
            self.agent.handle_timeout(self.now);
            self.drain();
            if self.take().iter().any(&what) {
                return self.now - t0;
            }
        }
        panic!("no matching output after 100 deadlines")
    }

    /// Outputs not looked at yet, without logs (and marks them seen).
    pub fn take_quiet(&mut self) -> Vec<Output> {
        self.take()
            .into_iter()
            .filter(|o| !matches!(o, Output::Log { .. }))
            .collect()
    }

    /// Outputs not looked at yet (and marks them seen).
    pub fn take(&mut self) -> Vec<Output> {
        let v = self.log[self.seen..].to_vec();
        self.seen = self.log.len();
        v
    }

    pub fn connect(&mut self) {
        self.input(Input::PushOpened);
        self.input(Input::ExeOpened);
        self.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
        self.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
        self.reply_http("agent/state", r#"{"code":0,"msg":"ok","data":null}"#);
    }

    /// The newest HTTP request to a path that has not been answered yet.
    pub fn http_req(&self, path: &str) -> Option<HttpRequest> {
        self.log.iter().rev().find_map(|o| match o {
            Output::Http(r) if r.url.ends_with(path) && !r.keepalive => Some(r.clone()),
            _ => None,
        })
    }

    pub fn http_count(&self, path: &str) -> usize {
        self.log
            .iter()
            .filter(|o| matches!(o, Output::Http(r) if r.url.ends_with(path)))
            .count()
    }

    pub fn reply_http(&mut self, path: &str, body: &str) {
        let r = self
            .http_req(path)
            .unwrap_or_else(|| panic!("no request to {path}: {:#?}", self.log));
        self.input(Input::Http {
            id: r.id,
            outcome: HttpOutcome::Response {
                status: 200,
                body: frame(body),
            },
        });
    }

    pub fn ok(&mut self, path: &str) {
        self.reply_http(path, r#"{"code":0,"msg":"ok","data":null}"#);
    }

    pub fn http_outcome(&mut self, path: &str, outcome: HttpOutcome<Json>) {
        let r = self.http_req(path).unwrap();
        self.input(Input::Http { id: r.id, outcome });
    }

    /// The newest EXE request with this cmd.
    pub fn exe_req(&self, cmd: &str) -> Option<Json> {
        self.log.iter().rev().find_map(|o| match o {
            Output::ExeSend(j) if j.get("cmd").and_then(Json::as_str) == Some(cmd) => {
                Some(j.clone())
            }
            _ => None,
        })
    }

    pub fn exe_count(&self, cmd: &str) -> usize {
        self.log
            .iter()
            .filter(|o| matches!(o, Output::ExeSend(j) if j.get("cmd").and_then(Json::as_str) == Some(cmd)))
            .count()
    }

    pub fn reply_exe(&mut self, cmd: &str, ok: bool, data: &str) {
        let req = self.exe_req(cmd).unwrap_or_else(|| panic!("no EXE {cmd}"));
        let id = req.get("id").unwrap().as_i64().unwrap();
        self.input(Input::ExeText(frame(&format!(
            r#"{{"id":{id},"ok":{ok},"data":{data}}}"#
        ))));
    }

    pub fn call(&mut self, method: Method, arg: &str) -> CallId {
        let call = self.next_call;
        self.next_call += 1;
        self.input(Input::Call {
            call,
            method,
            arg: Json::parse(arg).unwrap(),
        });
        call
    }

    pub fn push(&mut self, msg_type: i64, sid: &str, data: &str) {
        self.next_push_id += 1;
        let id = self.next_push_id.to_string();
        self.push_raw(
            Some(&id),
            &format!(r#"{{"msgType":{msg_type},"sid":"{sid}","data":{data}}}"#),
        );
    }

    pub fn push_raw(&mut self, id: Option<&str>, data: &str) {
        self.input(Input::PushMessage {
            id: id.map(str::to_string),
            data: frame(data),
        });
    }

    // ---- reading what came out ----

    pub fn events(&self) -> Vec<(EventType, Json)> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Event { kind, data } => Some((*kind, data.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn last_event(&self, kind: EventType) -> Option<Json> {
        self.events()
            .into_iter()
            .rev()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| d)
    }

    pub fn count_events(&self, kind: EventType) -> usize {
        self.events().iter().filter(|(k, _)| *k == kind).count()
    }

    pub fn errors(&self) -> Vec<String> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Error { error: e, .. } => Some(e.code.as_str().to_string()),
                _ => None,
            })
            .collect()
    }

    pub fn settled(&self, call: CallId) -> Option<Result<Json, Json>> {
        self.log.iter().find_map(|o| match o {
            Output::Settle { call: c, result } if *c == call => {
                Some(result.clone().map_err(|r| r.to_value()))
            }
            _ => None,
        })
    }

    pub fn rejected_code(&self, call: CallId) -> Json {
        match self.settled(call) {
            Some(Err(j)) => j.get("code").cloned().unwrap(),
            other => panic!("call {call} not rejected: {other:?}"),
        }
    }

    pub fn state(&self) -> State {
        self.agent.state()
    }
}

/// 50200 data.
pub const INCOMING: &str = r#"{"customer":{"name":"张三","phone":"13800000000"},"streams":{"pushUrl":"rtmp://p/1","playUrls":["rtmp://c/1"]}}"#;
pub const STREAMS: &str = r#"{"streams":{"pushUrl":"rtmp://p/2","playUrls":["rtmp://c/2"]}}"#;

impl H {
    /// A connected agent in `leave` (`rest()` accepted).
    pub fn leave() -> H {
        let mut h = H::ready();
        let c = h.call(Method::Rest, "null");
        h.ok("agent/state");
        assert!(matches!(h.settled(c), Some(Ok(_))));
        assert_eq!(h.state(), State::Leave);
        h.take();
        h
    }

    /// ready → wait (50200) → answer → busy.
    pub fn busy(sid: &str) -> H {
        let mut h = H::ready();
        h.push(50200, sid, INCOMING);
        h.call(Method::Answer, &format!("\"{sid}\""));
        h.ok("call/answer");
        assert_eq!(h.state(), State::Busy);
        h.reply_exe("start", true, "{}");
        h
    }
}

impl H {
    /// An agent that takes over from `snap` (what the leading tab sent last).
    pub fn adopting(snap: &Json) -> H {
        let mut h = H::new();
        h.agent = Agent::with_snapshot(opts(""), 0.0, 7, Some(snap));
        h.log.clear();
        h.seen = 0;
        h.drain();
        h
    }

    /// Opens both links and answers `hello`.
    pub fn links_up(&mut self) {
        self.input(Input::PushOpened);
        self.input(Input::ExeOpened);
        self.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    }
}
