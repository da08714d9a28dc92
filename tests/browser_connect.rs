//! Connecting, presence and ending an instance, in headless Chromium against
//! the real simulator: `disconnected → ready`, what the SDK sent (subscribe
//! query, `Authorization`, `agent/state`, heartbeat, EXE hello), the token
//! kept out of the console, rejected credentials, and `destroy()` releasing
//! every browser resource.
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn connects_reports_ready_and_sends_heartbeats() {
    let console = ConsoleCapture::start();
    let token = format!("tok-secret-{}", (js_sys::Math::random() * 1e9) as u64);
    let sdk = Sdk::new(
        "connect",
        &format!(r#"{{"token":"{token}","logLevel":"debug"}}"#),
    );
    assert_eq!(sdk.rt.state(), "disconnected");
    sdk.wait_state("ready", 10_000.0).await;

    let changes = sdk.seen.events_of("STATE_CHANGE");
    assert_eq!(changes.len(), 1, "one STATE_CHANGE: {}", sdk.errors_text());
    assert_eq!(s(&changes[0], "state"), "ready");
    assert_eq!(s(&changes[0], "from"), "disconnected");
    assert!(sdk.seen.errors.borrow().is_empty(), "{}", sdk.errors_text());

    let log = wait_log(&sdk.account, "http", "dispatch/agent/state", 1, 5_000.0).await;
    let sub = entries(&log, "subscribe", "push-client/subscribe");
    assert_eq!(sub.len(), 1, "one subscribe");
    assert_eq!(s(sub[0], "body.systemCode"), "BT");
    assert_eq!(s(sub[0], "body.account"), sdk.account);
    assert_eq!(s(sub[0], "body.token"), token);
    let current = entries(&log, "http", "rtv/session/current");
    assert_eq!(current.len(), 1, "one session/current");
    let presence = entries(&log, "http", "dispatch/agent/state");
    assert_eq!(s(presence[0], "body.state"), "ready");
    for e in current.iter().chain(presence.iter()) {
        assert_eq!(s(e, "body.systemCode"), "BT");
        assert_eq!(s(e, "body.account"), sdk.account);
        assert_eq!(s(e, "authorization"), format!("Bearer {token}"));
    }
    let hello = entries(&log, "exe", "hello");
    assert_eq!(hello.len(), 1, "one EXE hello");
    assert_eq!(s(hello[0], "body.account"), sdk.account);

    // Every 20 s while connected (up to 5 s early when a ping wakes the core).
    let log = wait_log(
        &sdk.account,
        "http",
        "dispatch/agent/heartbeat",
        1,
        25_000.0,
    )
    .await;
    let beat = entries(&log, "http", "dispatch/agent/heartbeat");
    assert_eq!(s(beat[0], "body.state"), "ready");
    assert_eq!(s(beat[0], "authorization"), format!("Bearer {token}"));

    sdk.destroy().await;
    let lines = console.lines();
    drop(console);
    assert!(
        lines.iter().any(|l| l.contains("[RtVideo]")),
        "debug logging reached the console: {lines:?}"
    );
    let leaked: Vec<_> = lines.iter().filter(|l| l.contains(&token)).collect();
    assert!(leaked.is_empty(), "token in console: {leaked:?}");
}

#[wasm_bindgen_test]
async fn rejected_token_reports_auth_and_completes_once() {
    let token = format!("tok-rejected-{}", (js_sys::Math::random() * 1e9) as u64);
    control("auth", &format!(r#"{{"rejectTokens":["{token}"]}}"#)).await;
    let sdk = Sdk::new("auth", &format!(r#"{{"token":"{token}"}}"#));
    sdk.wait_error("AUTH", 1, 10_000.0).await;
    wait_until("complete()", 2_000.0, || sdk.seen.completes.get() == 1).await;
    // Let any stray retry or callback show up before checking.
    sleep(2_500).await;
    control("auth", r#"{"rejectTokens":[]}"#).await;

    assert_eq!(sdk.rt.state(), "disconnected");
    assert_eq!(sdk.seen.completes.get(), 1, "complete() exactly once");
    assert_eq!(sdk.seen.errors_of("AUTH").len(), 1, "one AUTH error");
    let timeline = sdk.seen.timeline.borrow().clone();
    assert_eq!(
        timeline.last().map(String::as_str),
        Some("complete"),
        "nothing after complete(): {timeline:?}"
    );
    let auth_at = timeline.iter().position(|t| t == "error:AUTH").unwrap();
    assert!(auth_at < timeline.len() - 1);
    assert!(
        sdk.seen.states().iter().all(|s| s == "disconnected"),
        "never connected: {:?}",
        sdk.seen.states()
    );
    // The EventSource's request and the status probe; no retry after that.
    let log = sim_log(&sdk.account).await;
    let subs = entries(&log, "subscribe", "push-client/subscribe").len();
    assert!(
        (1..=2).contains(&subs),
        "subscribe requests: {subs} (no retry after AUTH)"
    );
    // A method after the end rejects without calling `error`.
    let r = settle(sdk.rt.rest()).await;
    assert_eq!(s(&r.unwrap_err(), "code"), "DESTROYED");
    assert_eq!(sdk.seen.timeline.borrow().len(), timeline.len());
}

#[wasm_bindgen_test]
async fn destroy_reports_offline_and_releases_everything() {
    let before = counters();
    assert!(
        before.iter().all(|(_, n)| *n == 0),
        "nothing live before the test: {before:?}"
    );
    let sdk = Sdk::ready("destroy", "{}").await;
    let live = counters();
    let count = |c: &[(String, i32)], k: &str| c.iter().find(|(n, _)| n == k).map(|p| p.1);
    assert_eq!(count(&live, "eventSources"), Some(1), "{live:?}");
    assert_eq!(count(&live, "webSockets"), Some(1), "{live:?}");
    assert_eq!(count(&live, "instances"), Some(1), "{live:?}");
    assert!(count(&live, "listeners") > Some(0), "{live:?}");
    assert!(count(&live, "timers") > Some(0), "{live:?}");

    let spy = FetchSpy::start();
    sdk.destroy().await;
    let calls = spy.calls();
    drop(spy);
    let offline: Vec<_> = calls
        .iter()
        .filter(|c| c.url.ends_with("dispatch/agent/state") && c.body.contains("\"offline\""))
        .collect();
    assert_eq!(offline.len(), 1, "one offline request: {calls:?}");
    assert!(offline[0].keepalive, "offline uses keepalive");
    assert_eq!(offline[0].method, "POST");
    assert_eq!(sdk.seen.completes.get(), 1);
    assert_eq!(sdk.rt.state(), "disconnected");
    assert_eq!(
        sdk.seen.states().last().map(String::as_str),
        Some("disconnected")
    );
    let log = wait_log(&sdk.account, "http", "dispatch/agent/state", 2, 5_000.0).await;
    let presence = entries(&log, "http", "dispatch/agent/state");
    assert_eq!(s(presence.last().unwrap(), "body.state"), "offline");

    // Nothing reaches the page any more, whatever the platform sends.
    let seen = sdk.seen.timeline.borrow().len();
    push(&sdk.account, 50203, "S-late", r#"{"url":"http://x/v.mp4"}"#).await;
    settle(sdk.rt.destroy())
        .await
        .expect("a second destroy() resolves");
    sleep(500).await;
    assert_eq!(
        sdk.seen.timeline.borrow().len(),
        seen,
        "no callback after complete()"
    );
    assert_eq!(sdk.seen.completes.get(), 1);

    drop(sdk);
    let after = counters();
    assert!(after.iter().all(|(_, n)| *n == 0), "released: {after:?}");
}
