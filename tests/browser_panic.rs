//! A panic inside the SDK, in headless Chromium against the real simulator:
//! never a silent dead page. Every live instance's page hears
//! `error({code: 'INTERNAL', msg})` once, then `complete()` once, then
//! nothing; later method calls reject with `INTERNAL`, `state()` is
//! `disconnected`, and `destroy()` still resolves.
//!
//! Needs the `test-hooks` feature (`scripts/test.mjs` passes it), which lets
//! the test make the SDK panic inside its pump from a timer task, with the
//! instance's state borrowed. wasm32 panics abort: the hook runs, then the
//! timer task traps. The harness's own panic hook (which ours chains to in
//! debug builds) only logs a panic outside a test's poll, and the trap is an
//! uncaught error of that timer task, so the test's outcome is decided by
//! its assertions alone. This file holds one test: after a trap the module's
//! Rust state is not to be trusted for anything but the checks below.
#![cfg(all(target_arch = "wasm32", feature = "test-hooks"))]

mod browser_support;

use browser_support::*;
use js_sys::{Array, Promise};
use snk_rt_video_pc::test_hooks;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The callbacks `sdk` saw, as `error:CODE` / `next:TYPE` / `complete`.
fn timeline(sdk: &Sdk) -> Vec<String> {
    sdk.seen.timeline.borrow().clone()
}

/// `sdk` saw exactly one INTERNAL error naming the panic, then one `complete()`.
fn assert_reported_once(sdk: &Sdk, before: usize) {
    let after: Vec<String> = timeline(sdk)[before..].to_vec();
    assert_eq!(
        after,
        ["error:INTERNAL", "complete"],
        "callbacks of {} after the panic",
        sdk.account
    );
    let internal = sdk.seen.errors_of("INTERNAL");
    assert_eq!(internal.len(), 1, "{}", sdk.errors_text());
    let msg = s(&internal[0], "msg");
    assert!(
        msg.contains(test_hooks::PANIC_MSG),
        "INTERNAL msg should carry the panic text: {msg}"
    );
    assert_eq!(sdk.seen.completes.get(), 1);
}

/// Awaits `p` for at most `ms`: a promise left pending forever (a dead
/// instance that swallowed the call) fails the test instead of hanging it.
async fn settle_within(p: Promise, ms: i32, what: &str) -> Result<JsValue, JsValue> {
    let timeout = Promise::new(&mut |resolve, _| {
        let late = JsValue::from_str("pending");
        let _ = web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, ms, &late);
    });
    let raced = Promise::race(&Array::of2(&p, &timeout));
    let out = settle(raced).await;
    if matches!(&out, Ok(v) if v.as_string().as_deref() == Some("pending")) {
        panic!("{what} still pending after {ms} ms");
    }
    out
}

#[wasm_bindgen_test]
async fn a_panic_reports_internal_and_complete_once_to_every_instance_then_stays_silent() {
    let a = Sdk::ready("panic-a", "{}").await;
    let b = Sdk::ready("panic-b", "{}").await;
    // Neither instance has completed or reported anything before.
    assert_eq!(a.seen.completes.get() + b.seen.completes.get(), 0);
    let (before_a, before_b) = (timeline(&a).len(), timeline(&b).len());

    test_hooks::panic_in_next_timer();
    let both = || a.seen.completes.get() >= 1 && b.seen.completes.get() >= 1;
    wait_until(
        "complete() on both instances after the panic",
        5_000.0,
        both,
    )
    .await;
    assert_reported_once(&a, before_a);
    assert_reported_once(&b, before_b);

    // Push traffic, a push to each account, and the SDK's own timers: none
    // of it reaches the page any more.
    push(
        &a.account,
        50203,
        "S-after",
        r#"{"url":"http://127.0.0.1/x.mp4"}"#,
    )
    .await;
    push(
        &b.account,
        50203,
        "S-after",
        r#"{"url":"http://127.0.0.1/x.mp4"}"#,
    )
    .await;
    sleep(1_500).await;
    assert_reported_once(&a, before_a);
    assert_reported_once(&b, before_b);

    for sdk in [&a, &b] {
        assert_eq!(sdk.rt.state(), "disconnected");
        let err = settle_within(sdk.rt.rest(), 2_000, "rest()")
            .await
            .expect_err("rest() after the panic rejects");
        assert_eq!(s(&err, "code"), "INTERNAL", "{}", json(&err));
        assert!(!s(&err, "msg").is_empty());
        let err = settle_within(sdk.rt.answer("S-1".into()), 2_000, "answer()")
            .await
            .expect_err("answer() after the panic rejects");
        assert_eq!(s(&err, "code"), "INTERNAL", "{}", json(&err));
        settle_within(sdk.rt.destroy(), 2_000, "destroy()")
            .await
            .expect("destroy() resolves");
        assert_eq!(sdk.rt.state(), "disconnected");
    }
    // Neither the rejections nor destroy() called back into the page.
    sleep(300).await;
    assert_reported_once(&a, before_a);
    assert_reported_once(&b, before_b);
}
