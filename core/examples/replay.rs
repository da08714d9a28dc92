//! Replays a trace (`rtVideo.exportTrace()`, schema `rtv-trace/1`, see
//! docs/TRACE.md) through the same sans-IO core, deterministically, and
//! prints what the core did: events for the page, errors, requests, state
//! changes; and any broken invariant of SPEC §3.
//!
//!   cargo run -p rtv-core --example replay -- trace.json            readable
//!   cargo run -p rtv-core --example replay -- trace.json --events   the page's
//!       events as JSON lines ({"type", "data"}), for comparing with a page
//!
//! Exit status: 0, or 1 when an invariant broke, 2 on a bad file.

use std::process::ExitCode;

use rtv_core::trace::{input_value, steps_of, Step, SCHEMA};
use rtv_core::{Agent, Config, Frame, Output};
use serde_json::{json, Value as Json};

fn fail(msg: &str) -> ExitCode {
    eprintln!("replay: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        return fail("usage: replay <trace.json> [--events]");
    };
    let events_only = args.iter().any(|a| a == "--events");
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return fail(&format!("{path}: {e}")),
    };
    let doc: Json = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => return fail(&format!("{path}: not JSON ({e})")),
    };
    if doc.get("schema").and_then(Json::as_str) != Some(SCHEMA) {
        return fail(&format!("{path}: not a {SCHEMA} document"));
    }
    let config = match doc.get("options").map(Config::from_value) {
        Some(Ok(c)) => c,
        Some(Err(e)) => return fail(&e.msg),
        None => return fail("no options"),
    };
    let seed: u64 = match doc.get("seed") {
        Some(Json::Array(halves)) if halves.len() == 2 => {
            match (halves[0].as_f64(), halves[1].as_f64()) {
                (Some(hi), Some(lo)) => ((hi as u64) << 32) | (lo as u64),
                _ => 0,
            }
        }
        _ => 0,
    };
    let start = doc.get("start").and_then(Json::as_f64).unwrap_or(0.0);
    let snapshot = doc.get("snapshot").filter(|s| !s.is_null());
    let dropped = doc
        .get("dropped")
        .and_then(Json::as_f64)
        .map_or(0, |n| n as usize);
    if dropped > 0 && !events_only {
        println!(
            "note: the first {dropped} entries were dropped (bounded trace); the replay starts \
             from a fresh instance at the first kept one and is approximate until it re-syncs"
        );
    }
    let mut agent = Agent::with_snapshot(config, start, seed, snapshot);
    let mut broken = 0;
    let mut report = |t: f64, agent: &mut Agent<Json>| {
        while let Some(out) = agent.poll_output() {
            match out {
                Output::Event { kind, data } if events_only => {
                    println!("{}", json!({"type": kind.as_str(), "data": data}));
                }
                _ if events_only => {}
                Output::Event { kind, data } => {
                    println!("{t:>10.1}  next   {} {data}", kind.as_str())
                }
                Output::Error { error: e, calls } => {
                    println!("{t:>10.1}  error  {} {} {calls:?}", e.code.as_str(), e.msg)
                }
                Output::Settle { call, result } => match result {
                    Ok(v) => println!("{t:>10.1}  settle #{call} ok {v}"),
                    Err(r) => println!(
                        "{t:>10.1}  settle #{call} rejected {}",
                        r.to_value::<Json>()
                    ),
                },
                Output::Http(r) => println!(
                    "{t:>10.1}  http   #{} {}{} {}",
                    r.id,
                    r.url.split('?').next().unwrap_or(""),
                    if r.keepalive { " (keepalive)" } else { "" },
                    r.body
                ),
                Output::OpenPush { .. } => println!("{t:>10.1}  push   open"),
                Output::ClosePush => println!("{t:>10.1}  push   close"),
                Output::OpenExe { url } => println!("{t:>10.1}  exe    open {url}"),
                Output::CloseExe => println!("{t:>10.1}  exe    close"),
                Output::CheckLocalNetwork => {
                    println!("{t:>10.1}  exe    check the local network permission")
                }
                Output::ExeSend(f) => println!("{t:>10.1}  exe    -> {f}"),
                Output::Log { msg, .. } => println!("{t:>10.1}  log    {msg}"),
                Output::Complete => println!("{t:>10.1}  complete"),
            }
        }
        if let Some(v) = agent.invariant_violation() {
            broken += 1;
            eprintln!("{t:>10.1}  INVARIANT BROKEN: {v}");
        }
    };
    report(0.0, &mut agent);
    // The trace keeps texts; the core has no parser: serde_json reads them,
    // as JSON.parse did in the page.
    let parse = |text: &str| Frame {
        value: serde_json::from_str(text).ok(),
        text: Json::from(text),
        len: text.encode_utf16().count(),
    };
    for (t, step) in steps_of(&doc, &parse) {
        match step {
            Step::Timer => agent.handle_timeout(start + t),
            Step::Elided { kind, len } => {
                // Too long to keep: the core saw it, the replay cannot.
                if !events_only {
                    println!("{t:>10.1}  <-     ({kind} of {len} characters, not kept: skipped)");
                }
            }
            Step::Input(i) => {
                if !events_only {
                    println!("{t:>10.1}  <-     {}", input_value(&i));
                }
                agent.handle_input(start + t, i);
            }
        }
        report(t, &mut agent);
    }
    if !events_only {
        println!("final state: {}", agent.state());
    }
    if broken > 0 {
        eprintln!("replay: {broken} invariant violation(s)");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
