//! Read-only JSON views of the world for the control API: `GET /sim/agents`,
//! `/sim/sessions` and `/sim/links`.

use crate::sessions::Phase;
use crate::world::World;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// `GET /sim/agents`: every known agent in round-robin order.
pub fn agents(w: &World) -> Value {
    let list: Vec<Value> = w
        .agents
        .in_order()
        .map(|(acc, a)| {
            let (state, sid) = w.agent_state(acc);
            let streams = w.push.open_streams(acc);
            json!({"account": acc, "presence": a.presence, "state": state, "sid": sid,
                   "streams": streams})
        })
        .collect();
    Value::Array(list)
}

/// The links of one account (`GET /sim/links?account=`).
pub fn links_of(w: &World, account: &str) -> Value {
    json!({
        "subscriptions": w.push.open_streams(account),
        "subscribesTotal": w.push.subscribes_total(account),
        "exeLinks": w.exe.links(account),
        "exeHellos": w.exe.hellos_total(account),
    })
}

/// `GET /sim/links`: every account with a stream, a subscribe, an EXE link or a hello.
pub fn links(w: &World) -> Value {
    let mut accounts: BTreeSet<String> = w.push.accounts();
    accounts.extend(w.exe.accounts());
    let map: Map<String, Value> = accounts
        .into_iter()
        .map(|a| {
            let v = links_of(w, &a);
            (a, v)
        })
        .collect();
    Value::Object(map)
}

/// `GET /sim/sessions`: every session, live and recently ended, by sid.
pub fn sessions(w: &World) -> Value {
    let mut list: Vec<Value> = w
        .sessions
        .iter()
        .map(|s| {
            let phase = match &s.phase {
                Phase::Queued => json!("queued"),
                Phase::Offered { agent } => json!({ "offered": agent }),
                Phase::Active => json!("active"),
                Phase::Ended => json!("ended"),
            };
            let ask = s.ask.as_ref().map(|a| {
                json!({"kind": format!("{:?}", a.kind).to_lowercase(), "from": a.from, "newer": a.newer})
            });
            json!({"sid": s.sid, "phase": phase, "owner": s.owner, "participant": s.participant,
                   "ask": ask, "customer": s.customer})
        })
        .collect();
    list.sort_by_key(|v| v["sid"].as_str().unwrap_or("").to_string());
    Value::Array(list)
}
