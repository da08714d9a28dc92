//! The control API's faults and timings, over HTTP against the real binary:
//! injected failures (`/sim/fail`), push-channel modes, and the timer task
//! (ring and heartbeat time-outs shortened through `/sim/config`).

mod common;

use common::Sim;
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn fail_injects_a_business_code_for_the_next_requests() {
    let sim = Sim::start(&[]);
    let fault = json!({"path": "rtv/call/answer", "code": 200001, "times": 2});
    sim.control("fail", fault).await;
    for _ in 0..2 {
        let env = sim.sdk("rtv/call/answer", "a", json!({"sid": "S-1"})).await;
        assert_eq!(
            env,
            json!({"code": 200001, "msg": "操作失败,服务受理失败", "data": null})
        );
    }
    let env = sim.sdk("rtv/call/answer", "a", json!({"sid": "S-1"})).await;
    assert_eq!(env["code"], 100025, "back to normal processing");
}

#[tokio::test]
async fn fail_injects_a_status_a_raw_body_and_a_delay_per_account() {
    let sim = Sim::start(&[]);
    let fault = json!({"path": "/dispatch/agent/state", "account": "x", "status": 503});
    sim.control("fail", fault).await;
    let ready = json!({"systemCode": "T", "account": "y", "state": "ready"});
    assert_eq!(
        sim.post("dispatch/agent/state", ready).await.0,
        200,
        "other accounts unaffected"
    );
    let ready = json!({"systemCode": "T", "account": "x", "state": "ready"});
    assert_eq!(sim.post("dispatch/agent/state", ready.clone()).await.0, 503);
    assert_eq!(
        sim.post("dispatch/agent/state", ready).await.0,
        200,
        "used up"
    );

    let raw = json!({"path": "rtv/session/current", "body": "<html>oops</html>", "delayMs": 300});
    sim.control("fail", raw).await;
    let t = Instant::now();
    let (status, body) = sim
        .post("rtv/session/current", json!({"account": "x"}))
        .await;
    assert_eq!((status, body.as_str()), (200, "<html>oops</html>"));
    assert!(t.elapsed().as_millis() >= 300, "delayed");
}

#[tokio::test]
async fn fail_and_push_channel_modes_apply_to_subscribes() {
    let sim = Sim::start(&[]);
    sim.control(
        "fail",
        json!({"path": "push-client/subscribe", "status": 500}),
    )
    .await;
    assert_eq!(sim.subscribe("account=s", &[]).await.status(), 500);
    let modes = [
        ("reject", 401),
        ("error500", 500),
        ("wrongType", 200),
        ("restore", 200),
    ];
    for (action, status) in modes {
        sim.control("push-channel", json!({"account": "s", "action": action}))
            .await;
        let r = sim.subscribe("account=s", &[]).await;
        assert_eq!(r.status(), status, "{action}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(
            ct == "text/event-stream",
            action == "restore",
            "{action}: {ct}"
        );
    }
    sim.control("auth", json!({"rejectTokens": ["bad"]})).await;
    assert_eq!(
        sim.subscribe("account=s&token=bad", &[]).await.status(),
        401
    );
}

#[tokio::test]
async fn malformed_control_requests_are_400() {
    let sim = Sim::start(&[]);
    let (status, body) = sim.post("sim/fail", json!({"path": "x", "bogus": 1})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("error"));
    let (status, _) = sim.post("sim/exe", json!({"action": "dance"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_timer_task_rings_out_offers_and_times_out_silent_agents() {
    let sim = Sim::start(&[]);
    let cfg = json!({"ringTimeoutMs": 200, "heartbeatTimeoutMs": 600});
    assert_eq!(sim.control("config", cfg).await["ringTimeoutMs"], 200);
    for a in ["a", "b"] {
        let env = sim
            .sdk("dispatch/agent/state", a, json!({"state": "ready"}))
            .await;
        assert_eq!(env["code"], 0);
    }
    sim.control("call", json!({})).await;
    sim.wait_for("sessions", 2000, |v| v[0]["phase"]["offered"] == "a")
        .await;
    sim.wait_for("sessions", 2000, |v| v[0]["phase"]["offered"] == "b")
        .await;
    let gone = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .all(|a| a["state"] == "disconnected")
    };
    let agents = sim.wait_for("agents", 3000, gone).await;
    assert_eq!(agents[0]["presence"], "offline");
}
