//! Two agents on one page, in headless Chromium against the real simulator:
//! handing a call over (20100 → 50201 / 20101) and inviting a third party
//! (20200 → 50202 / 20201, then 20203 when they leave), each side seeing its
//! own events, states and EXE commands.
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use js_sys::Object;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `{sid, newer?}` as the page passes it.
fn arg(sid: &str, newer: Option<&str>) -> JsValue {
    let o = Object::new();
    set(&o, "sid", &sid.into());
    if let Some(n) = newer {
        set(&o, "newer", &n.into());
    }
    o.into()
}

/// Owner `a` in a call with a customer, colleague `b` ready.
async fn owner_and_colleague(name: &str) -> (Sdk, Sdk, String) {
    let a = Sdk::ready(&format!("{name}-a"), "{}").await;
    let b = Sdk::ready(&format!("{name}-b"), "{}").await;
    let sid = place_call(&a.account).await;
    a.wait_event("INCOMING_CALL", 1, 5_000.0).await;
    settle(a.rt.answer(sid.clone().into()))
        .await
        .expect("answer");
    assert_eq!(a.rt.state(), "busy");
    (a, b, sid)
}

fn msg_types(sdk: &Sdk, kind: &str) -> Vec<f64> {
    sdk.seen
        .events_of(kind)
        .iter()
        .filter_map(|d| get(d, "msgType").as_f64())
        .collect()
}

#[wasm_bindgen_test]
async fn a_call_is_handed_over_to_a_colleague() {
    let (a, b, sid) = owner_and_colleague("change").await;
    let (an, bn) = (a.account.clone(), b.account.clone());
    // Asking oneself or with a missing `newer` is refused locally.
    let r = settle(a.rt.ask_change_person(arg(&sid, None))).await;
    assert_eq!(s(&r.unwrap_err(), "code"), "INVALID_ARGUMENT");

    settle(a.rt.ask_change_person(arg(&sid, Some(&bn))))
        .await
        .expect("askChangePerson");
    let ask = b.wait_event("EXCHANGE_CALL", 1, 5_000.0).await;
    assert_eq!(get(&ask, "msgType").as_f64(), Some(20100.0));
    assert_eq!(s(&ask, "from"), an);
    assert_eq!(s(&ask, "sid"), sid);
    assert_eq!(b.rt.state(), "wait");
    // Only the owner may hang up; b is merely asked.
    let r = settle(b.rt.hang_up(sid.clone().into())).await;
    assert_eq!(s(&r.unwrap_err(), "code"), "INVALID_STATE");

    settle(b.rt.accept_change_person(arg(&sid, None)))
        .await
        .expect("acceptChangePerson");
    b.wait_state("busy", 5_000.0).await;
    a.wait_state("ready", 5_000.0).await;
    assert_eq!(msg_types(&b, "EXCHANGE_CALL"), [20100.0, 50201.0]);
    assert_eq!(msg_types(&a, "EXCHANGE_CALL"), [20101.0]);
    let accepted = &a.seen.events_of("EXCHANGE_CALL")[0];
    assert_eq!(s(accepted, "newer"), bn);
    let log_b = wait_log(&bn, "exe", "start", 1, 5_000.0).await;
    assert_eq!(s(entries(&log_b, "exe", "start")[0], "body.sid"), sid);
    wait_log(&an, "exe", "stop", 1, 5_000.0).await;
    assert_eq!(a.seen.states(), ["ready", "wait", "busy", "ready"]);
    assert_eq!(b.seen.states(), ["ready", "wait", "busy"]);
    assert!(a.seen.errors_of("UNEXPECTED_MESSAGE").is_empty());
    assert!(b.seen.errors_of("UNEXPECTED_MESSAGE").is_empty());

    // The call is b's now: b hangs up, a has nothing to say about it.
    let r = settle(a.rt.hang_up(sid.clone().into())).await;
    assert_eq!(s(&r.unwrap_err(), "code"), "INVALID_STATE");
    settle(b.rt.hang_up(sid.into())).await.expect("b hangs up");
    assert_eq!(b.rt.state(), "ready");
    a.destroy().await;
    b.destroy().await;
}

#[wasm_bindgen_test]
async fn a_third_party_joins_and_leaves() {
    let (a, b, sid) = owner_and_colleague("add").await;
    let (an, bn) = (a.account.clone(), b.account.clone());
    settle(a.rt.ask_add_person(arg(&sid, Some(&bn))))
        .await
        .expect("askAddPerson");
    let ask = b.wait_event("ADD_CALL", 1, 5_000.0).await;
    assert_eq!(get(&ask, "msgType").as_f64(), Some(20200.0));
    assert_eq!(s(&ask, "from"), an);
    settle(b.rt.accept_add_person(arg(&sid, None)))
        .await
        .expect("acceptAddPerson");
    b.wait_state("busy", 5_000.0).await;
    a.wait_event("ADD_CALL", 1, 5_000.0).await;
    assert_eq!(msg_types(&a, "ADD_CALL"), [20201.0]);
    assert_eq!(msg_types(&b, "ADD_CALL"), [20200.0, 50202.0]);
    assert_eq!(a.rt.state(), "busy");

    // A participant cannot hang up for everyone, nor invite.
    let r = settle(b.rt.hang_up(sid.clone().into())).await;
    assert_eq!(s(&r.unwrap_err(), "code"), "INVALID_STATE");
    let r = settle(b.rt.ask_add_person(arg(&sid, Some(&an)))).await;
    assert_eq!(s(&r.unwrap_err(), "code"), "INVALID_STATE");

    settle(b.rt.quit_add_person(arg(&sid, None)))
        .await
        .expect("quitAddPerson");
    assert_eq!(b.rt.state(), "ready");
    a.wait_event("ADD_CALL", 2, 5_000.0).await;
    assert_eq!(msg_types(&a, "ADD_CALL"), [20201.0, 20203.0]);
    assert_eq!(a.rt.state(), "busy", "the owner keeps the call");
    let log_b = wait_log(&bn, "exe", "stop", 1, 5_000.0).await;
    assert_eq!(s(entries(&log_b, "exe", "stop")[0], "body.sid"), sid);
    let log_a = sim_log(&an).await;
    assert!(
        entries(&log_a, "exe", "stop").is_empty(),
        "a's streams go on"
    );
    assert!(a.seen.errors.borrow().is_empty(), "{}", a.errors_text());
    // b's only errors are the two refusals above.
    assert_eq!(b.seen.errors.borrow().len(), 2, "{}", b.errors_text());

    settle(a.rt.hang_up(sid.into())).await.expect("hangUp");
    a.destroy().await;
    b.destroy().await;
}
