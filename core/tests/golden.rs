//! Golden push messages (`tests/data/push_messages.jsonl`, shared with the
//! simulator's tests) decoded in the state each one is meant for.

mod common;
use common::{Json, JsonExt, H, INCOMING, STREAMS};
use rtv_core::{Method, State};

fn setup(name: &str) -> H {
    let mut h = match name {
        "ready" => H::ready(),
        "busy:owner" => H::busy("S-1"),
        s if s.starts_with("wait:") || s == "busy:participant" => {
            let mut h = H::ready();
            let (ask, accept, path) = match s {
                "wait:incoming" => (50200, None, ""),
                s if s.starts_with("wait:exchange") => {
                    (20100, Some(Method::AcceptChangePerson), "change/accept")
                }
                _ => (20200, Some(Method::AcceptAddPerson), "add/accept"),
            };
            h.push(
                ask,
                "S-1",
                if ask == 50200 {
                    INCOMING
                } else {
                    r#"{"from":"a2"}"#
                },
            );
            if s.ends_with(":accepted") || s == "busy:participant" {
                h.call(accept.unwrap(), r#"{"sid":"S-1"}"#);
                h.ok(path);
            }
            if s == "busy:participant" {
                h.push(50202, "S-1", STREAMS);
                assert_eq!(h.state(), State::Busy);
            }
            h
        }
        other => panic!("unknown setup {other}"),
    };
    h.take();
    h
}

#[test]
fn golden_push_messages() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/push_messages.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case = Json::parse(line).unwrap();
        let name = case.get("name").and_then(Json::as_str).unwrap();
        let mut h = setup(case.get("setup").and_then(Json::as_str).unwrap());
        let errors_before = h.errors().len();
        let events_before = h.events().len();
        h.push_raw(
            Some("1000"),
            case.get("data").and_then(Json::as_str).unwrap(),
        );
        let new_events: Vec<_> = h.events().split_off(events_before);
        let new_errors: Vec<_> = h.errors().split_off(errors_before);
        if let Some(ev) = case.get("event").and_then(Json::as_str) {
            let (kind, data) = new_events
                .iter()
                .find(|(k, _)| k.as_str() == ev)
                .unwrap_or_else(|| panic!("{name}: no {ev} in {new_events:?}"));
            assert_eq!(kind.as_str(), ev);
            assert_eq!(Some(data), case.get("payload"), "{name}");
            assert!(new_errors.is_empty(), "{name}: {new_errors:?}");
        }
        if let Some(err) = case.get("error").and_then(Json::as_str) {
            assert_eq!(new_errors, vec![err.to_string()], "{name}");
            assert!(new_events.is_empty(), "{name}: {new_events:?}");
        }
        assert_eq!(
            h.state().as_str(),
            case.get("state").and_then(Json::as_str).unwrap(),
            "{name}"
        );
        n += 1;
    }
    assert!(n >= 27, "golden file lost cases: {n}");
}
