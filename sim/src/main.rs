//! `rtv-sim`: a local simulator of the real-time video platform the SDK
//! talks to — push channel (SSE), video service, dispatch service, scripted
//! customers and a fake EXE — plus a control API for tests and the demo.

// The model (no IO, no clock), leaves first: each imports only modules above it.
mod agents;
mod asks;
mod calls;
mod clock;
mod codes;
mod effects;
mod exe;
mod exe_faults;
mod faults;
mod flags;
mod jpeg;
#[cfg(test)]
mod model_tests;
mod push;
mod replay;
mod reqlog;
mod rng;
mod routing;
mod sessions;
mod timers;
mod world;
// The IO side: the shared handle, its timer task and the servers.
mod control;
mod cors;
mod customers;
mod exe_socket;
mod font;
mod png;
mod sdk;
mod sse;
mod state;
mod statics;
mod testcard;
mod views;

use axum::routing::{get, post};
use axum::Router;
use clap::Parser;
use flags::{ms, Flags};
use replay::{Plan, Replay};
use state::Sim;
use std::future::IntoFuture;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The HTTP side: SDK endpoints, control API, static files; CORS on all.
fn http_app(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/push-client/subscribe", get(sse::subscribe))
        .route("/rtv/{*rest}", post(sdk::rtv))
        .route("/dispatch/{*rest}", post(sdk::dispatch))
        .nest("/sim", control::router())
        .fallback(statics::serve)
        .layer(axum::middleware::from_fn(cors::cors))
        .with_state(sim)
}

/// The fake EXE: one WebSocket endpoint.
fn exe_app(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/rtv", get(exe_socket::upgrade))
        .with_state(sim)
}

async fn bind(host: &str, port: u16, what: &str) -> Result<TcpListener, String> {
    TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port} ({what}): {e}"))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// The `--replay` trace, parsed (before anything listens, so a bad file stops us).
fn load_replay(flags: &Flags) -> Result<Option<Replay>, String> {
    let Some(file) = &flags.replay else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("--replay {}: {e}", file.display()))?;
    let plan = Plan::parse(&text).map_err(|e| format!("--replay {}: {e}", file.display()))?;
    Ok(Some(Replay::new(plan, flags.replay_speed)))
}

async fn run(flags: Flags, replay: Option<Replay>) -> Result<(), String> {
    let http = bind(&flags.host, flags.port, "http").await?;
    let exe = if flags.no_exe {
        None
    } else {
        Some(bind(&flags.host, flags.exe_port, "exe").await?)
    };
    let http_addr: SocketAddr = http.local_addr().map_err(|e| e.to_string())?;
    let base_url = format!("http://{http_addr}");
    let sim = Sim::new(&flags, base_url.clone());
    let banner = replay.as_ref().map(|r| {
        let file = flags.replay.as_deref().unwrap_or(Path::new("-"));
        r.banner(&file.display().to_string())
    });
    let replaying = replay.is_some();
    sim.lock().replay = replay;

    let (stop_tx, stop_rx) = watch::channel(false);
    let wait_stop = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let http_task = tokio::spawn(
        axum::serve(http, http_app(sim.clone()))
            .with_graceful_shutdown(wait_stop(stop_rx.clone()))
            .into_future(),
    );
    let mut line = format!("rtv-sim listening on {base_url}");
    let exe_task = match exe {
        Some(listener) => {
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            line.push_str(&format!(" exe ws://{addr}/rtv"));
            Some(tokio::spawn(
                axum::serve(listener, exe_app(sim.clone()))
                    .with_graceful_shutdown(wait_stop(stop_rx.clone()))
                    .into_future(),
            ))
        }
        None => None,
    };
    println!("{line}");
    let _ = std::io::stdout().flush();
    if let Some(banner) = banner {
        say!("{banner}");
    }

    // Timers of the model; agents that stop sending heartbeats go offline.
    let sweeper = tokio::spawn(state::drive(sim.clone()));
    // Replay mode: only the trace's platform talks to the traced account.
    let call_every = if replaying { 0 } else { ms(flags.call_every) };
    let customers = tokio::spawn(customers::run(sim.clone(), call_every, flags.customers));

    stop_signal().await;
    say!("shutting down");
    sweeper.abort();
    customers.abort();
    {
        // Endless streams would hold a graceful shutdown open: end them first.
        let mut w = sim.lock();
        w.push.drop_streams(None);
        w.exe.close_all();
    }
    let _ = stop_tx.send(true);
    let servers = async {
        let _ = http_task.await;
        if let Some(t) = exe_task {
            let _ = t.await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(3), servers)
        .await
        .is_err()
    {
        say!("connections still open after 3 s; exiting anyway");
    }
    Ok(())
}

fn main() -> ExitCode {
    let flags = Flags::parse();
    if let Err(e) = flags.validate() {
        eprintln!("rtv-sim: {e}");
        return ExitCode::from(2);
    }
    let replay = match load_replay(&flags) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rtv-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rtv-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(flags, replay)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtv-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
