//! Replay mode (`rtv-sim --replay trace.json`): the platform's side of an SDK
//! trace (`rtv-trace/1`, docs/TRACE.md) played to a live page of the traced
//! account. A [`Plan`] is what the trace recorded, sorted for playing; a
//! [`Replay`] plays it: push frames on a timeline that starts with the
//! account's first subscribe — and never before the replies recorded before
//! them were given again, so that a page slower than the traced one still
//! gets them in the same order relative to its own start-up — HTTP replies
//! in request order, EXE replies by request id with the unsolicited frames
//! that followed them. Nothing here
//! reads the clock: every entry point takes `now`, and [`Replay::next_due`]
//! says when [`Replay::take_due`] has something to do.

use serde_json::Value;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One recorded push frame, `at_ms` after the first `pushOpened`.
#[derive(Debug, Clone, PartialEq)]
pub struct PushFrame {
    /// Recorded time, relative to the first `pushOpened` (never negative).
    pub at_ms: f64,
    /// The SSE id, as recorded.
    pub id: Option<String>,
    /// The SSE data text, as recorded.
    pub data: String,
    /// HTTP replies recorded before it: it waits until the replay has given
    /// that many...
    pub after_replies: usize,
    /// ...and then at least this long after the last of them (recorded gap).
    pub gap_ms: f64,
}

/// How a recorded HTTP request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpAnswer {
    /// A response: status and body text.
    Reply {
        /// HTTP status.
        status: u16,
        /// Body text.
        body: String,
    },
    /// `fetch` rejected: answered 503.
    Network,
    /// No response in time: the answer is held until the client gives up.
    Timeout,
}

/// A recorded EXE reply (a frame with an `id`) and the frames without an id
/// that came after it on the same socket, as gaps in milliseconds.
#[derive(Debug, Clone)]
struct ExeReply {
    key: String,
    text: String,
    used: bool,
    events: Vec<(f64, String)>,
}

/// A push outage: streams dropped at `at_ms`, subscribes refused until `until_ms`.
#[derive(Debug, Clone, PartialEq)]
struct Down {
    at_ms: f64,
    until_ms: f64,
    status: Option<u16>,
    wrong_type: bool,
}

/// What a trace recorded, ready to play.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The traced account (`options.account`).
    pub account: String,
    /// Its system code (`options.systemCode`), when the trace has one.
    pub system_code: Option<String>,
    /// Push frames in recorded order.
    pub pushes: Vec<PushFrame>,
    /// HTTP outcomes in request order (by the core's request id).
    replies: VecDeque<HttpAnswer>,
    exe: Vec<ExeReply>,
    /// Frames without an id before any reply, on the push timeline.
    exe_loose: Vec<(f64, String)>,
    downs: Vec<Down>,
}

