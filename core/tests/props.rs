//! Property test: random sequences of inputs, replies and method calls never
//! panic, never break an invariant, only make transitions the SPEC §3 table
//! allows, settle each promise at most once, and emit nothing after complete.
//!
//! `PROPTEST_CASES=1000000 cargo test -p rtv-core --release --test props`
//! is the long run (`npm run fuzz`); the test suite uses the default below.

use std::collections::HashSet;

use proptest::prelude::*;
use rtv_core::error::{ErrorCode, Rejection};
use rtv_core::{Agent, Config, EventType, HttpOutcome, Input, Method, Output, State};

mod common;
use common::{frame, Json, JsonExt};

#[derive(Clone, Debug)]
enum Op {
    Call(usize, usize),
    Push(usize, usize, usize, u8),
    RawPush(usize),
    PushOpened,
    PushDown(Option<u16>),
    Ping,
    ExeOpened,
    ExeClosed,
    ExeReply(usize, bool, usize),
    ExeText(usize),
    Http(usize, usize),
    Advance(u32),
    Resume,
    PageHide,
    Destroy,
}

const CODES: [i64; 20] = [
    50200, 30017, 30019, 30000, 20100, 20101, 20102, 20103, 50201, 50202, 50203, 50204, 30025,
    20200, 20201, 20202, 20203, 20204, 1, 50200,
];
const SIDS: [&str; 3] = ["S-1", "S-2", "S-1"];
const ARGS: [&str; 8] = [
    "null",
    "\"S-1\"",
    "\"S-2\"",
    r#"{"sid":"S-1","newer":"a2"}"#,
    r#"{"sid":"S-1"}"#,
    r#"{"sid":"S-2","newer":"a3"}"#,
    "\"pusher\"",
    "7",
];
const DATA: [&str; 5] = [
    r#"{"customer":{"name":"n"},"streams":{"pushUrl":"p"},"from":"a2","newer":"a2","url":"u"}"#,
    "{}",
    r#"{"streams":{"pushUrl":"q"},"from":"a3","newer":"a3"}"#,
    r#"{"url":5}"#,
    "null",
];
const RAW: [&str; 5] = [
    "{",
    "[]",
    r#"{"msgType":"50200","sid":"S-1"}"#,
    "null",
    r#"{"msgType":50200,"sid":"","data":{}}"#,
];
const BODIES: [&str; 6] = [
    r#"{"code":0,"msg":"ok","data":null}"#,
    r#"{"code":300003,"data":null}"#,
    r#"{"code":0,"data":{"sid":"S-1","role":"owner","streams":{"pushUrl":"p"}}}"#,
    "garbage",
    r#"{"code":0,"data":{"sid":"S-2","role":"participant","streams":{}}}"#,
    r#"{"code":0,"data":{"sid":7}}"#,
];
const EXE_DATA: [&str; 3] = [r#"{"exeVersion":"1"}"#, r#"{"base64":"iVBOR"}"#, "null"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (prop_oneof![2 => Just(0usize), 1 => Just(1usize), 6 => 0..17usize], 0..ARGS.len()).prop_map(|(m, a)| Op::Call(m, a)),
        5 => (0..CODES.len(), 0..SIDS.len(), 0..DATA.len(), any::<u8>()).prop_map(|(c, s, d, i)| Op::Push(c, s, d, i)),
        1 => (0..RAW.len()).prop_map(Op::RawPush),
        2 => Just(Op::PushOpened),
        1 => prop_oneof![Just(None), Just(Some(500)), Just(Some(401)), Just(Some(200))].prop_map(Op::PushDown),
        1 => Just(Op::Ping),
        2 => Just(Op::ExeOpened),
        1 => Just(Op::ExeClosed),
        4 => (0..8usize, any::<bool>(), 0..EXE_DATA.len()).prop_map(|(i, ok, d)| Op::ExeReply(i, ok, d)),
        1 => (0..3usize).prop_map(Op::ExeText),
        6 => (0..8usize, 0..BODIES.len() + 3).prop_map(|(i, b)| Op::Http(i, b)),
        2 => (0..70_000u32).prop_map(Op::Advance),
        1 => Just(Op::Resume),
        // Rarer than the rest: a hidden page stays offline until `Resume`,
        // and the runs must still reach every state.
        1 => (0..4u8).prop_map(|x| if x == 0 { Op::PageHide } else { Op::Ping }),
        1 => (0..20u8).prop_map(|x| if x == 0 { Op::Destroy } else { Op::Ping }),
    ]
}

