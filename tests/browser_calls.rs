//! Calls and commands in headless Chromium against the real simulator:
//! ring → answer → busy (EXE `start`) → hang up, a double-clicked answer,
//! argument/state checks and their order, business failures (HTTP_BACK),
//! transport failures (HTTP_ERROR / TIMEOUT / BAD_RESPONSE) and snapshots.
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A ready instance with a call ringing; returns it and the sid.
async fn ringing(name: &str, extra: &str) -> (Sdk, String) {
    let sdk = Sdk::ready(name, extra).await;
    let sid = place_call(&sdk.account).await;
    let ev = sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    assert_eq!(s(&ev, "sid"), sid);
    assert_eq!(sdk.rt.state(), "wait");
    (sdk, sid)
}

fn count(log: &[JsValue], kind: &str, path: &str) -> usize {
    entries(log, kind, path).len()
}

#[wasm_bindgen_test]
async fn incoming_call_answer_and_hang_up() {
    let (sdk, sid) = ringing("call", "{}").await;
    let ev = sdk.seen.events_of("INCOMING_CALL")[0].clone();
    assert_eq!(get(&ev, "msgType").as_f64(), Some(50200.0));
    assert!(
        get(&ev, "customer.name").is_string(),
        "customer: {}",
        json(&ev)
    );
    assert!(
        get(&ev, "streams.pushUrl").is_string(),
        "streams: {}",
        json(&ev)
    );

    settle(sdk.rt.answer(sid.clone().into()))
        .await
        .expect("answer resolves");
    assert_eq!(sdk.rt.state(), "busy");
    let log = wait_log(&sdk.account, "exe", "start", 1, 5_000.0).await;
    let start = entries(&log, "exe", "start")[0];
    assert_eq!(s(start, "body.sid"), sid);
    assert!(get(start, "body.streams").is_object(), "{}", json(start));
    let answer = entries(&log, "http", "rtv/call/answer");
    assert_eq!(answer.len(), 1);
    assert_eq!(s(answer[0], "body.sid"), sid);
    let sessions = items(&control_get("sessions").await);
    let session = sessions.iter().find(|x| s(x, "sid") == sid).unwrap();
    assert_eq!(s(session, "phase"), "active");
    assert_eq!(s(session, "owner"), sdk.account);

    settle(sdk.rt.hang_up(sid.clone().into()))
        .await
        .expect("hangUp resolves");
    assert_eq!(sdk.rt.state(), "ready");
    let log = wait_log(&sdk.account, "exe", "stop", 1, 5_000.0).await;
    assert_eq!(s(entries(&log, "exe", "stop")[0], "body.sid"), sid);
    assert_eq!(count(&log, "http", "rtv/call/hangup"), 1);

    assert_eq!(
        sdk.seen.changes(),
        [
            ["disconnected", "ready"],
            ["ready", "wait"],
            ["wait", "busy"],
            ["busy", "ready"],
        ]
    );
    assert!(sdk.seen.errors.borrow().is_empty(), "{}", sdk.errors_text());
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn double_answer_sends_one_request_and_settles_alike() {
    let (sdk, sid) = ringing("double", "{}").await;
    let fault = format!(
        r#"{{"path":"rtv/call/answer","account":"{}","code":300003,"delayMs":300}}"#,
        sdk.account
    );
    control("fail", &fault).await;
    let (a, b) = (
        sdk.rt.answer(sid.clone().into()),
        sdk.rt.answer(sid.clone().into()),
    );
    let (a, b) = (settle(a).await, settle(b).await);
    let (a, b) = (a.unwrap_err(), b.unwrap_err());
    assert_eq!(json(&a), json(&b), "both rejected alike");
    assert_eq!(get(&a, "code").as_f64(), Some(300003.0));
    assert_eq!(s(&a, "msg"), "操作失败,坐席忙线");
    assert_eq!(sdk.seen.events_of("HTTP_BACK").len(), 1, "one HTTP_BACK");
    assert!(sdk.seen.errors.borrow().is_empty(), "{}", sdk.errors_text());
    assert_eq!(sdk.rt.state(), "wait");

    control("fail", &fault.replace(r#""code":300003,"#, "")).await;
    let (a, b) = (
        sdk.rt.answer(sid.clone().into()),
        sdk.rt.answer(sid.clone().into()),
    );
    let (a, b) = (settle(a).await, settle(b).await);
    let (a, b) = (a.expect("answer"), b.expect("second answer"));
    assert_eq!(json(&a), json(&b), "both resolved alike");
    assert_eq!(sdk.rt.state(), "busy");
    let log = sim_log(&sdk.account).await;
    assert_eq!(
        count(&log, "http", "rtv/call/answer"),
        2,
        "one request per double click"
    );

    settle(sdk.rt.hang_up(sid.into())).await.expect("hangUp");
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn misuse_is_checked_argument_first_then_state() {
    let sdk = Sdk::ready("misuse", "{}").await;
    let code = |r: Result<JsValue, JsValue>| s(&r.expect_err("rejected"), "code");
    // ready: a mistyped or missing argument wins over the wrong state.
    assert_eq!(
        code(settle(sdk.rt.answer(JsValue::from(5))).await),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(settle(sdk.rt.answer(JsValue::UNDEFINED)).await),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(settle(sdk.rt.ask_change_person("S-1".into())).await),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(settle(sdk.rt.answer("S-none".into())).await),
        "INVALID_STATE"
    );
    assert_eq!(
        code(settle(sdk.rt.hang_up("S-none".into())).await),
        "INVALID_STATE"
    );
    assert_eq!(code(settle(sdk.rt.back()).await), "INVALID_STATE");
    assert_eq!(
        code(settle(sdk.rt.snapshot("player".into())).await),
        "INVALID_STATE"
    );

    let sid = place_call(&sdk.account).await;
    sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    // wait: the wrong state before a sid that is not the call's.
    assert_eq!(
        code(settle(sdk.rt.hang_up("S-other".into())).await),
        "INVALID_STATE"
    );
    assert_eq!(
        code(settle(sdk.rt.answer("S-other".into())).await),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(settle(sdk.rt.refuse(JsValue::from(1))).await),
        "INVALID_ARGUMENT"
    );
    assert_eq!(code(settle(sdk.rt.rest()).await), "INVALID_STATE");

    // Each rejection was also reported through `error`, in order.
    let codes: Vec<String> = sdk
        .seen
        .errors
        .borrow()
        .iter()
        .map(|e| s(e, "code"))
        .collect();
    let want = [
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "INVALID_STATE",
        "INVALID_STATE",
        "INVALID_STATE",
        "INVALID_STATE",
        "INVALID_STATE",
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "INVALID_STATE",
    ];
    assert_eq!(codes, want);
    assert!(sdk
        .seen
        .errors
        .borrow()
        .iter()
        .all(|e| get(e, "msg").is_string()));
    // None of them sent anything.
    let log = sim_log(&sdk.account).await;
    for path in [
        "rtv/call/answer",
        "rtv/call/hangup",
        "rtv/call/refuse",
        "rtv/change/ask",
    ] {
        assert_eq!(count(&log, "http", path), 0, "{path} sent");
    }
    assert_eq!(sdk.rt.state(), "wait");
    settle(sdk.rt.refuse(sid.clone().into()))
        .await
        .expect("refuse");
    assert_eq!(sdk.rt.state(), "ready");
    // A refused call rings at the next ready agent: end it so that it does
    // not reach another test's agent.
    control("hangup", &format!(r#"{{"sid":"{sid}","msgType":30017}}"#)).await;
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn failures_leave_the_state_unchanged() {
    let sdk = Sdk::ready("failures", r#"{"httpTimeout":1000}"#).await;
    let acc = sdk.account.clone();
    let fail =
        |what: &str| format!(r#"{{"path":"dispatch/agent/state","account":"{acc}",{what}}}"#);

    // Business failure: HTTP_BACK and a {code: number, msg} rejection, no `error`.
    control("fail", &fail(r#""code":500001"#)).await;
    let r = settle(sdk.rt.rest()).await.unwrap_err();
    assert_eq!(get(&r, "code").as_f64(), Some(500001.0));
    assert_eq!(s(&r, "msg"), "操作失败");
    let back = sdk.wait_event("HTTP_BACK", 1, 1_000.0).await;
    assert_eq!(s(&back, "op"), "agent/state");
    assert_eq!(get(&back, "code").as_f64(), Some(500001.0));
    assert_eq!(s(&back, "msg"), "操作失败");
    assert!(sdk.seen.errors.borrow().is_empty(), "{}", sdk.errors_text());
    assert_eq!(sdk.rt.state(), "ready");
    // A business failure without text gets the platform's Chinese text.
    control("fail", &fail(r#""body":"{\"code\":300003,\"data\":null}""#)).await;
    let r = settle(sdk.rt.rest()).await.unwrap_err();
    assert_eq!(get(&r, "code").as_f64(), Some(300003.0));
    assert_eq!(s(&r, "msg"), "操作失败,坐席忙线");
    let back = sdk.wait_event("HTTP_BACK", 2, 1_000.0).await;
    assert_eq!(s(&back, "msg"), "操作失败,坐席忙线");
    assert!(sdk.seen.errors.borrow().is_empty(), "{}", sdk.errors_text());

    // Transport failures: `error` and a rejection with the same code.
    let cases = [
        (r#""status":500"#, "HTTP_ERROR"),
        (r#""delayMs":2500"#, "TIMEOUT"),
        (r#""body":"<html>not an envelope</html>""#, "BAD_RESPONSE"),
        (r#""body":"{\"code\":\"0\"}""#, "BAD_RESPONSE"),
    ];
    for (i, (what, want)) in cases.iter().enumerate() {
        control("fail", &fail(what)).await;
        let r = settle(sdk.rt.rest()).await.unwrap_err();
        assert_eq!(s(&r, "code"), *want, "{what}");
        assert!(get(&r, "msg").is_string());
        assert_eq!(
            sdk.seen.errors_of(want).len(),
            cases[..=i].iter().filter(|c| c.1 == *want).count()
        );
        assert_eq!(sdk.rt.state(), "ready", "{what}");
    }
    assert_eq!(sdk.seen.events_of("HTTP_BACK").len(), 2);
    assert_eq!(
        sdk.seen.events_of("STATE_CHANGE").len(),
        1,
        "no state change"
    );

    // And the next try works.
    settle(sdk.rt.rest()).await.expect("rest");
    assert_eq!(sdk.rt.state(), "leave");
    settle(sdk.rt.back()).await.expect("back");
    assert_eq!(sdk.rt.state(), "ready");
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn snapshot_resolves_with_a_png_data_url() {
    let (sdk, sid) = ringing("snapshot", "{}").await;
    settle(sdk.rt.answer(sid.clone().into()))
        .await
        .expect("answer");
    let prefix = "data:image/png;base64,";
    for (arg, kind) in [(JsValue::UNDEFINED, "player"), ("pusher".into(), "pusher")] {
        let v = settle(sdk.rt.snapshot(arg)).await.expect("snapshot");
        assert_eq!(s(&v, "type"), kind);
        let b64 = s(&v, "base64");
        assert!(b64.starts_with(prefix), "{}", &b64[..b64.len().min(60)]);
        assert!(!b64[prefix.len()..].starts_with("data:"), "one prefix only");
        assert!(b64.len() > prefix.len() + 100, "an image");
    }
    let events = sdk.seen.events_of("SNAPSHOT");
    assert_eq!(events.len(), 2);
    assert_eq!(s(&events[0], "type"), "player");
    assert!(s(&events[1], "base64").starts_with(prefix));
    let r = settle(sdk.rt.snapshot("screen".into())).await.unwrap_err();
    assert_eq!(s(&r, "code"), "INVALID_ARGUMENT");
    let log = sim_log(&sdk.account).await;
    let types: Vec<String> = entries(&log, "exe", "snapshot")
        .iter()
        .map(|e| s(e, "body.type"))
        .collect();
    assert_eq!(types, ["player", "pusher"]);
    settle(sdk.rt.hang_up(sid.into())).await.expect("hangUp");
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn a_call_waiting_in_the_queue_rings_once_the_agent_is_ready() {
    end_stale_calls().await;
    wait_no_ready_agent().await;
    // The platform offers a waiting call as soon as it accepts `ready`: its
    // 50200 push may overtake the `agent/state` reply.
    let sid = place_queued_call().await;
    let sdk = Sdk::new("queued", "{}");
    let ev = sdk.wait_event("INCOMING_CALL", 1, 10_000.0).await;
    assert_eq!(s(&ev, "sid"), sid);
    sdk.wait_state("wait", 2_000.0).await;
    assert_eq!(sdk.seen.states(), ["ready", "wait"]);
    assert!(sdk.seen.errors.borrow().is_empty(), "{}", sdk.errors_text());
    settle(sdk.rt.answer(sid.clone().into()))
        .await
        .expect("answer");
    settle(sdk.rt.hang_up(sid.into())).await.expect("hangUp");
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn a_reloaded_page_recovers_its_active_call() {
    let (first, sid) = ringing("recover", "{}").await;
    let account = first.account.clone();
    settle(first.rt.answer(sid.clone().into()))
        .await
        .expect("answer");
    // The first page ends because its credentials stop working (it
    // reports a best-effort `offline`, as an unloading page would).
    push_channel(&account, "reject").await;
    push_channel(&account, "drop").await;
    wait_until("first page ended", 10_000.0, || {
        first.seen.completes.get() == 1
    })
    .await;
    push_channel(&account, "restore").await;

    // The reloaded page learns of the call from `session/current`.
    let page = Sdk::with_account(&account, "{}");
    let rec = page.wait_event("RECOVERY_CALL", 1, 10_000.0).await;
    assert_eq!(s(&rec, "sid"), sid);
    assert_eq!(s(&rec, "role"), "owner");
    assert!(get(&rec, "streams").is_object(), "{}", json(&rec));
    assert_eq!(page.rt.state(), "busy");
    assert_eq!(page.seen.states(), ["busy"]);
    assert_eq!(
        s(&page.seen.events_of("STATE_CHANGE")[0], "from"),
        "disconnected"
    );
    let log = wait_log(&account, "exe", "start", 2, 5_000.0).await;
    assert_eq!(s(entries(&log, "exe", "start")[1], "body.sid"), sid);
    // No `agent/state ready` for a recovered call: the platform knows it is
    // busy. The first page sent `ready` once and `offline` once.
    let presence: Vec<String> = entries(&log, "http", "dispatch/agent/state")
        .iter()
        .map(|e| s(e, "body.state"))
        .collect();
    assert_eq!(presence, ["ready", "offline"], "{presence:?}");
    settle(page.rt.hang_up(sid.into())).await.expect("hangUp");
    assert_eq!(page.rt.state(), "ready");
    page.destroy().await;
}