/// Key of an EXE request id: numbers compare by value (`1` = `1.0`).
fn id_key(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Number(n) => n.as_f64().map(|f| format!("n{f}")),
        Value::String(s) => Some(format!("s{s}")),
        other => Some(format!("j{other}")),
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Plan {
    /// Parses a trace document.
    pub fn parse(text: &str) -> Result<Plan, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let schema = doc["schema"].as_str().unwrap_or("");
        if !schema.starts_with("rtv-trace/") {
            return Err(format!("schema {schema:?} is not rtv-trace/1"));
        }
        let account = doc["options"]["account"]
            .as_str()
            .filter(|a| !a.is_empty())
            .ok_or("the trace has no options.account")?
            .to_string();
        let system_code = doc["options"]["systemCode"].as_str().map(str::to_string);
        let entries: Vec<(f64, &Value)> = doc["entries"]
            .as_array()
            .ok_or("the trace has no entries")?
            .iter()
            .filter_map(|e| Some((e["t"].as_f64()?, &e["in"])))
            .filter(|(_, i)| i.is_object())
            .collect();
        let kind = |i: &Value| i["k"].as_str().unwrap_or("").to_string();
        let t0 = entries
            .iter()
            .find(|(_, i)| kind(i) == "pushOpened")
            .or_else(|| entries.iter().find(|(_, i)| kind(i) == "push"))
            .map_or(0.0, |(t, _)| *t);
        let end = entries.last().map_or(0.0, |(t, _)| *t);
        let rel = |t: f64| (t - t0).max(0.0);
        let mut plan = Plan {
            account,
            system_code,
            pushes: Vec::new(),
            replies: VecDeque::new(),
            exe: Vec::new(),
            exe_loose: Vec::new(),
            downs: Vec::new(),
        };
        let mut http: Vec<(f64, HttpAnswer)> = Vec::new();
        // Time of the last HTTP reply so far (entries are in recorded order).
        let mut last_http = 0.0;
        // The last EXE reply on the current socket and its time.
        let mut last_reply: Option<(usize, f64)> = None;
        for (n, (t, i)) in entries.iter().enumerate() {
            match kind(i).as_str() {
                "push" => plan.pushes.push(PushFrame {
                    at_ms: rel(*t),
                    id: as_text(&i["id"]),
                    data: i["data"].as_str().unwrap_or("").to_string(),
                    after_replies: http.len(),
                    gap_ms: if http.is_empty() {
                        0.0
                    } else {
                        (t - last_http).max(0.0)
                    },
                }),
                "pushDown" => {
                    let until = entries[n + 1..]
                        .iter()
                        .find(|(_, j)| kind(j) == "pushOpened")
                        .map_or(end, |(t, _)| *t);
                    plan.downs.push(Down {
                        at_ms: rel(*t),
                        until_ms: rel(until),
                        status: i["status"].as_u64().and_then(|s| u16::try_from(s).ok()),
                        wrong_type: i["wrongType"] == Value::Bool(true),
                    });
                }
                "http" => {
                    let answer = if let Some(status) = i["status"].as_u64() {
                        HttpAnswer::Reply {
                            status: u16::try_from(status).unwrap_or(500),
                            body: i["body"].as_str().unwrap_or("").to_string(),
                        }
                    } else if i.get("network").is_some() {
                        HttpAnswer::Network
                    } else {
                        HttpAnswer::Timeout
                    };
                    http.push((i["id"].as_f64().unwrap_or(f64::MAX), answer));
                    last_http = *t;
                }
                "exeOpened" | "exeClosed" => last_reply = None,
                "exe" => {
                    let text = i["text"].as_str().unwrap_or("").to_string();
                    let frame: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    match frame.get("id").and_then(id_key) {
                        Some(key) => {
                            plan.exe.push(ExeReply {
                                key,
                                text,
                                used: false,
                                events: Vec::new(),
                            });
                            last_reply = Some((plan.exe.len() - 1, *t));
                        }
                        None => match last_reply {
                            Some((r, tr)) => plan.exe[r].events.push(((t - tr).max(0.0), text)),
                            None => plan.exe_loose.push((rel(*t), text)),
                        },
                    }
                }
                _ => {}
            }
        }
        // Request order: the core numbers its requests in the order it sends them.
        http.sort_by(|a, b| a.0.total_cmp(&b.0));
        plan.replies = http.into_iter().map(|(_, a)| a).collect();
        Ok(plan)
    }

    /// Recorded HTTP outcomes not yet played.
    pub fn replies_left(&self) -> usize {
        self.replies.len()
    }
}

/// Something the replay wants done now, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send a push frame to the account's streams (kept for Last-Event-ID).
    Push {
        /// SSE id.
        id: Option<String>,
        /// SSE data.
        data: String,
    },
    /// Send a frame to the account's EXE sockets.
    Exe(String),
    /// Drop the account's push streams (a recorded `pushDown`).
    DropPush,
}

/// Why a subscribe of the traced account is refused (a recorded outage).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Refusal {
    /// The recorded status (none: the stream failed without one).
    pub status: Option<u16>,
    /// The recorded answer was not an event stream.
    pub wrong_type: bool,
}

/// A plan being played.
pub struct Replay {
    plan: Plan,
    speed: f64,
    /// When the account first subscribed: time 0 of the timeline.
    start: Option<Instant>,
    next_push: usize,
    next_loose: usize,
    next_down: usize,
    /// EXE frames scheduled after the replies they followed.
    exe_due: Vec<(Instant, String)>,
    /// When each recorded HTTP answer was given again, in order.
    answered: Vec<Instant>,
}

impl Replay {
    /// Plays `plan`; `speed` (> 0) divides every recorded delay.
    pub fn new(plan: Plan, speed: f64) -> Replay {
        Replay {
            plan,
            speed,
            start: None,
            next_push: 0,
            next_loose: 0,
            next_down: 0,
            exe_due: Vec::new(),
            answered: Vec::new(),
        }
    }

    /// The traced account.
    pub fn account(&self) -> &str {
        &self.plan.account
    }

    /// The start-up line.
    pub fn banner(&self, file: &str) -> String {
        let p = &self.plan;
        format!(
            "replaying trace {file} for account {} (systemCode {}), {} pushes, {} replies, \
             {} exe replies, speed x{}",
            p.account,
            p.system_code.as_deref().unwrap_or("any"),
            p.pushes.len(),
            p.replies_left(),
            p.exe.len(),
            self.speed
        )
    }

