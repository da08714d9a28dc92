//! `PushLink`: the push channel's EventSource and its listeners.
//!
//! The browser's EventSource retries by itself and hides why it failed. The
//! core must decide retries and tell rejected credentials (401/403) apart from
//! an outage, so on `error` the link closes the EventSource at once and probes
//! the same URL with `fetch` to learn the status and content type.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Function, JsString, Object};
use rtv_core::facts::PushFacts;
use rtv_core::{Frame, MAX_FRAME_CHARS};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, EventSource, Headers, MessageEvent, RequestInit, Response};

use super::counters::{Counted, Kind};
use super::http::fetch_with_init;
use super::listener::EventListener;
use super::timer::{now, Timeout};
use super::value::{parse, set_member};
use super::{Input, Inputs, Js};

/// How long the status probe may take before it counts as a network error.
const PROBE_TIMEOUT_MS: f64 = 5_000.0;
/// The probe starts this long after the `error`, from a timer: when the page
/// is being left, the EventSource may fail before `pagehide` closes the link;
/// the timer then dies with the link (or with the document) and no new
/// subscribe request outlives the page.
const PROBE_DELAY_MS: f64 = 100.0;

/// State the error listener and the probe share with the link.
struct Shared {
    source: EventSource,
    url: String,
    /// The probe in flight; aborted when the link is dropped.
    probe: RefCell<Option<AbortController>>,
    /// The probe about to start; cleared when the link is dropped.
    delay: RefCell<Option<Timeout>>,
}

/// An open push channel. Dropping it closes the EventSource, removes every
/// listener and aborts a status probe in flight (whose result is then ignored).
pub(crate) struct PushLink {
    shared: Rc<Shared>,
    listeners: Vec<EventListener>,
    _count: Counted,
}

impl PushLink {
    /// Opens an EventSource on `url` (the subscribe URL, token included).
    /// `reader`: the JS push reader (pkg-template/push-reader.js `readPush`), if
    /// the page layer gave one; without it each message is read member by
    /// member through the value view.
    pub(crate) fn open<S: Inputs>(
        url: &str,
        sink: &S,
        reader: Option<Function>,
        early: Option<&Function>,
    ) -> Result<PushLink, ()> {
        let source = match super::early(early, "push", url) {
            Some(adopted) => adopted.unchecked_into(),
            None => EventSource::new(url).map_err(|_| ())?,
        };
        let shared = Rc::new(Shared {
            source: source.clone(),
            url: url.to_string(),
            probe: RefCell::new(None),
            delay: RefCell::new(None),
        });
        let target = source.as_ref();
        let listeners = vec![
            EventListener::new(target, "open", {
                let sink = sink.clone();
                move |_| sink.send(Input::PushOpened)
            }),
            EventListener::new(target, "message", {
                let sink = sink.clone();
                let reader = reader.map(Reader::new);
                move |ev| {
                    let ev = ev.unchecked_ref();
                    match reader.as_ref().and_then(|r| r.read(ev)) {
                        Some((now, input)) => sink.send_at(now, input),
                        None => sink.send(message_input(ev)),
                    }
                }
            }),
            EventListener::new(target, "ping", {
                let sink = sink.clone();
                move |_| sink.send(Input::PushPing)
            }),
            EventListener::new(target, "error", {
                let sink = sink.clone();
                let weak = Rc::downgrade(&shared);
                move |_| on_error(&weak, &sink)
            }),
        ];
        Ok(PushLink {
            shared,
            listeners,
            _count: Counted::new(Kind::EventSource),
        })
    }
}

impl Drop for PushLink {
    fn drop(&mut self) {
        self.listeners.clear();
        self.shared.source.close();
        drop(self.shared.delay.borrow_mut().take());
        if let Some(probe) = self.shared.probe.borrow_mut().take() {
            probe.abort();
        }
    }
}

/// A `message` event as input; the length is checked before the text is
/// parsed (by `JSON.parse`: the text itself never enters wasm memory).
fn message_input(ev: &MessageEvent) -> Input {
    let id = Some(ev.last_event_id()).filter(|id| !id.is_empty());
    let data = ev.data();
    // SSE data is always text; anything else has length 0 and does not
    // parse, so the core reports it as a malformed message.
    let len = data
        .dyn_ref::<JsString>()
        .map_or(0, |s| s.length() as usize);
    if len > MAX_FRAME_CHARS {
        return Input::PushOversized { id, len };
    }
    Input::PushMessage {
        id,
        data: parse(data, len),
    }
}

