//! The timers behind retries (SPEC §3): a failed start-up sync is retried
//! on its own timer, and a link that was up only briefly keeps backing off
//! however long the agent has been running. Written for the survivors of a
//! mutation run (docs/mutants.md).

mod common;

use common::{frame, Output, H};
use rtv_core::{HttpOutcome, Input, State};

#[test]
fn a_failed_sync_is_retried_after_a_second() {
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    h.http_outcome(
        "session/current",
        HttpOutcome::Response {
            status: 500,
            body: frame(""),
        },
    );
    assert_eq!(h.errors(), ["HTTP_ERROR"]);
    assert_eq!(
        h.agent.poll_timeout(),
        Some(1_000.0),
        "the retry is due then"
    );
    h.advance(999.0);
    assert_eq!(h.http_count("session/current"), 1);
    h.advance(1.0);
    assert_eq!(h.http_count("session/current"), 2, "retried at 1 s");
    h.ok("session/current");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn brief_reconnections_keep_backing_off_after_a_long_run() {
    let mut h = H::ready();
    // Up for a long time: the first drop is retried at once.
    h.advance(30_000.0);
    let mut gaps = Vec::new();
    for _ in 0..5 {
        h.take();
        h.input(Input::PushDown {
            status: None,
            wrong_type: false,
        });
        let opened_now = h
            .take()
            .iter()
            .any(|o| matches!(o, Output::OpenPush { .. }));
        let gap = if opened_now {
            0.0
        } else {
            h.until(|o| matches!(o, Output::OpenPush { .. }))
        };
        gaps.push(gap);
        // Up again for a moment only.
        h.input(Input::PushOpened);
        h.advance(1.0);
    }
    assert_eq!(gaps[0], 0.0, "{gaps:?}");
    assert!(
        gaps[1..].iter().any(|g| *g > 0.0),
        "a flapping channel backs off: {gaps:?}"
    );
    for (n, g) in gaps.iter().enumerate().skip(1) {
        assert!(*g <= 1_000.0 * 2f64.powi(n as i32), "attempt {n}: {gaps:?}");
    }
}

#[test]
fn the_resume_shortcut_lasts_six_seconds() {
    let mut h = H::ready();
    // A brief flap first, so that the next retry backs off.
    h.advance(100.0);
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.input(Input::PushOpened);
    // `online` while the push channel is (believed) up: a failure reported
    // within 6 s is retried at once...
    h.advance(100.0);
    h.input(Input::Resume);
    // ...but this one comes 7 s later: the usual backoff applies.
    h.advance(7_000.0);
    h.take();
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    assert!(
        !h.take()
            .iter()
            .any(|o| matches!(o, Output::OpenPush { .. })),
        "not retried at once"
    );
    let gap = h.until(|o| matches!(o, Output::OpenPush { .. }));
    assert!(gap > 0.0 && gap <= 2_000.0, "{gap}");
}

#[test]
fn a_sync_retry_waits_for_both_links() {
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    h.http_outcome("session/current", HttpOutcome::Timeout);
    // The push channel drops before the retry is due.
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.advance(2_000.0);
    assert_eq!(
        h.http_count("session/current"),
        1,
        "no sync while the push channel is down"
    );
    h.input(Input::PushOpened);
    assert_eq!(h.http_count("session/current"), 2);
    h.ok("session/current");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
}