    /// Whether a request of `account` (with `system_code`, when it says one)
    /// is the traced instance's.
    pub fn is_traced(&self, account: &str, system_code: Option<&str>) -> bool {
        account == self.plan.account
            && match (system_code, self.plan.system_code.as_deref()) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// The real time of recorded time `ms` (once started).
    fn at(&self, ms: f64) -> Option<Instant> {
        let start = self.start?;
        Some(start + Duration::from_secs_f64(ms / self.speed / 1000.0))
    }

    fn after(&self, now: Instant, gap_ms: f64) -> Instant {
        now + Duration::from_secs_f64(gap_ms / self.speed / 1000.0)
    }

    /// A subscribe of the traced account at `now` with Last-Event-ID `last`:
    /// the first starts the timeline (recorded frames at or below `last` are
    /// skipped); during a recorded outage the answer is the recorded failure.
    pub fn subscribe(&mut self, now: Instant, last: Option<&str>) -> Result<(), Refusal> {
        let Some(start) = self.start else {
            self.start = Some(now);
            if let Some(last) = last.map(str::trim).filter(|l| !l.is_empty()) {
                self.next_push = self.skip_through(last);
            }
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(start).as_secs_f64() * 1000.0 * self.speed;
        match self
            .plan
            .downs
            .iter()
            .find(|d| d.at_ms <= elapsed && elapsed < d.until_ms)
        {
            Some(d) => Err(Refusal {
                status: d.status,
                wrong_type: d.wrong_type,
            }),
            None => Ok(()),
        }
    }

    /// How many frames a client that saw `last` already has (the frame with
    /// that id and all before it; else those with a smaller numeric id).
    fn skip_through(&self, last: &str) -> usize {
        let pushes = &self.plan.pushes;
        if let Some(i) = pushes.iter().rposition(|p| p.id.as_deref() == Some(last)) {
            return i + 1;
        }
        let Ok(n) = last.parse::<u64>() else {
            return 0;
        };
        pushes
            .iter()
            .rposition(|p| p.id.as_deref().and_then(|i| i.parse::<u64>().ok()) <= Some(n))
            .map_or(0, |i| i + 1)
    }

    /// When push frame `f` is due: on the timeline, and not before the
    /// replies recorded before it were given again (`None`: not yet known).
    fn push_at(&self, f: &PushFrame) -> Option<Instant> {
        let on_timeline = self.at(f.at_ms)?;
        if f.after_replies == 0 {
            return Some(on_timeline);
        }
        let answered = *self.answered.get(f.after_replies - 1)?;
        Some(on_timeline.max(self.after(answered, f.gap_ms)))
    }

    /// When [`Replay::take_due`] has something to do.
    pub fn next_due(&self) -> Option<Instant> {
        let p = &self.plan;
        let push = p.pushes.get(self.next_push).and_then(|f| self.push_at(f));
        [
            p.exe_loose.get(self.next_loose).map(|e| e.0),
            p.downs.get(self.next_down).map(|d| d.at_ms),
        ]
        .into_iter()
        .flatten()
        .filter_map(|ms| self.at(ms))
        .chain(push)
        .chain(self.exe_due.iter().map(|e| e.0))
        .min()
    }

    /// Everything due at `now`, in recorded order.
    pub fn take_due(&mut self, now: Instant) -> Vec<Action> {
        let mut out: Vec<(Instant, Action)> = Vec::new();
        let due = |s: &Replay, ms: f64| s.at(ms).filter(|at| *at <= now);
        while let Some(f) = self.plan.pushes.get(self.next_push) {
            let Some(at) = self.push_at(f).filter(|at| *at <= now) else {
                break;
            };
            let a = Action::Push {
                id: f.id.clone(),
                data: f.data.clone(),
            };
            out.push((at, a));
            self.next_push += 1;
        }
        while let Some((ms, text)) = self.plan.exe_loose.get(self.next_loose) {
            let Some(at) = due(self, *ms) else { break };
            out.push((at, Action::Exe(text.clone())));
            self.next_loose += 1;
        }
        while let Some(d) = self.plan.downs.get(self.next_down) {
            let Some(at) = due(self, d.at_ms) else { break };
            out.push((at, Action::DropPush));
            self.next_down += 1;
        }
        let (ready, later): (Vec<_>, Vec<_>) = self.exe_due.drain(..).partition(|e| e.0 <= now);
        self.exe_due = later;
        out.extend(ready.into_iter().map(|(at, t)| (at, Action::Exe(t))));
        out.sort_by_key(|e| e.0); // stable: same time keeps recorded order
        out.into_iter().map(|e| e.1).collect()
    }

    /// Recorded HTTP outcomes not yet played.
    pub fn replies_left(&self) -> usize {
        self.plan.replies_left()
    }

    /// The recorded answer to the traced account's next request on `path`
    /// with `body`, given at `now`; `None` when they are used up, and for the
    /// keepalive `offline` report, which never had a reply.
    pub fn take_http(&mut self, now: Instant, path: &str, body: &Value) -> Option<HttpAnswer> {
        if path == "dispatch/agent/state" && body["state"] == "offline" {
            return None;
        }
        let answer = self.plan.replies.pop_front()?;
        self.answered.push(now);
        Some(answer)
    }

    /// The recorded reply to the EXE request with `id`, sent at `now`; the
    /// frames without an id that followed it are scheduled after it.
    pub fn exe_reply(&mut self, now: Instant, id: &Value) -> Option<String> {
        let key = id_key(id)?;
        let i = self.plan.exe.iter().position(|r| !r.used && r.key == key)?;
        self.plan.exe[i].used = true;
        let r = self.plan.exe[i].clone();
        for (gap, text) in r.events {
            let at = self.after(now, gap);
            self.exe_due.push((at, text));
        }
        Some(r.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn trace() -> String {
        let push = |t: f64, id: &str, data: &str| json!({"t": t, "in": {"k": "push", "id": id, "data": data}});
        let exe = |t: f64, text: &str| json!({"t": t, "in": {"k": "exe", "text": text}});
        json!({
            "schema": "rtv-trace/1",
            "options": {"systemCode": "S", "account": "a1", "token": "***"},
            "entries": [
                {"t": 100.0, "in": {"k": "pushOpened"}},
                {"t": 110.0, "in": {"k": "exeOpened"}},
                exe(120.0, r#"{"id":1,"ok":true}"#),
                {"t": 150.0, "in": {"k": "http", "id": 2, "status": 200, "body": "second"}},
                {"t": 140.0, "in": {"k": "http", "id": 1, "status": 200, "body": "first"}},
                push(300.0, "7", "m7"),
                exe(320.0, r#"{"id":2,"ok":true}"#),
                exe(330.0, r#"{"event":"stream","status":"playing"}"#),
                {"t": 400.0, "timer": true},
                {"t": 500.0, "in": {"k": "pushDown", "status": 500, "wrongType": false}},
                {"t": 900.0, "in": {"k": "pushOpened"}},
                push(1000.0, "8", "m8\nline2"),
                {"t": 1100.0, "in": {"k": "http", "id": 3, "timeout": true}},
            ]
        })
        .to_string()
    }

    #[test]
    fn parses_the_trace_into_a_plan() {
        let p = Plan::parse(&trace()).unwrap();
        assert_eq!(p.account, "a1");
        assert_eq!(p.system_code.as_deref(), Some("S"));
        assert_eq!(p.pushes.len(), 2);
        assert_eq!(p.pushes[0].at_ms, 200.0);
        assert_eq!(p.pushes[1].id.as_deref(), Some("8"));
        assert_eq!(p.replies_left(), 3);
        assert!(Plan::parse(r#"{"schema":"x"}"#).is_err());
        assert!(Plan::parse(r#"{"schema":"rtv-trace/1","options":{}}"#).is_err());
    }

    #[test]
    fn pushes_play_on_the_timeline_from_the_first_subscribe() {
        let mut r = Replay::new(Plan::parse(&trace()).unwrap(), 2.0);
        let t0 = Instant::now();
        assert_eq!(r.next_due(), None, "nothing before the subscribe");
        r.subscribe(t0, None).unwrap();
        // The two replies recorded before the first frame, given at once.
        r.take_http(t0, "rtv/session/current", &json!({})).unwrap();
        r.take_http(t0, "dispatch/agent/state", &json!({})).unwrap();
        // speed 2: the frame recorded 200 ms after pushOpened comes after 100 ms.
        assert_eq!(r.next_due(), Some(t0 + Duration::from_millis(100)));
        assert!(r.take_due(t0 + Duration::from_millis(99)).is_empty());
        let got = r.take_due(t0 + Duration::from_millis(100));
        let m7 = Action::Push {
            id: Some("7".into()),
            data: "m7".into(),
        };
        assert_eq!(got, vec![m7]);
        // The outage: dropped at 200 ms, refused until 400 ms (speed 2).
        assert_eq!(
            r.take_due(t0 + Duration::from_millis(200)),
            vec![Action::DropPush]
        );
        let refused = r.subscribe(t0 + Duration::from_millis(250), Some("7"));
        assert_eq!(refused.unwrap_err().status, Some(500));
        assert!(r
            .subscribe(t0 + Duration::from_millis(400), Some("7"))
            .is_ok());
        let last = r.take_due(t0 + Duration::from_millis(450));
        assert!(matches!(&last[..], [Action::Push { data, .. }] if data == "m8\nline2"));
        assert_eq!(r.next_due(), None);
    }

    #[test]
    fn a_push_waits_for_the_replies_recorded_before_it() {
        // A page slower than the traced one: its start-up replies come late.
        let mut r = Replay::new(Plan::parse(&trace()).unwrap(), 1.0);
        let t0 = Instant::now();
        r.subscribe(t0, None).unwrap();
        assert_eq!(
            r.pushes_due_by(t0 + Duration::from_secs(5)),
            0,
            "no reply given yet"
        );
        r.take_http(t0 + Duration::from_secs(1), "a", &json!({}))
            .unwrap();
        assert_eq!(
            r.pushes_due_by(t0 + Duration::from_secs(5)),
            0,
            "one of two"
        );
        let second = t0 + Duration::from_secs(6);
        r.take_http(second, "b", &json!({})).unwrap();
        // Recorded 160 ms after the last reply before it (at 140): so now too.
        assert_eq!(r.next_due(), Some(second + Duration::from_millis(160)));
        assert_eq!(r.pushes_due_by(second + Duration::from_millis(159)), 0);
        assert_eq!(r.pushes_due_by(second + Duration::from_millis(160)), 1);
    }

    impl Replay {
        /// Push frames `take_due(now)` plays.
        fn pushes_due_by(&mut self, now: Instant) -> usize {
            let due = self.take_due(now);
            due.iter()
                .filter(|a| matches!(a, Action::Push { .. }))
                .count()
        }
    }

    #[test]
    fn a_first_subscribe_with_a_last_id_skips_what_the_client_has() {
        let mut r = Replay::new(Plan::parse(&trace()).unwrap(), 1.0);
        let t0 = Instant::now();
        r.subscribe(t0, Some("7")).unwrap();
        r.take_http(t0, "a", &json!({})).unwrap();
        r.take_http(t0, "b", &json!({})).unwrap();
        r.take_http(t0, "c", &json!({})).unwrap();
        let all = r.take_due(t0 + Duration::from_secs(10));
        let ids: Vec<_> = all
            .iter()
            .filter_map(|a| match a {
                Action::Push { id, .. } => id.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["8"]);
    }

    #[test]
    fn http_replies_go_in_request_order_and_skip_offline_reports() {
        let mut r = Replay::new(Plan::parse(&trace()).unwrap(), 1.0);
        let t0 = Instant::now();
        let offline = json!({"state": "offline"});
        assert_eq!(r.take_http(t0, "dispatch/agent/state", &offline), None);
        let body = |a: Option<HttpAnswer>| match a {
            Some(HttpAnswer::Reply { body, .. }) => body,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            body(r.take_http(t0, "rtv/session/current", &json!({}))),
            "first"
        );
        assert_eq!(body(r.take_http(t0, "x", &json!({}))), "second");
        assert_eq!(r.take_http(t0, "x", &json!({})), Some(HttpAnswer::Timeout));
        assert_eq!(
            r.take_http(t0, "x", &json!({})),
            None,
            "then the normal simulator"
        );
    }

    #[test]
    fn exe_replies_by_id_bring_the_events_that_followed_them() {
        let mut r = Replay::new(Plan::parse(&trace()).unwrap(), 1.0);
        let t0 = Instant::now();
        assert_eq!(
            r.exe_reply(t0, &json!(1)).as_deref(),
            Some(r#"{"id":1,"ok":true}"#)
        );
        assert_eq!(r.exe_reply(t0, &json!(1)), None, "each reply once");
        assert_eq!(r.exe_reply(t0, &json!(9)), None);
        assert!(r.exe_reply(t0, &json!(2.0)).is_some());
        assert_eq!(r.next_due(), Some(t0 + Duration::from_millis(10)));
        let ev = r.take_due(t0 + Duration::from_millis(10));
        assert!(matches!(&ev[..], [Action::Exe(t)] if t.contains("playing")));
        assert!(r.is_traced("a1", Some("S")) && r.is_traced("a1", None));
        assert!(!r.is_traced("a1", Some("T")) && !r.is_traced("a2", None));
    }
}