/// The JS push reader and the array it reports in. `readPush(text, ev, f)`
/// parses `text` and returns the event payload (or `undefined`), with
/// `f[0]` = the facts' bits, `f[1]` = `msgType`, `f[2]` = the id (`-1`:
/// none, `-2`: not a short decimal number, read here), `f[3]` = the text's
/// length, `f[5]` = the event's `timeStamp` (`f[4]` is unused); texts
/// longer than the limit are not parsed.
/// One call into JS, instead of one call per member read. `f` is a view of
/// `facts` in wasm memory: the reader writes there and Rust reads it without
/// a copy across the boundary. The reader gets it as `{m: the memory, p: the
/// address, f: the view or null, n: the length limit}` and makes the view
/// again whenever the memory has grown (its buffer is then a new one).
struct Reader {
    read: Function,
    shared: Object,
    /// Written by the reader through its view: `Cell`s, since they change
    /// behind Rust's back (their address went out as a number, so the
    /// compiler must assume the call into JS may write them).
    facts: Box<[Cell<f64>; 6]>,
}

impl Reader {
    fn new(read: Function) -> Reader {
        let facts: Box<[Cell<f64>; 6]> = Box::default();
        let shared = Object::new();
        set_member(&shared, "m", &wasm_bindgen::memory());
        set_member(
            &shared,
            "p",
            &JsValue::from_f64(facts.as_ptr() as usize as f64),
        );
        set_member(&shared, "f", &JsValue::NULL);
        set_member(&shared, "n", &JsValue::from_f64(MAX_FRAME_CHARS as f64));
        Reader {
            read,
            shared,
            facts,
        }
    }

    /// The message as input, and when it arrived; `None` if the reader
    /// threw (then the message is read without it).
    fn read(&self, ev: &MessageEvent) -> Option<(f64, Input)> {
        let text = ev.data();
        let payload = self
            .read
            .call3(&JsValue::UNDEFINED, &text, ev, &self.shared)
            .ok()?;
        let f = self.facts.each_ref().map(Cell::get);
        let id = if f[2] >= 0.0 {
            Some(format!("{}", f[2] as u64))
        } else if f[2] == -2.0 {
            Some(ev.last_event_id()).filter(|id| !id.is_empty())
        } else {
            None
        };
        // `timeStamp` is on performance.now()'s clock (Chromium 49 on); a
        // value that cannot be (0 from an engine that leaves it unset, or
        // epoch milliseconds) is replaced by a clock read.
        let now = match f[5] {
            t if t > 0.0 && t < 1.0e11 => t,
            _ => now(),
        };
        let len = f[3] as usize;
        if len > MAX_FRAME_CHARS {
            return Some((now, Input::PushOversized { id, len }));
        }
        let facts = Box::new(PushFacts {
            bits: f[0] as u32,
            msg_type: f[1],
            payload: Some(Js(payload)).filter(|p| !p.0.is_undefined()),
        });
        let input = Input::PushRead {
            id,
            data: Frame {
                value: None,
                text: Js(text),
                len,
            },
            facts,
        };
        Some((now, input))
    }
}

fn on_error<S: Inputs>(weak: &Weak<Shared>, sink: &S) {
    let Some(shared) = weak.upgrade() else { return };
    // Stop the browser's own retries: the core owns the retry policy.
    shared.source.close();
    if shared.probe.borrow().is_some() || shared.delay.borrow().is_some() {
        return;
    }
    let timer = Timeout::new(PROBE_DELAY_MS, {
        let weak = weak.clone();
        let sink = sink.clone();
        move || start_probe(&weak, &sink)
    });
    *shared.delay.borrow_mut() = Some(timer);
}

fn start_probe<S: Inputs>(weak: &Weak<Shared>, sink: &S) {
    let Some(shared) = weak.upgrade() else { return };
    let fired = shared.delay.borrow_mut().take();
    drop(fired);
    let Ok(ctrl) = AbortController::new() else {
        drop(shared);
        sink.send(Input::PushDown {
            status: None,
            wrong_type: false,
        });
        return;
    };
    *shared.probe.borrow_mut() = Some(ctrl.clone());
    let url = shared.url.clone();
    let weak = weak.clone();
    let sink = sink.clone();
    drop(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let input = probe(&url, &ctrl).await;
        // A link dropped meanwhile (closed, replaced, destroyed) has nobody
        // to report to.
        if let Some(shared) = weak.upgrade() {
            shared.probe.borrow_mut().take();
            drop(shared);
            sink.send(input);
        }
    });
}

