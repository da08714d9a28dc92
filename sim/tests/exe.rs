//! The fake EXE's snapshot formats and injected `start` failures
//! (`POST /sim/exe`).

mod common;

use base64::Engine;
use common::{Exe, Sim};
use serde_json::{json, Value};

const PNG_B64: &str = "iVBORw0KGgo"; // the PNG signature in base64
const JPEG_B64: &str = "/9j/"; // FF D8 FF in base64

async fn snapshot(exe: &mut Exe) -> String {
    let r = exe
        .request(json!({"cmd": "snapshot", "type": "player"}))
        .await;
    assert_eq!(r["ok"], true, "{r}");
    r["data"]["base64"].as_str().unwrap().to_string()
}

async fn exe_action(sim: &Sim, body: Value) {
    assert_eq!(sim.control("exe", body).await["ok"], true);
}

#[tokio::test]
async fn snapshot_formats_per_account() {
    let sim = Sim::start(&[]);
    let mut x = Exe::connect(&sim, "x").await;
    let mut y = Exe::connect(&sim, "y").await;
    assert!(snapshot(&mut x)
        .await
        .starts_with(&format!("data:image/png;base64,{PNG_B64}")));

    exe_action(&sim, json!({"account": "x", "action": "snapshotRaw"})).await;
    let raw = snapshot(&mut x).await;
    assert!(raw.starts_with(PNG_B64), "{}", &raw[..20]);
    let png = base64::engine::general_purpose::STANDARD
        .decode(&raw)
        .unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        snapshot(&mut y).await.starts_with("data:image/png;base64,"),
        "y unaffected"
    );

    exe_action(&sim, json!({"account": "x", "action": "snapshotJpeg"})).await;
    let url = snapshot(&mut x).await;
    assert!(
        url.starts_with(&format!("data:image/jpeg;base64,{JPEG_B64}")),
        "{url}"
    );

    exe_action(&sim, json!({"action": "snapshotRawJpeg"})).await;
    for exe in [&mut x, &mut y] {
        let raw = snapshot(exe).await;
        assert!(raw.starts_with(JPEG_B64), "global: {raw}");
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(&raw)
            .unwrap();
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
    }

    exe_action(&sim, json!({"action": "restore"})).await;
    assert!(snapshot(&mut x).await.starts_with("data:image/png;base64,"));
}

fn start() -> Value {
    json!({"cmd": "start", "sid": "S-1", "streams": {"pushUrl": "p", "playUrls": []}})
}

#[tokio::test]
async fn fail_start_fails_the_next_start_only() {
    let sim = Sim::start(&[]);
    let mut x = Exe::connect(&sim, "x").await;
    let mut y = Exe::connect(&sim, "y").await;
    exe_action(
        &sim,
        json!({"account": "x", "action": "failStart", "code": 7001, "msg": "camera busy"}),
    )
    .await;
    assert_eq!(
        y.request(start()).await["ok"],
        true,
        "another account starts"
    );
    let r = x.request(start()).await;
    let id = r["id"].clone();
    assert_eq!(
        r,
        json!({"id": id, "ok": false, "code": 7001, "msg": "camera busy"})
    );
    assert_eq!(x.request(start()).await["ok"], true, "only the next one");
}

#[tokio::test]
async fn global_fail_start_with_defaults_and_times() {
    let sim = Sim::start(&[]);
    let mut x = Exe::connect(&sim, "x").await;
    let mut y = Exe::connect(&sim, "y").await;
    exe_action(&sim, json!({"action": "failStart", "times": 2})).await;
    for exe in [&mut x, &mut y] {
        let r = exe.request(start()).await;
        assert_eq!(
            (r["ok"].clone(), r["code"].clone()),
            (json!(false), json!(500))
        );
        assert!(r["msg"].is_string());
    }
    assert_eq!(x.request(start()).await["ok"], true);
    exe_action(&sim, json!({"account": "x", "action": "failStart"})).await;
    exe_action(&sim, json!({"account": "x", "action": "restore"})).await;
    assert_eq!(x.request(start()).await["ok"], true, "restore clears it");
}
