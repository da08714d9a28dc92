//! At most 64 pushes are held while the start-up sync runs (`push.rs`
//! `MAX_HELD`); more are handled at once, so a flood cannot grow the queue
//! without bound. Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::H;
use rtv_core::{EventType, Input, State};

#[test]
fn sixty_four_pushes_are_held_the_next_is_handled_at_once() {
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    assert!(h.http_req("session/current").is_some(), "sync running");
    for _ in 0..64 {
        h.push(50204, "S-1", r#"{"url":"u"}"#);
    }
    assert_eq!(h.count_events(EventType::Image), 0, "64 held");
    h.push(50204, "S-1", r#"{"url":"u"}"#);
    assert_eq!(h.count_events(EventType::Image), 1, "the 65th at once");
    h.ok("session/current");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(h.count_events(EventType::Image), 65, "the held ones after");
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}