/// GETs the subscribe URL like the EventSource did, reads the status and the
/// content type, then aborts the (streaming) body.
async fn probe(url: &str, ctrl: &AbortController) -> Input {
    let _count = Counted::new(Kind::Fetch);
    let down = |status: Option<u16>, wrong_type| Input::PushDown { status, wrong_type };
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&ctrl.signal()));
    if let Ok(h) = Headers::new() {
        let _ = h.set("Accept", "text/event-stream");
        init.set_headers(&h);
    }
    let _timeout = Timeout::new(PROBE_TIMEOUT_MS, {
        let ctrl = ctrl.clone();
        move || ctrl.abort()
    });
    let Ok(promise) = fetch_with_init(url, &init) else {
        return down(None, false);
    };
    let result = JsFuture::from(promise).await;
    let Ok(resp) = result.map(|r| r.unchecked_into::<Response>()) else {
        return down(None, false);
    };
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    ctrl.abort();
    let wrong_type = status == 200
        && !content_type
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("text/event-stream");
    down(Some(status), wrong_type)
}

#[cfg(test)]
mod tests {
    //! The JS push reader (pkg-template/push-reader.js `readPush`) against the
    //! core's own reading of the same text (`PushFacts::read` through the
    //! value view), in a real browser, on hand-picked and generated messages.
    use super::*;
    use js_sys::JSON;
    use rtv_core::facts;
    use wasm_bindgen_test::*;
    use web_sys::MessageEventInit;

    wasm_bindgen_test_configure!(run_in_browser);

    /// `readPush` from the shipped source (a test page may use
    /// `new Function`; the SDK never does).
    fn read_push() -> Function {
        let src = include_str!("../../pkg-template/push-reader.js");
        let body = format!("{src}\nreturn readPush;");
        Function::new_no_args(&body)
            .call0(&JsValue::UNDEFINED)
            .expect("push-reader.js readPush")
            .unchecked_into()
    }

    fn event(data: &JsValue, id: &str) -> MessageEvent {
        let init = MessageEventInit::new();
        init.set_data(data);
        init.set_last_event_id(id);
        MessageEvent::new_with_event_init_dict("message", &init).unwrap()
    }

    /// What the reader path produced, as comparable parts.
    fn via_reader(r: &Reader, text: &str, id: &str) -> (Option<String>, u32, f64, Option<String>) {
        let (_, input) = r
            .read(&event(&JsValue::from_str(text), id))
            .expect("reader ran");
        match input {
            Input::PushRead { id, data, facts } => {
                assert_eq!(data.len, text.encode_utf16().count(), "{text}");
                assert_eq!(data.text.0.as_string().as_deref(), Some(text));
                let payload = facts.payload.map(|p| stringify(&p).as_string().unwrap());
                (id, facts.bits, facts.msg_type, payload)
            }
            other => panic!("{text}: {other:?}"),
        }
    }

    /// The core's reading of the same message.
    fn via_core(text: &str, id: &str) -> (Option<String>, u32, f64, Option<String>) {
        let len = text.encode_utf16().count();
        let f = facts::PushFacts::read(parse(JsValue::from_str(text), len).value);
        let payload = f.payload.map(|p| stringify(&p).as_string().unwrap());
        let id = Some(id.to_string()).filter(|s| !s.is_empty());
        (id, f.bits, f.msg_type, payload)
    }

    fn stringify(v: &Js) -> JsValue {
        JSON::stringify(&v.0).unwrap().into()
    }

    const CASES: &[&str] = &[
        "",
        "not json",
        "null",
        "5",
        "\"s\"",
        "[]",
        "[{\"msgType\":50203}]",
        "{}",
        r#"{"msgType":50203,"sid":"S-1","data":{"url":"u"}}"#,
        r#"{"msgType":50200,"sid":"S-1","data":{"streams":{"a":1},"customer":{}}}"#,
        r#"{"msgType":50200,"sid":"S-1","data":{"streams":[]}}"#,
        r#"{"msgType":50200,"sid":"S-1","data":{"streams":null}}"#,
        r#"{"msgType":"50203","sid":"S-1","data":{"url":"u"}}"#,
        r#"{"msgType":null,"sid":null,"data":null}"#,
        r#"{"msgType":50203.5,"sid":"","data":{"url":1}}"#,
        r#"{"msgType":1e400,"sid":"S","data":{}}"#,
        r#"{"msgType":-0,"sid":"S","data":[]}"#,
        r#"{"msgType":20100,"sid":"S","data":{"from":"a","newer":"b"}}"#,
        r#"{"msgType":20101,"sid":"S","data":{"from":1,"newer":null}}"#,
        r#"{"msgType":true,"sid":5,"data":"x"}"#,
        r#"{"msgType":50203,"sid":{},"data":7}"#,
        r#"{"msgType":50203,"sid":"S","data":{"sid":"inner","msgType":1}}"#,
        r#"{"sid":"S"}"#,
    ];

