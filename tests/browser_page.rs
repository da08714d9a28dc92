//! The SDK as a page sees it, in headless Chromium against the real
//! simulator: option checks in the constructor, a page written in plain JS
//! that calls back into `RtVideo` from its callbacks, throwing callbacks,
//! page unload / back-forward-cache signals, and an instance whose handle the
//! page dropped.
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use js_sys::{Array, Function, Object, Reflect};
use snk_rt_video_pc::api::RtVideo;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn ctor_error(options: JsValue) -> String {
    match RtVideo::new(
        options,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    ) {
        Ok(_) => panic!("constructor accepted invalid options"),
        Err(e) => {
            let e: js_sys::Error = e.dyn_into().expect("throws an Error");
            String::from(e.message())
        }
    }
}

#[wasm_bindgen_test]
fn invalid_options_throw_naming_the_field() {
    let before = counters();
    let acc = unique_account("ctor");
    let msg = ctor_error(options(&acc, r#"{"profile":"staging"}"#));
    assert!(msg.contains("profile"), "{msg}");
    let o = options(&acc, "{}");
    Reflect::delete_property(o.unchecked_ref::<Object>(), &"account".into()).unwrap();
    assert!(ctor_error(o).contains("account"));
    assert!(ctor_error(options(&acc, r#"{"systemCode":7}"#)).contains("systemCode"));
    assert!(ctor_error(options(&acc, r#"{"httpTimeout":0}"#)).contains("httpTimeout"));
    let bad_observer = Object::new();
    set(&bad_observer, "next", &"not a function".into());
    let e = RtVideo::new(
        options(&acc, "{}"),
        bad_observer.into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .err()
    .unwrap();
    let msg = String::from(e.unchecked_into::<js_sys::Error>().message());
    assert!(msg.contains("observer.next"), "{msg}");
    assert_eq!(counters(), before, "nothing started");
}

/// `new Function(args, body)`: the page's own JS.
fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

#[wasm_bindgen_test]
async fn a_plain_js_page_can_call_back_from_its_callbacks() {
    end_stale_calls().await;
    let before = counters();
    let account = unique_account("jspage");
    // The page keeps everything on its observer object and drives the SDK by
    // the names existing pages use: answer, hangUp, state, destroy.
    let page = Object::new();
    let seen = Array::new();
    set(&page, "seen", &seen);
    let next = js(
        "ev",
        "this.seen.push('next:' + ev.type + ':' + this.rt.state());
         if (ev.type === 'INCOMING_CALL') { this.answered = this.rt.answer(ev.data.sid); }
         if (ev.type === 'VIDEOTAPE') { this.destroyed = this.rt.destroy(); }",
    );
    set(&page, "next", &next);
    set(
        &page,
        "error",
        &js("e", "this.seen.push('error:' + e.code)"),
    );
    set(&page, "complete", &js("", "this.seen.push('complete')"));
    let rt = RtVideo::new(
        options(&account, "{}"),
        page.clone().into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .expect("constructed");
    let rt: JsValue = rt.into();
    set(&page, "rt", &rt);
    let state = || {
        js("rt", "return rt.state()")
            .call1(&JsValue::NULL, &rt)
            .unwrap()
    };
    wait_until("ready", 10_000.0, || state() == "ready").await;

    let sid = place_call(&account).await;
    wait_until("answered from next()", 5_000.0, || state() == "busy").await;
    let answered = get(&page, "answered");
    settle(answered.unchecked_into())
        .await
        .expect("answer resolves");
    let hang_up = js("rt, sid", "return rt.hangUp(sid)");
    let p = hang_up
        .call2(&JsValue::NULL, &rt, &sid.clone().into())
        .unwrap();
    settle(p.unchecked_into()).await.expect("hangUp resolves");
    assert_eq!(state(), "ready");

    push(&account, 50203, &sid, r#"{"url":"http://127.0.0.1/r.mp4"}"#).await;
    wait_until("destroyed from next()", 5_000.0, || {
        seen.includes(&"complete".into(), 0)
    })
    .await;
    settle(get(&page, "destroyed").unchecked_into())
        .await
        .expect("destroy resolves");
    // EXE stream reports (`playing`, `stopped`) come as they come.
    let log: Vec<String> = seen
        .iter()
        .filter_map(|v| v.as_string())
        .filter(|v| !v.starts_with("next:EXE_EVENT"))
        .collect();
    assert_eq!(
        log,
        [
            "next:STATE_CHANGE:ready",
            "next:STATE_CHANGE:wait",
            "next:INCOMING_CALL:wait",
            "next:STATE_CHANGE:busy",
            "next:STATE_CHANGE:ready",
            "next:VIDEOTAPE:ready",
            "next:STATE_CHANGE:disconnected",
            "complete",
        ]
        .map(String::from)
    );
    let sdk_log = sim_log(&account).await;
    assert_eq!(entries(&sdk_log, "http", "rtv/call/answer").len(), 1);
    // The page still holds its handle; freeing it releases the rest.
    js("rt", "rt.free()").call1(&JsValue::NULL, &rt).unwrap();
    assert_eq!(counters(), before, "everything released");
}

#[wasm_bindgen_test]
async fn throwing_error_and_complete_callbacks_do_not_break_the_sdk() {
    let account = unique_account("throwall");
    let page = Object::new();
    let seen = Array::new();
    set(&page, "seen", &seen);
    set(
        &page,
        "next",
        &js("ev", "this.seen.push(ev.type); throw new Error('next')"),
    );
    set(
        &page,
        "error",
        &js("e", "this.seen.push(e.code); throw new Error('error')"),
    );
    set(
        &page,
        "complete",
        &js("", "this.seen.push('complete'); throw 'complete'"),
    );
    let rt = RtVideo::new(
        options(&account, "{}"),
        page.into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .expect("constructed");
    wait_until("ready", 10_000.0, || rt.state() == "ready").await;
    push_raw(&account, "{broken", None).await;
    push(
        &account,
        50203,
        "S-1",
        r#"{"url":"http://127.0.0.1/r.mp4"}"#,
    )
    .await;
    wait_until("VIDEOTAPE after a throwing error()", 5_000.0, || {
        seen.includes(&"VIDEOTAPE".into(), 0)
    })
    .await;
    settle(rt.destroy()).await.expect("destroy resolves");
    let log: Vec<String> = seen.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(
        log,
        [
            "STATE_CHANGE",
            "BAD_MESSAGE",
            "VIDEOTAPE",
            "STATE_CHANGE",
            "complete"
        ]
        .map(String::from)
    );
}

/// Dispatches `new PageTransitionEvent(kind, {persisted})` on `window`.
fn page_transition(kind: &str, persisted: bool) {
    let ctor = Reflect::get(&js_sys::global(), &"PageTransitionEvent".into()).unwrap();
    let init = Object::new();
    set(&init, "persisted", &persisted.into());
    let args = Array::of2(&kind.into(), &init);
    let ev = Reflect::construct(ctor.unchecked_ref::<Function>(), &args).unwrap();
    web_sys::window()
        .unwrap()
        .dispatch_event(ev.unchecked_ref())
        .unwrap();
}

#[wasm_bindgen_test]
async fn unload_reports_offline_closes_the_links_and_a_restored_page_resyncs() {
    let sdk = Sdk::ready("pagehide", "{}").await;
    let spy = FetchSpy::start();
    page_transition("pagehide", true);
    let offline: Vec<_> = spy
        .calls()
        .into_iter()
        .filter(|c| c.body.contains("\"offline\""))
        .collect();
    assert_eq!(offline.len(), 1, "{:?}", spy.calls());
    assert!(offline[0].keepalive && offline[0].url.ends_with("dispatch/agent/state"));
    // Restored from the back/forward cache (later: the offline has landed).
    wait_log(&sdk.account, "http", "dispatch/agent/state", 2, 5_000.0).await;
    page_transition("pageshow", true);
    drop(spy);
    let log = wait_log(&sdk.account, "http", "dispatch/agent/state", 3, 5_000.0).await;
    let states: Vec<String> = entries(&log, "http", "dispatch/agent/state")
        .iter()
        .map(|e| s(e, "body.state"))
        .collect();
    assert_eq!(states, ["ready", "offline", "ready"]);
    // Away for who knows how long, and reported offline: re-synced as after
    // an outage.
    sdk.wait_state("ready", 5_000.0).await;
    assert_eq!(sdk.seen.states(), ["ready", "disconnected", "ready"]);
    // While hidden the links were closed: one more subscription, one more hello.
    let log = sim_log(&sdk.account).await;
    assert_eq!(entries(&log, "subscribe", "push-client/subscribe").len(), 2);
    assert_eq!(entries(&log, "exe", "hello").len(), 2);
    // A first load's pageshow (not persisted) is not a resume.
    page_transition("pageshow", false);
    sleep(300).await;
    assert_eq!(
        entries(&sim_log(&sdk.account).await, "http", "dispatch/agent/state").len(),
        3
    );
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn an_instance_runs_on_after_the_page_drops_its_handle() {
    let before = counters();
    let sdk = Sdk::ready("dropped", "{}").await;
    let Sdk {
        rt, seen, account, ..
    } = sdk;
    // What the page's `free()` (or garbage collection) does to the handle.
    drop(rt);
    push(
        &account,
        50203,
        "S-1",
        r#"{"url":"http://127.0.0.1/r.mp4"}"#,
    )
    .await;
    wait_until("VIDEOTAPE", 5_000.0, || {
        seen.events_of("VIDEOTAPE").len() == 1
    })
    .await;
    // It still ends when its credentials are rejected, and then lets go.
    push_channel(&account, "reject").await;
    push_channel(&account, "drop").await;
    wait_until("complete()", 10_000.0, || seen.completes.get() == 1).await;
    push_channel(&account, "restore").await;
    report_offline(&account).await;
    assert_eq!(counters(), before, "released once complete");
}

#[wasm_bindgen_test]
async fn ignored_rejections_are_not_reported_as_unhandled() {
    let sdk = Sdk::ready("unhandled", "{}").await;
    let window = web_sys::window().unwrap();
    let unhandled = std::rc::Rc::new(std::cell::Cell::new(0));
    let listener = Closure::<dyn FnMut(JsValue)>::new({
        let unhandled = unhandled.clone();
        move |_| unhandled.set(unhandled.get() + 1)
    });
    window
        .add_event_listener_with_callback("unhandledrejection", listener.as_ref().unchecked_ref())
        .unwrap();
    // A page that never looks at the promises of failing calls.
    let _ = sdk.rt.answer(JsValue::from(1));
    let _ = sdk.rt.hang_up("S-none".into());
    let _ = sdk.rt.back();
    sdk.wait_error("INVALID_STATE", 2, 2_000.0).await;
    sleep(500).await;
    window
        .remove_event_listener_with_callback(
            "unhandledrejection",
            listener.as_ref().unchecked_ref(),
        )
        .unwrap();
    assert_eq!(unhandled.get(), 0, "unhandled rejections");
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn the_online_event_retries_a_push_channel_that_is_down() {
    // The `online` event retries at once (within 0.5 s, as reconnect()).
    // Checked three times with the backoff at its cap (`online` does not
    // start it over), so a scheduled retry (uniform 0..30 s) cannot pass
    // for it.
    let clock = FastClock::install(BACKOFF_SPEED);
    let sdk = Sdk::ready("online", r#"{"gracePeriod":600000}"#).await;
    let acc = sdk.account.clone();
    push(&acc, 50204, "S-0", r#"{"url":"http://127.0.0.1/0.png"}"#).await;
    sdk.wait_event("IMAGE", 1, 3_000.0).await;
    push_channel(&acc, "error500").await;
    push_channel(&acc, "drop").await;
    sdk.wait_error("PUSH_LINK_LOST", 1, 5_000.0).await;
    let sources = |c: &FastClock| c.sources();
    let online = || {
        let ev = web_sys::Event::new("online").unwrap();
        web_sys::window().unwrap().dispatch_event(&ev).unwrap();
    };
    // Six failures since the channel dropped: the pending delay is capped.
    wait_attempts_failed(&clock, "push attempts", 7, sources, true, 60_000.0).await;
    for round in 1..=3 {
        let took = attempt_delay_after(&clock, sources, online).await;
        assert!(
            took <= 500.0,
            "round {round}: `online` re-opened the push channel after {took:.0} ms (SDK time)"
        );
        // That attempt fails too; the next delay is still capped.
        let n = clock.sources().len();
        wait_attempts_failed(&clock, "push attempts", n, sources, true, 30_000.0).await;
    }
    push_channel(&acc, "restore").await;
    push(&acc, 50204, "S-1", r#"{"url":"http://127.0.0.1/1.png"}"#).await;
    online();
    sdk.wait_event("IMAGE", 2, 5_000.0).await;
    assert_eq!(sdk.seen.states(), ["ready"]);
    sdk.destroy().await;
    drop(clock);
}
