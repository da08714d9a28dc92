//! Log lines are behaviour: info-level lines (link changes, state changes,
//! retries) always come out, whatever `logLevel` says, because they feed the
//! support log ring (pkg-template/logs.js); `logLevel` only filters what the
//! driver prints to the console. Debug lines (request bodies, dropped
//! replays) are formatted and emitted only with `logLevel: "debug"`.
//! Written for the survivors of a mutation run (docs/mutants.md).

mod common;

use common::{opts, Output, H, INCOMING};
use rtv_core::{Input, LogLevel};

fn lines(h: &H, level: LogLevel) -> Vec<String> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::Log { level: l, msg } if *l == level => Some(msg.clone()),
            _ => None,
        })
        .collect()
}

fn has(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

/// Connects, takes a call, loses and regains the push channel and the EXE.
fn a_session(log_level: &str) -> H {
    let extra = if log_level.is_empty() {
        String::new()
    } else {
        format!(r#","logLevel":"{log_level}""#)
    };
    let mut h = H::with(opts(&extra));
    h.connect();
    h.push(50200, "S-1", INCOMING);
    // A replayed id: dropped (a debug line says so).
    h.push_raw(
        Some("1"),
        r#"{"msgType":50203,"sid":"S-1","data":{"url":"u"}}"#,
    );
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.input(Input::ExeClosed { code: 1006 });
    h
}

#[test]
fn info_lines_come_out_at_every_log_level() {
    for level in ["", "silent", "error", "warn", "info", "debug"] {
        let h = a_session(level);
        let info = lines(&h, LogLevel::Info);
        for want in [
            "starting agent a1",
            "opening push channel for a1",
            "push channel open",
            "EXE link up",
            "state disconnected -> ready",
            "state ready -> wait",
            "push channel retry in 0 ms",
            "EXE link retry in 0 ms",
        ] {
            assert!(
                has(&info, want),
                "logLevel {level:?}: no {want:?} in {info:#?}"
            );
        }
        // Warnings (every reported error) come out too.
        let warn = lines(&h, LogLevel::Warn);
        assert!(has(&warn, "EXE_LINK_LOST"), "logLevel {level:?}: {warn:#?}");
    }
}

#[test]
fn debug_lines_only_with_log_level_debug() {
    for level in ["", "silent", "error", "warn", "info"] {
        let h = a_session(level);
        let debug = lines(&h, LogLevel::Debug);
        assert!(debug.is_empty(), "logLevel {level:?}: {debug:#?}");
    }
    let h = a_session("debug");
    let debug = lines(&h, LogLevel::Debug);
    assert!(has(&debug, "POST session/current"), "{debug:#?}");
    assert!(has(&debug, "POST agent/state"), "{debug:#?}");
    assert!(
        has(&debug, "push id 1 already delivered, dropped"),
        "{debug:#?}"
    );
}