    #[wasm_bindgen_test]
    fn the_reader_reads_what_the_core_reads() {
        let r = Reader::new(read_push());
        for text in CASES {
            for id in [
                "",
                "7",
                "0",
                "007",
                "+7",
                "abc",
                "123456789012345",
                "1234567890123456",
            ] {
                assert_eq!(
                    via_reader(&r, text, id),
                    via_core(text, id),
                    "{text} id={id:?}"
                );
            }
        }
    }

    #[wasm_bindgen_test]
    fn the_reader_agrees_on_generated_messages() {
        // Every member the checks read, at random, in every shape JSON has.
        let shapes = [
            "null",
            "true",
            "0",
            "-1.5",
            "50203",
            "50200",
            "20100",
            "\"\"",
            "\"S-1\"",
            "[]",
            "[1]",
            "{}",
            "{\"a\":{}}",
        ];
        let r = Reader::new(read_push());
        let seed = std::cell::Cell::new(0x2545_f491_u32);
        let next = |n: usize| {
            let mut x = seed.get();
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            seed.set(x);
            x as usize % n
        };
        for _ in 0..2_000 {
            let pick = |key: &str| -> String {
                match next(shapes.len() + 1) {
                    0 => String::new(),
                    i => format!("\"{key}\":{}", shapes[i - 1]),
                }
            };
            let inner: Vec<String> = ["streams", "url", "from", "newer", "customer"]
                .iter()
                .map(|k| pick(k))
                .filter(|s| !s.is_empty())
                .collect();
            let data = match next(4) {
                0 => String::new(),
                1 => pick("data"),
                _ => format!("\"data\":{{{}}}", inner.join(",")),
            };
            let members: Vec<String> = [pick("msgType"), pick("sid"), data]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let text = format!("{{{}}}", members.join(","));
            assert_eq!(via_reader(&r, &text, "1"), via_core(&text, "1"), "{text}");
        }
    }

    #[wasm_bindgen_test]
    fn the_reader_still_reports_after_wasm_memory_grew() {
        // Growing the memory detaches the buffer the reader's view was on:
        // the reader must make a new view, or its facts would go nowhere.
        // Each message differs from the one before, so stale facts show.
        let r = Reader::new(read_push());
        let texts = [
            r#"{"msgType":50203,"sid":"S-1","data":{"url":"u"}}"#,
            r#"{"msgType":20100,"sid":"S-2","data":{"from":"a"}}"#,
        ];
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        for i in 0..4 {
            let (text, id) = (texts[i % 2], ["7", "x"][i % 2]);
            assert_eq!(via_reader(&r, text, id), via_core(text, id), "{text}");
            memory.grow(1);
        }
    }

    #[wasm_bindgen_test]
    fn a_reader_that_throws_hands_the_message_back() {
        // The listener then reads the message through the value view.
        let r = Reader::new(Function::new_no_args("throw new Error('reader')"));
        assert!(r.read(&event(&JsValue::from_str("{}"), "1")).is_none());
    }

    #[wasm_bindgen_test]
    fn the_reader_leaves_long_texts_unparsed() {
        let r = Reader::new(read_push());
        let long = format!("{{\"pad\":\"{}\"}}", "x".repeat(MAX_FRAME_CHARS));
        match r.read(&event(&JsValue::from_str(&long), "9")) {
            Some((_, Input::PushOversized { id, len })) => {
                assert_eq!(id.as_deref(), Some("9"));
                assert_eq!(len, long.len());
            }
            other => panic!("{other:?}"),
        }
        let (now, input) = r.read(&event(&JsValue::from_f64(3.0), "")).unwrap();
        assert!(now > 0.0, "the event's timeStamp or the clock");
        match input {
            Input::PushRead { id, data, facts } => {
                assert_eq!(
                    (id, data.len, facts.bits),
                    (None, 0, 0),
                    "not text: not JSON"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
