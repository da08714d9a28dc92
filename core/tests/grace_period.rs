//! The grace period (SPEC §3) runs from the first link that drops: a second
//! drop during the outage does not extend it, and an agent that never
//! connected has no grace period to run out. Written for the survivors of a
//! mutation run (docs/mutants.md).

mod common;

use common::H;
use rtv_core::{Input, State};

#[test]
fn a_second_drop_does_not_extend_the_grace_period() {
    let mut h = H::ready();
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.advance(3_000.0);
    h.input(Input::ExeClosed { code: 1006 });
    h.advance(1_999.0);
    assert_eq!(h.state(), State::Ready, "4.999 s into the outage");
    h.advance(1.0);
    assert_eq!(h.state(), State::Disconnected, "5 s after the first drop");
    assert_eq!(
        h.errors().iter().filter(|e| *e == "DISCONNECTED").count(),
        1
    );
}

#[test]
fn links_failing_before_the_first_connection_report_no_disconnect() {
    let mut h = H::new();
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.input(Input::ExeClosed { code: 1006 });
    h.advance(6_000.0);
    assert_eq!(h.state(), State::Disconnected);
    assert!(
        !h.errors().iter().any(|e| e == "DISCONNECTED"),
        "{:?}",
        h.errors()
    );
    // Links up later: connected as usual.
    h.advance(60_000.0);
    h.connect();
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn one_link_back_does_not_end_the_outage() {
    let mut h = H::ready();
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.input(Input::ExeClosed { code: 1006 });
    h.advance(1_000.0);
    h.input(Input::PushOpened);
    assert_eq!(h.state(), State::Ready);
    // The EXE stays away.
    h.advance(4_000.0);
    assert_eq!(h.state(), State::Disconnected, "the EXE is still down");
    // Both links up again: recovered.
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    h.ok("session/current");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
}
