//! Native throughput of the sans-IO core. Prints numbers; asserts nothing.
//! Run: `cargo bench -p rtv-core` (or `npm run bench`, which adds size and memory).

use std::time::Instant;

use rtv_core::json::Json;
use rtv_core::{Agent, Config, HttpOutcome, Input, Method, Output};

const INCOMING: &str = r#"{"msgType":50200,"sid":"S-ID","data":{"customer":{"name":"张三","phone":"13800000000","policyNo":"P2026001"},"streams":{"pushUrl":"rtmp://127.0.0.1/live/a","playUrls":["rtmp://127.0.0.1/live/b"]}}}"#;

fn agent() -> Agent {
    let o = Json::parse(r#"{"systemCode":"S","account":"a1","profile":"dev"}"#).unwrap();
    Agent::new(Config::from_json(&o).unwrap(), 0.0, 1)
}

/// Answers every HTTP request OK and every EXE request OK; returns outputs seen.
fn pump(a: &mut Agent, now: f64) -> usize {
    let mut n = 0;
    let mut replies = Vec::new();
    while let Some(o) = a.poll_output() {
        n += 1;
        match o {
            Output::Http(r) if !r.keepalive => replies.push(Input::Http {
                id: r.id,
                outcome: HttpOutcome::Response {
                    status: 200,
                    body: r#"{"code":0,"msg":"ok","data":null}"#.into(),
                },
            }),
            Output::ExeSend(t) => {
                let id = Json::parse(&t)
                    .unwrap()
                    .get("id")
                    .unwrap()
                    .as_i64()
                    .unwrap();
                replies.push(Input::ExeText(format!(
                    r#"{{"id":{id},"ok":true,"data":{{}}}}"#
                )));
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

/// A push whose `data` has `keys` members (~11 bytes each): the parser must
/// stay linear in the key count (80,000 keys fit the 1 MiB frame limit).
fn wide_push(keys: usize) -> String {
    let members: Vec<String> = (0..keys).map(|i| format!("\"k{i:06}\":{i}")).collect();
    format!(
        r#"{{"msgType":50204,"sid":"S-1","data":{{"url":"u",{}}}}}"#,
        members.join(",")
    )
}

fn main() {
    // JSON parse of wide objects: time per key must not grow with the width.
    for keys in [1_000usize, 10_000, 80_000] {
        let text = wide_push(keys);
        let reps = (200_000 / keys).max(3);
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..reps {
            n += Json::parse(&text).map(|v| v.to_string().len()).unwrap_or(0);
        }
        let per_key = t.elapsed().as_nanos() as f64 / (reps * keys) as f64;
        println!(
            "json parse, {keys:>6} keys ({} KB): {per_key:>7.1} ns/key  [{n}]",
            text.len() / 1024
        );
    }
    // JSON parse of a typical 50200 message.
    let iters = 200_000;
    let t = Instant::now();
    let mut keep = 0;
    for _ in 0..iters {
        keep += Json::parse(INCOMING)
            .map(|v| v.is_obj() as usize)
            .unwrap_or(0);
    }
    let per = t.elapsed().as_nanos() as f64 / iters as f64;
    println!(
        "json parse 50200 message ({} bytes): {per:.0} ns/op ({keep} ok)",
        INCOMING.len()
    );

    // Full call cycles through the state machine.
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
                data: INCOMING.replace("S-ID", &sid),
            },
        );
        outputs += pump(&mut a, now);
        a.handle_input(
            now,
            Input::Call {
                call: i,
                method: Method::Answer,
                arg: Json::Str(sid.clone()),
            },
        );
        outputs += pump(&mut a, now);
        a.handle_input(
            now,
            Input::PushMessage {
                id: Some((2 * i + 2).to_string()),
                data: format!(r#"{{"msgType":30017,"sid":"{sid}","data":{{}}}}"#),
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
    let t = Instant::now();
    for _ in 0..1_000_000 {
        a.handle_input(
            0.0,
            Input::PushMessage {
                id: Some("1".into()),
                data: INCOMING.into(),
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
    let opts = Json::parse(r#"{"systemCode":"S","account":"a1","profile":"dev"}"#).unwrap();
    let mut trace = rtv_core::trace::Trace::new(0.0, 1, "bench", &opts, None);
    let push = rtv_core::trace::Step::Input(Input::PushMessage {
        id: Some("1".into()),
        data: INCOMING.into(),
    });
    let n = 1_000_000;
    let t = Instant::now();
    for i in 0..n {
        trace.record(i as f64, &push);
    }
    println!(
        "trace record (199-byte push, ring full after {} entries): {:.0} ns/input",
        rtv_core::trace::MAX_ENTRIES,
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let t = Instant::now();
    let doc = trace.to_json().to_string();
    println!(
        "trace export of a full ring: {:.1} ms, {} KB",
        t.elapsed().as_secs_f64() * 1e3,
        doc.len() / 1024
    );
}
