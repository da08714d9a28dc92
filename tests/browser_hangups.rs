//! Calls the platform ends, in headless Chromium against the real
//! simulator: the customer hangs up while ringing or during the call
//! (INCOMING_CALL_HANGUP, EXE `stop` only for an answered call), the
//! recording that follows (VIDEOTAPE), and a second call offered while busy
//! (UNEXPECTED_MESSAGE, nothing changes).
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn customer_hangs_up(sid: &str, msg_type: i64) {
    control(
        "hangup",
        &format!(r#"{{"sid":"{sid}","msgType":{msg_type}}}"#),
    )
    .await;
}

#[wasm_bindgen_test]
async fn the_customer_gives_up_while_it_rings() {
    let sdk = Sdk::ready("giveup", "{}").await;
    let sid = place_call(&sdk.account).await;
    sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    customer_hangs_up(&sid, 30017).await;
    let ev = sdk.wait_event("INCOMING_CALL_HANGUP", 1, 5_000.0).await;
    assert_eq!(s(&ev, "sid"), sid);
    assert_eq!(get(&ev, "msgType").as_f64(), Some(30017.0));
    assert_eq!(sdk.rt.state(), "ready");
    assert_eq!(sdk.seen.states(), ["ready", "wait", "ready"]);
    // Nothing was playing: no `stop` for the EXE; answering is too late.
    let r = settle(sdk.rt.answer(sid.into())).await.unwrap_err();
    assert_eq!(s(&r, "code"), "INVALID_STATE");
    let log = sim_log(&sdk.account).await;
    assert!(entries(&log, "exe", "stop").is_empty());
    assert!(entries(&log, "http", "rtv/call/answer").is_empty());
    assert_eq!(sdk.seen.errors.borrow().len(), 1, "{}", sdk.errors_text());
    sdk.destroy().await;
}

#[wasm_bindgen_test]
async fn the_customer_leaves_a_call_and_its_recording_follows() {
    let sdk = Sdk::ready("custleft", "{}").await;
    let sid = place_call(&sdk.account).await;
    sdk.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    settle(sdk.rt.answer(sid.clone().into()))
        .await
        .expect("answer");

    // Another customer is offered while busy: reported, nothing changes.
    let other = place_call(&sdk.account).await;
    let e = sdk.wait_error("UNEXPECTED_MESSAGE", 1, 5_000.0).await;
    assert_eq!(s(&e, "sid"), other);
    assert_eq!(get(&e, "msgType").as_f64(), Some(50200.0));
    assert_eq!(sdk.rt.state(), "busy");
    assert_eq!(sdk.seen.events_of("INCOMING_CALL").len(), 1);
    customer_hangs_up(&other, 30017).await;

    customer_hangs_up(&sid, 30019).await;
    let ev = sdk.wait_event("INCOMING_CALL_HANGUP", 1, 5_000.0).await;
    assert_eq!(s(&ev, "sid"), sid);
    assert_eq!(get(&ev, "msgType").as_f64(), Some(30019.0));
    assert_eq!(sdk.rt.state(), "ready");
    let log = wait_log(&sdk.account, "exe", "stop", 1, 5_000.0).await;
    assert_eq!(s(entries(&log, "exe", "stop")[0], "body.sid"), sid);
    // The other customer's hang-up was for a call that never was ours.
    assert_eq!(sdk.seen.events_of("INCOMING_CALL_HANGUP").len(), 1);

    // The platform pushes the recording a few seconds after the end.
    let rec = sdk.wait_event("VIDEOTAPE", 1, 10_000.0).await;
    assert_eq!(s(&rec, "sid"), sid);
    assert!(s(&rec, "url").starts_with("http"), "{}", json(&rec));
    assert_eq!(sdk.seen.states(), ["ready", "wait", "busy", "ready"]);
    sdk.destroy().await;
}
