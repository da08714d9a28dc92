//! Native throughput of the sans-IO core. Prints numbers; asserts nothing.
//! Run: `cargo bench -p rtv-core` (or `npm run bench`, which adds size and memory).

use std::time::Instant;

use rtv_core::{Agent, Config, Frame, HttpOutcome, Input, Method, Output, Value};
use serde_json::Value as Json;

const INCOMING: &str = r#"{"msgType":50200,"sid":"S-ID","data":{"customer":{"name":"张三","phone":"13800000000","policyNo":"P2026001"},"streams":{"pushUrl":"rtmp://127.0.0.1/live/a","playUrls":["rtmp://127.0.0.1/live/b"]}}}"#;

fn config() -> Config {
    let o: Json =
        serde_json::from_str(r#"{"systemCode":"S","account":"a1","profile":"dev"}"#).unwrap();
    Config::from_value(&o).unwrap()
}

fn agent() -> Agent<Json> {
    Agent::new(config(), 0.0, 1)
}

/// A text as the browser hands it over: parsed once, with its length.
fn frame(text: &str) -> Frame<Json> {
    Frame {
        value: Some(serde_json::from_str(text).unwrap()),
        text: Json::from(text),
        len: text.encode_utf16().count(),
    }
}

/// Answers every HTTP request OK and every EXE request OK; returns outputs seen.
fn pump(a: &mut Agent<Json>, now: f64) -> usize {
    let mut n = 0;
    let mut replies = Vec::new();
    while let Some(o) = a.poll_output() {
        n += 1;
        match o {
            Output::Http(r) if !r.keepalive => replies.push(Input::Http {
                id: r.id,
                outcome: HttpOutcome::Response {
                    status: 200,
                    body: frame(r#"{"code":0,"msg":"ok","data":null}"#),
                },
            }),
            Output::ExeSend(f) => {
                let id = f["id"].clone();
                let reply = serde_json::json!({"id": id, "ok": true, "data": {}});
                let len = reply.to_string().encode_utf16().count();
                replies.push(Input::ExeText(Frame {
                    text: Json::from(reply.to_string()),
                    value: Some(reply),
                    len,
                }));
            }
            _ => {}
        }
    }
    for r in replies {
        a.handle_input(now, r);
        n += pump(a, now);
    }
    n
}

fn main() {
    // Full call cycles through the state machine. The texts are parsed
    // outside the core, as in the browser: one template, a fresh `sid` each.
    let Frame {
        value: Some(incoming),
        text: incoming_text,
        len: incoming_len,
    } = frame(INCOMING)
    else {
        unreachable!()
    };
    let mut a = agent();
    a.handle_input(0.0, Input::PushOpened);
    a.handle_input(0.0, Input::ExeOpened);
    pump(&mut a, 0.0);
    assert_eq!(a.state().as_str(), "ready");
    let cycles = 100_000u32;
    let t = Instant::now();
    let mut outputs = 0;
    for i in 0..cycles {
        let now = i as f64;
        let sid = format!("S-{i}");
        a.handle_input(
            now,
            Input::PushMessage {
                id: Some((2 * i + 1).to_string()),
                data: {
                    let mut v = incoming.clone();
                    v["sid"] = Json::string(&sid);
                    Frame {
                        value: Some(v),
                        text: incoming_text.clone(),
                        len: incoming_len,
                    }
                },
            },
        );
        outputs += pump(&mut a, now);
        a.handle_input(
            now,
            Input::Call {
                call: i,
                method: Method::Answer,
                arg: Json::string(&sid),
            },
        );
        outputs += pump(&mut a, now);
        a.handle_input(
            now,
            Input::PushMessage {
                id: Some((2 * i + 2).to_string()),
                data: frame(&format!(r#"{{"msgType":30017,"sid":"{sid}","data":{{}}}}"#)),
            },
        );
        outputs += pump(&mut a, now);
    }
    let el = t.elapsed();
    assert_eq!(a.state().as_str(), "ready");
    println!(
        "call cycle (50200 → answer → EXE start → 30017 → EXE stop): {:.2} µs/cycle, {cycles} cycles in {:.0} ms, {outputs} outputs",
        el.as_secs_f64() * 1e6 / cycles as f64,
        el.as_secs_f64() * 1e3
    );

    // Duplicate-id storm: replays are dropped before decoding.
    let replay = frame(INCOMING);
    let t = Instant::now();
    for _ in 0..1_000_000 {
        a.handle_input(
            0.0,
            Input::PushMessage {
                id: Some("1".into()),
                data: replay.clone(),
            },
        );
    }
    while a.poll_output().is_some() {}
    println!(
        "replayed id dropped: {:.0} ns/message",
        t.elapsed().as_nanos() as f64 / 1e6
    );

    // Recording a trace (exportTrace()): the cost per push on the hot path,
    // and of building the document of a full ring.
    let mut trace = rtv_core::trace::Trace::<Json>::new(0.0, 1, "bench", &config(), None);
    let push = Input::PushMessage {
        id: Some("1".into()),
        data: frame(INCOMING),
    };
    let n = 1_000_000;
    let t = Instant::now();
    for i in 0..n {
        trace.input(i as f64, &push);
    }
    println!(
        "trace record (199-byte push, ring full after {} entries): {:.0} ns/input",
        rtv_core::trace::MAX_ENTRIES,
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let t = Instant::now();
    let doc = trace.to_value().to_string();
    println!(
        "trace export of a full ring: {:.1} ms, {} KB",
        t.elapsed().as_secs_f64() * 1e3,
        doc.len() / 1024
    );
}