fn allowed(from: State, to: State) -> bool {
    use State::*;
    matches!(
        (from, to),
        (Disconnected, Ready | Leave | Busy)
            | (Ready, Leave | Wait)
            | (Leave, Ready)
            | (Wait, Busy | Ready)
            | (Busy, Ready)
            | (Ready | Leave | Wait | Busy, Disconnected)
    )
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    run_reaching(ops).map(|_| ())
}

/// Runs the ops; returns every state the agent was in.
fn run_reaching(ops: Vec<Op>) -> Result<HashSet<&'static str>, TestCaseError> {
    let mut reached = HashSet::new();
    let opts = Json::parse(r#"{"systemCode":"S","account":"a1","profile":"dev","token":"SECRET"}"#)
        .unwrap();
    let mut a: Agent<Json> = Agent::new(Config::from_value(&opts).unwrap(), 0.0, 1);
    let (mut now, mut next_call, mut push_id) = (0.0, 1u32, 0u64);
    let (mut http, mut exe): (Vec<u32>, Vec<i64>) = (Vec::new(), Vec::new());
    let mut settled = HashSet::new();
    // Calls an error named as its failure (D100): each rejection with a
    // local error comes after one, except DESTROYED (no callback after destroy).
    let mut named = HashSet::new();
    let mut state = State::Disconnected;
    let mut complete = false;
    for op in ops {
        let input = match op {
            Op::Call(m, arg) => {
                next_call += 1;
                Some(Input::Call {
                    call: next_call,
                    method: Method::ALL[m],
                    arg: Json::parse(ARGS[arg]).unwrap(),
                })
            }
            Op::Push(c, s, d, id) => {
                push_id += 1;
                let id = if id < 20 {
                    (push_id / 2).to_string()
                } else {
                    push_id.to_string()
                };
                let data = format!(
                    r#"{{"msgType":{},"sid":"{}","data":{}}}"#,
                    CODES[c], SIDS[s], DATA[d]
                );
                Some(Input::PushMessage {
                    id: Some(id),
                    data: frame(&data),
                })
            }
            Op::RawPush(r) => Some(Input::PushMessage {
                id: None,
                data: frame(RAW[r]),
            }),
            Op::PushOpened => Some(Input::PushOpened),
            Op::PushDown(status) => Some(Input::PushDown {
                status,
                wrong_type: status == Some(200),
            }),
            Op::Ping => Some(Input::PushPing),
            Op::ExeOpened => Some(Input::ExeOpened),
            Op::ExeClosed => Some(Input::ExeClosed { code: 1006 }),
            Op::ExeReply(i, ok, d) if !exe.is_empty() => {
                let id = exe.remove(i % exe.len());
                Some(Input::ExeText(frame(&format!(
                    r#"{{"id":{id},"ok":{ok},"data":{},"code":1,"msg":"m"}}"#,
                    EXE_DATA[d]
                ))))
            }
            Op::ExeReply(..) => None,
            Op::ExeText(i) => Some(Input::ExeText(frame(
                [
                    "x",
                    r#"{"id":12345,"ok":true}"#,
                    r#"{"event":"error","code":3}"#,
                ][i],
            ))),
            Op::Http(i, b) if !http.is_empty() => {
                let id = http.remove(i % http.len());
                let outcome = match b.checked_sub(BODIES.len()) {
                    None => HttpOutcome::Response {
                        status: 200,
                        body: frame(BODIES[b]),
                    },
                    Some(0) => HttpOutcome::Timeout,
                    Some(1) => HttpOutcome::NetworkError("x".into()),
                    Some(_) => HttpOutcome::Response {
                        status: 503,
                        body: frame(""),
                    },
                };
                Some(Input::Http { id, outcome })
            }
            Op::Http(..) => None,
            Op::Advance(ms) => {
                now += ms as f64;
                a.handle_timeout(now);
                None
            }
            Op::Resume => Some(Input::Resume),
            Op::PageHide => Some(Input::PageHide),
            Op::Destroy => Some(Input::Destroy),
        };
        if let Some(i) = input {
            a.handle_input(now, i);
        }
        while let Some(o) = a.poll_output() {
            match &o {
                Output::Settle { call, result } => {
                    prop_assert!(settled.insert(*call), "settled twice: {call}");
                    if let Err(Rejection::Local(e)) = result {
                        prop_assert!(
                            named.contains(call) || e.code == ErrorCode::Destroyed,
                            "call {call} rejected with {} without an error naming it",
                            e.code.as_str()
                        );
                    }
                }
                Output::Error { calls, .. } => {
                    for c in calls {
                        prop_assert!(!settled.contains(c), "error after call {c} settled");
                        named.insert(*c);
                    }
                }
                _ => prop_assert!(!complete, "output after complete: {o:?}"),
            }
            match o {
                Output::Http(r) if !r.keepalive => http.push(r.id),
                Output::ExeSend(f) => exe.push(f.get("id").unwrap().as_i64().unwrap()),
                Output::Event {
                    kind: EventType::StateChange,
                    data,
                } => {
                    let to = data.get("state").and_then(Json::as_str).unwrap();
                    let to = State::ALL.into_iter().find(|s| s.as_str() == to).unwrap();
                    prop_assert!(allowed(state, to), "transition {state} -> {to}");
                    state = to;
                }
                Output::Complete => complete = true,
                Output::Log { msg, .. } => prop_assert!(!msg.contains("SECRET")),
                Output::Error { error: e, .. } => {
                    prop_assert!(!e.to_value::<Json>().to_string().contains("SECRET"))
                }
                _ => {}
            }
        }
        prop_assert_eq!(a.state(), state);
        reached.insert(state.as_str());
        if let Some(v) = a.invariant_violation() {
            prop_assert!(false, "invariant: {}", v);
        }
        prop_assert!(a.poll_timeout().is_none_or(|t| t.is_finite()));
    }
    Ok(reached)
}

/// Guards the generator: random runs must reach every state, or the
/// property above would only ever test `disconnected`.
#[test]
fn random_runs_reach_every_state() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen = HashSet::new();
    for _ in 0..400 {
        let ops = proptest::collection::vec(op(), 60..120)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        seen.extend(run_reaching(ops).unwrap());
    }
    for s in State::ALL {
        assert!(seen.contains(s.as_str()), "never reached {s}: {seen:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    #[test]
    fn random_sequences_keep_the_table(ops in proptest::collection::vec(op(), 1..120)) {
        run(ops)?;
    }
}

/// A guided walk that reaches the deep states often, so the random test
/// above is not the only thing exercising transfers and third parties.
#[test]
fn scripted_connect_then_random() {
    let prefix = vec![
        Op::PushOpened,
        Op::ExeOpened,
        Op::ExeReply(0, true, 0),
        Op::Http(0, 0),
        Op::Http(0, 0),
    ];
    let mut ops = prefix.clone();
    ops.extend([
        Op::Push(0, 0, 0, 200),
        Op::Call(2, 1),
        Op::Http(0, 0),
        Op::Call(7, 3),
        Op::Http(0, 0),
        Op::Push(5, 0, 0, 201),
    ]);
    run(ops).unwrap();
}
