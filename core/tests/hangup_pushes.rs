//! A hang-up push (30000, 30017, 30019, 30025) ends the ring or call of its
//! own session only; for another session it is UNEXPECTED_MESSAGE and
//! changes nothing (SPEC §3). Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::{H, INCOMING};
use rtv_core::{EventType, State};

#[test]
fn a_hang_up_for_another_session_keeps_the_ring() {
    for code in [30000, 30017, 30019, 30025] {
        let mut h = H::ready();
        h.push(50200, "S-1", INCOMING);
        h.push(code, "S-2", "{}");
        assert_eq!(h.state(), State::Wait, "{code}");
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{code}");
        assert_eq!(h.count_events(EventType::IncomingCallHangup), 0);
    }
}

#[test]
fn a_hang_up_for_another_session_keeps_the_call() {
    for code in [30000, 30017, 30019, 30025] {
        let mut h = H::busy("S-1");
        let stops = h.exe_count("stop");
        h.push(code, "S-2", "{}");
        assert_eq!(h.state(), State::Busy, "{code}");
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{code}");
        assert_eq!(h.count_events(EventType::IncomingCallHangup), 0);
        assert_eq!(h.exe_count("stop"), stops, "{code}");
    }
}

#[test]
fn a_hang_up_for_the_own_session_ends_it() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    h.push(30017, "S-1", "{}");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(h.exe_count("stop"), 0, "nothing was started");
    let mut h = H::busy("S-1");
    h.push(30017, "S-1", "{}");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(h.exe_count("stop"), 1);
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}
