//! Link failures beyond a short outage, in headless Chromium against the
//! real simulator: an outage longer than the grace period and the recovery
//! that follows, credentials rejected mid-session, a push answer of the wrong
//! content type, and garbage from the EXE. Also checks that reconnecting
//! never leaves extra event sources, sockets or requests behind.
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn count(name: &str) -> i32 {
    counters()
        .into_iter()
        .find(|(n, _)| n == name)
        .map_or(-1, |p| p.1)
}

/// Live resources now, minus what was live before the test (an earlier
/// test that failed leaves its instance behind).
struct Baseline(Vec<(String, i32)>);

impl Baseline {
    fn take() -> Baseline {
        Baseline(counters())
    }

    fn added(&self, name: &str) -> i32 {
        let before = self.0.iter().find(|(n, _)| n == name).map_or(0, |p| p.1);
        count(name) - before
    }
}

#[wasm_bindgen_test]
async fn a_long_outage_disconnects_then_recovers_by_itself() {
    let base = Baseline::take();
    let sdk = Sdk::ready("longoutage", r#"{"gracePeriod":1000}"#).await;
    let acc = sdk.account.clone();
    push_channel(&acc, "error500").await;
    push_channel(&acc, "drop").await;
    let lost = sdk.wait_error("PUSH_LINK_LOST", 1, 5_000.0).await;
    assert!(get(&lost, "msg").is_string());
    sdk.wait_state("disconnected", 5_000.0).await;
    sdk.wait_error("DISCONNECTED", 1, 1_000.0).await;
    // While down: one EventSource at most, no stray probes piling up.
    assert!(base.added("eventSources") <= 1, "{:?}", counters());
    assert!(base.added("fetches") <= 1, "{:?}", counters());

    push_channel(&acc, "restore").await;
    // Push retries back off (1 s base, capped 30 s, full jitter).
    sdk.wait_state("ready", 20_000.0).await;
    assert_eq!(
        sdk.seen.changes(),
        [
            ["disconnected", "ready"],
            ["ready", "disconnected"],
            ["disconnected", "ready"],
        ]
    );
    // The recovery ran the whole sync again.
    let log = sim_log(&acc).await;
    assert_eq!(entries(&log, "http", "rtv/session/current").len(), 2);
    let presence: Vec<String> = entries(&log, "http", "dispatch/agent/state")
        .iter()
        .map(|e| s(e, "body.state"))
        .collect();
    assert_eq!(presence, ["ready", "ready"]);
    assert_eq!(base.added("eventSources"), 1, "{:?}", counters());
    assert_eq!(base.added("webSockets"), 1, "{:?}", counters());
    assert_eq!(base.added("fetches"), 0, "{:?}", counters());

    // And it works: a call rings.
    let sid = place_call(&acc).await;
    let ev = sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    assert_eq!(s(&ev, "sid"), sid);
    settle(sdk.rt.refuse(sid.clone().into()))
        .await
        .expect("refuse");
    control("hangup", &format!(r#"{{"sid":"{sid}","msgType":30017}}"#)).await;
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn credentials_rejected_mid_session_end_the_instance() {
    let sdk = Sdk::ready("midauth", r#"{"token":"mid-session-token"}"#).await;
    let acc = sdk.account.clone();
    push_channel(&acc, "reject").await;
    push_channel(&acc, "drop").await;
    let auth = sdk.wait_error("AUTH", 1, 10_000.0).await;
    assert_eq!(get(&auth, "status").as_f64(), Some(401.0));
    wait_until("complete()", 2_000.0, || sdk.seen.completes.get() == 1).await;
    assert_eq!(sdk.rt.state(), "disconnected");
    let timeline = sdk.seen.timeline.borrow().clone();
    let at = |t: &str| timeline.iter().position(|x| x == t).unwrap();
    assert!(at("error:AUTH") < at("complete"), "{timeline:?}");
    assert_eq!(timeline.last().map(String::as_str), Some("complete"));
    assert_eq!(
        sdk.seen.states().last().map(String::as_str),
        Some("disconnected")
    );
    let subs = || async {
        let log = sim_log(&acc).await;
        entries(&log, "subscribe", "push-client/subscribe").len()
    };
    let before = subs().await;
    sleep(2_500).await;
    assert_eq!(subs().await, before, "no retry after AUTH");
    assert_eq!(sdk.seen.timeline.borrow().len(), timeline.len());
    push_channel(&acc, "restore").await;
    report_offline(&acc).await;
}

#[wasm_bindgen_test]
async fn a_push_answer_that_is_not_an_event_stream_is_an_outage() {
    let sdk = Sdk::ready("wrongtype", r#"{"gracePeriod":20000}"#).await;
    let acc = sdk.account.clone();
    // A first message gives the SDK an id to resume after: without one a
    // subscribe starts with new messages only (SPEC §4.1).
    push(
        &acc,
        50204,
        "S-first",
        r#"{"url":"http://127.0.0.1/0.png"}"#,
    )
    .await;
    sdk.wait_event("IMAGE", 1, 3_000.0).await;
    push_channel(&acc, "wrongType").await;
    push_channel(&acc, "drop").await;
    let lost = sdk.wait_error("PUSH_LINK_LOST", 1, 5_000.0).await;
    assert!(s(&lost, "msg").contains("content type"), "{}", json(&lost));
    push_channel(&acc, "restore").await;
    push(&acc, 50204, "S-img", r#"{"url":"http://127.0.0.1/i.png"}"#).await;
    let img = sdk.wait_event("IMAGE", 2, 20_000.0).await;
    assert_eq!(s(&img, "url"), "http://127.0.0.1/i.png");
    assert_eq!(sdk.seen.states(), ["ready"]);
    assert_eq!(sdk.seen.errors_of("AUTH").len(), 0);
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn garbage_from_the_exe_is_reported_once_each() {
    let sdk = Sdk::ready("exegarbage", "{}").await;
    let acc = sdk.account.clone();
    exe_action(&acc, "garbage").await;
    sdk.wait_error("UNKNOWN_REPLY", 1, 3_000.0).await;
    sleep(300).await;
    let codes: Vec<String> = sdk
        .seen
        .errors
        .borrow()
        .iter()
        .map(|e| s(e, "code"))
        .collect();
    assert_eq!(codes, ["BAD_MESSAGE", "UNKNOWN_REPLY"]);
    // The link stays up and usable.
    let sid = place_call(&acc).await;
    sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    settle(sdk.rt.answer(sid.clone().into()))
        .await
        .expect("answer");
    let snap = settle(sdk.rt.snapshot("player".into()))
        .await
        .expect("snapshot");
    assert!(s(&snap, "base64").starts_with("data:image/png;base64,"));
    settle(sdk.rt.hang_up(sid.into())).await.expect("hangUp");
    assert!(sdk
        .seen
        .events_of("EXE_EVENT")
        .iter()
        .all(|e| s(e, "code") != "EXE_LINK_LOST"));
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn a_silent_exe_fails_the_snapshot_and_is_reopened() {
    let sdk = Sdk::ready("exesilent", r#"{"exeTimeout":1000}"#).await;
    let acc = sdk.account.clone();
    let sid = place_call(&acc).await;
    sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    settle(sdk.rt.answer(sid.clone().into()))
        .await
        .expect("answer");
    wait_log(&acc, "exe", "start", 1, 5_000.0).await;
    exe_action(&acc, "silence").await;
    let asked = js_sys::Date::now();
    let r = settle(sdk.rt.snapshot("player".into())).await.unwrap_err();
    assert_eq!(s(&r, "code"), "TIMEOUT");
    let took = js_sys::Date::now() - asked;
    assert!(
        (900.0..3_000.0).contains(&took),
        "after exeTimeout: {took} ms"
    );
    sdk.wait_error("TIMEOUT", 1, 1_000.0).await;
    let codes = || -> Vec<String> {
        let events = sdk.seen.events_of("EXE_EVENT");
        events.iter().map(|e| s(e, "code")).collect()
    };
    wait_until("EXE_LINK_LOST", 3_000.0, || {
        codes().contains(&"EXE_LINK_LOST".into())
    })
    .await;
    exe_action(&acc, "restore").await;
    let restored = "EXE_LINK_RESTORED".to_string();
    wait_until("EXE_LINK_RESTORED", 15_000.0, || {
        codes().contains(&restored)
    })
    .await;
    let log = wait_log(&acc, "exe", "start", 2, 5_000.0).await;
    assert_eq!(s(entries(&log, "exe", "start")[1], "body.sid"), sid);
    assert_eq!(sdk.rt.state(), "busy");
    let snap = settle(sdk.rt.snapshot("pusher".into()))
        .await
        .expect("snapshot");
    assert_eq!(s(&snap, "type"), "pusher");
    settle(sdk.rt.hang_up(sid.into())).await.expect("hangUp");
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn reconnect_reopens_a_push_channel_that_is_down() {
    // SPEC §3: reconnect() re-opens a push channel that is down at once
    // (within 0.5 s). Checked three times, each with the backoff at its cap
    // (a scheduled retry then waits a uniform 0..30 s): a scheduled retry
    // cannot pass for reconnect().
    let clock = FastClock::install(BACKOFF_SPEED);
    let sdk = Sdk::ready("pushreconnect", r#"{"gracePeriod":600000}"#).await;
    let acc = sdk.account.clone();
    push(&acc, 50204, "S-0", r#"{"url":"http://127.0.0.1/0.png"}"#).await;
    sdk.wait_event("IMAGE", 1, 3_000.0).await;
    push_channel(&acc, "error500").await;
    push_channel(&acc, "drop").await;
    sdk.wait_error("PUSH_LINK_LOST", 1, 5_000.0).await;
    let sources = |c: &FastClock| c.sources();
    // Stream 1 was the open channel; an attempt is an EventSource plus its
    // status probe; after the reset the k-th failure draws attempt k - 1.
    let mut base = 1;
    for round in 1..=3 {
        wait_attempts_failed(&clock, "push attempts", base + 6, sources, true, 60_000.0).await;
        let n = clock.sources().len();
        let took = attempt_delay_after(&clock, sources, || {
            let _ = sdk.rt.reconnect();
        })
        .await;
        assert!(
            took <= 500.0,
            "round {round}: reconnect() re-opened the push channel after {took:.0} ms (SDK time)"
        );
        base = n;
    }
    wait_attempts_failed(&clock, "push attempts", base + 1, sources, true, 60_000.0).await;
    push_channel(&acc, "restore").await;
    push(&acc, 50204, "S-1", r#"{"url":"http://127.0.0.1/1.png"}"#).await;
    settle(sdk.rt.reconnect()).await.expect("reconnect");
    sdk.wait_event("IMAGE", 2, 5_000.0).await;
    assert_eq!(
        sdk.seen.errors_of("PUSH_LINK_LOST").len(),
        1,
        "reported once"
    );
    assert_eq!(sdk.seen.states(), ["ready"]);
    sdk.destroy().await;
    drop(clock);
}

#[wasm_bindgen_test]
async fn an_unreachable_service_keeps_retrying_and_destroy_stops_it() {
    let base = Baseline::take();
    // Nothing listens on port 9: every request fails at the network level.
    let sdk = Sdk::new(
        "noservice",
        r#"{"videoServiceUrl":"http://127.0.0.1:9/rtv/"}"#,
    );
    sdk.wait_error("HTTP_ERROR", 2, 8_000.0).await;
    let e = sdk.seen.errors_of("HTTP_ERROR")[0].clone();
    assert_eq!(s(&e, "op"), "session/current");
    assert_eq!(sdk.rt.state(), "disconnected");
    assert!(sdk.seen.states().is_empty());
    sdk.destroy().await;
    assert_eq!(sdk.seen.completes.get(), 1);
    let n = sdk.seen.timeline.borrow().len();
    sleep(2_500).await;
    assert_eq!(
        sdk.seen.timeline.borrow().len(),
        n,
        "no retry after destroy()"
    );
    for kind in [
        "listeners",
        "timers",
        "eventSources",
        "webSockets",
        "fetches",
    ] {
        assert_eq!(base.added(kind), 0, "{kind}: {:?}", counters());
    }
}
