//! An asker's cancel (20103 transfer, 20204 third party) ends only a ring of
//! its own kind for that session (SPEC §3: wait + 20103/20204 → ready); in
//! any other state or ring it is UNEXPECTED_MESSAGE and changes nothing.
//! Written for the survivors of a mutation run (docs/mutants.md).

mod common;

use common::{H, INCOMING};
use rtv_core::{EventType, State};

const FROM: &str = r#"{"from":"a2"}"#;

#[test]
fn a_cancel_ends_its_own_kind_of_ring() {
    for (ask, cancel, kind) in [
        (20100, 20103, EventType::ExchangeCall),
        (20200, 20204, EventType::AddCall),
    ] {
        let mut h = H::ready();
        h.push(ask, "S-1", FROM);
        h.push(cancel, "S-1", FROM);
        assert_eq!(h.state(), State::Ready, "{cancel}");
        assert_eq!(h.count_events(kind), 2, "{cancel}");
        assert!(h.errors().is_empty(), "{cancel}: {:?}", h.errors());
    }
}

#[test]
fn a_cancel_does_not_end_another_kind_of_ring() {
    for (ring, data, cancel) in [
        (50200, INCOMING, 20103),
        (50200, INCOMING, 20204),
        (20200, FROM, 20103),
        (20100, FROM, 20204),
    ] {
        let mut h = H::ready();
        h.push(ring, "S-1", data);
        assert_eq!(h.state(), State::Wait);
        h.push(cancel, "S-1", FROM);
        assert_eq!(h.state(), State::Wait, "{ring} then {cancel}");
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{ring} then {cancel}");
    }
}

#[test]
fn a_cancel_does_not_end_a_call() {
    for cancel in [20103, 20204] {
        let mut h = H::busy("S-1");
        let stops = h.exe_count("stop");
        h.push(cancel, "S-1", FROM);
        assert_eq!(h.state(), State::Busy, "{cancel}");
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{cancel}");
        assert_eq!(h.exe_count("stop"), stops);
    }
}

#[test]
fn a_cancel_for_another_session_changes_nothing() {
    for (ask, cancel) in [(20100, 20103), (20200, 20204)] {
        let mut h = H::ready();
        h.push(ask, "S-1", FROM);
        h.push(cancel, "S-2", FROM);
        assert_eq!(h.state(), State::Wait, "{cancel}");
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{cancel}");
    }
}
