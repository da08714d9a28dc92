//! Command-line flags. Every timing a test may want to shorten can also be
//! changed at run time through `POST /sim/config`.

use clap::Parser;
use std::path::PathBuf;

/// The control API, shown after the flags in `--help`.
const CONTROL_API: &str = "\
Control API v1 (JSON; failures are 4xx {\"error\"}; docs/SIM-API.md):
  GET  /sim/version                   {api: 1, sim: \"<version>\"}
  POST /sim/reset                     forget agents, sessions, buffers, faults, logs, link totals
  GET  /sim/agents | /sim/sessions    the model as the platform sees it
  GET  /sim/links[?account=a]         {a: {subscriptions, subscribesTotal, exeLinks, exeHellos}}:
                                      open push streams and EXE sockets now, subscribes and
                                      hellos since start/reset
  POST /sim/call {account?, customer?, sid?}       -> {sid}
  POST /sim/hangup {sid, msgType?}                 customer/platform ends a call
  POST /sim/push {account, msgType?, sid?, data?, raw?, id?} -> {id}
  POST /sim/burst {account, n, msgTypes?, urlLen?, sid?} -> {first, last, n}
                                      n messages (msgTypes cycled, default [50203, 50204];
                                      data.url of urlLen chars, default 80) in one write
  POST /sim/fail {path, account?, times?, code?, status?, delayMs?, body?}
                                      path: an SDK request (rtv/call/answer, dispatch/agent/state,
                                      push-client/subscribe, ...); 400 names the known ones
  POST /sim/push-channel {account?, action}        drop|stall|reject|error500|wrongType|restore
  POST /sim/exe {account?, action, code?, msg?, times?} -> {ok, sockets}
       action: crash (socket dropped, reconnects accepted), close (close frame 1001,
               then refused like refuse until restore), refuse|silence|garbage|restore,
               snapshotPng|snapshotRaw|snapshotJpeg|snapshotRawJpeg (snapshot reply format),
               failStart (the next `times` starts, default 1, answer ok:false with
               code, default 500, and msg)
  POST /sim/exe/send {account?, text}              a raw frame from the fake EXE
  POST /sim/auth {rejectTokens}                    tokens answered 401
  GET  /sim/log[?account=a] | POST /sim/log/clear {account?}
  GET|POST /sim/config {ringTimeoutMs?, recordingDelayMs?, pingIntervalMs?,
                        heartbeatTimeoutMs?, maxCallMs?}

Replay mode (--replay trace.json, a page's rtVideo.exportTrace(); docs/TRACE.md):
  plays the platform's side of the trace to a live page of the traced account
  (options.account; options.systemCode when the request says one):
  - push: the first subscribe starts the timeline; each recorded push (its SSE id
    and data as recorded) comes at its time after the first pushOpened, divided by
    --replay-speed, and never before the HTTP replies recorded before it were
    given again (nor sooner after the last of them than recorded); a reconnect
    gets what it missed after Last-Event-ID (frames at
    or below it are not sent again); a pushDown drops the stream at its time and
    subscribes are refused (recorded status, else 503) until the next pushOpened
  - video/dispatch HTTP: the recorded replies in request order (status + body;
    network -> 503, timeout -> no answer until the client gives up); the keepalive
    offline report is not replayed; when the replies are used up, normal service
  - fake EXE: a request with id N gets the recorded frame with \"id\": N; frames
    without an id follow the reply they followed, after the recorded gap
  Other accounts get the normal simulator; scripted customers are off.";

/// Simulator of the real-time video platform for local development and tests:
/// push channel (SSE), video service, dispatch service, scripted customers and
/// a fake EXE (WebSocket). Control API under /sim/.
#[derive(Parser, Debug, Clone)]
#[command(name = "rtv-sim", version, after_help = CONTROL_API)]
pub struct Flags {
    /// Address to bind both listeners to.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// HTTP port (push channel, video, dispatch, control API, static files); 0 = any free port.
    #[arg(long, default_value_t = 8686)]
    pub port: u16,

    /// Port of the fake EXE WebSocket server (path /rtv); 0 = any free port.
    #[arg(long, default_value_t = 18686)]
    pub exe_port: u16,

    /// Do not start the fake EXE (use when the real EXE runs on this machine).
    #[arg(long)]
    pub no_exe: bool,

    /// Origin allowed to open the fake EXE socket (repeatable; `http://host:*` matches any port,
    /// `*` any origin). Default: http://127.0.0.1:* and http://localhost:*.
    #[arg(long = "exe-allow-origin", value_name = "ORIGIN")]
    pub exe_allow_origin: Vec<String>,

    /// Directory served at / (the demo page).
    #[arg(long, default_value = "www-demo/dist")]
    pub www: PathBuf,

    /// Directory served at /pkg/ (the built SDK package).
    #[arg(long, default_value = "pkg")]
    pub pkg: PathBuf,

    /// Seconds between `event: ping` frames on each push stream.
    #[arg(long, default_value_t = 15.0)]
    pub ping_interval: f64,

    /// Messages kept per account for replay after Last-Event-ID.
    #[arg(long, default_value_t = 1000)]
    pub replay_buffer: usize,

    /// Seconds without heartbeat/state/subscribe after which an agent counts as offline.
    #[arg(long, default_value_t = 60.0)]
    pub heartbeat_timeout: f64,

    /// Seconds an offered call (or a transfer / third-party ask) rings before it is withdrawn.
    #[arg(long, default_value_t = 20.0)]
    pub ring_timeout: f64,

    /// A scripted customer calls every this many seconds (0 = no scripted customers).
    #[arg(long, default_value_t = 0.0)]
    pub call_every: f64,

    /// Most scripted customers calling at the same time.
    #[arg(long, default_value_t = 1)]
    pub customers: usize,

    /// Seed of the scripted customers (names, call lengths, drops): same seed, same script.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Share (0..1) of scripted calls that end by the customer dropping (30019) instead of hanging up (30017).
    #[arg(long, default_value_t = 0.1)]
    pub drop_rate: f64,

    /// Seconds after which the platform ends any call with 30000 (measured from the answer;
    /// a call nobody answered is abandoned after the same time).
    #[arg(long, default_value_t = 300.0)]
    pub max_call: f64,

    /// Seconds after a call ends before its recording (50203) is pushed to the owner.
    #[arg(long, default_value_t = 3.0)]
    pub recording_delay: f64,

    /// Token answered with 401 on subscribe and HTTP (repeatable; see also POST /sim/auth).
    #[arg(long = "reject-token", value_name = "TOKEN")]
    pub reject_token: Vec<String>,

    /// Replay mode: play the platform's side of this trace (`rtv-trace/1`) to the traced
    /// account (see below); scripted customers are off.
    #[arg(long, value_name = "TRACE.json")]
    pub replay: Option<PathBuf>,

    /// Replay mode: recorded delays are divided by this factor (2 = twice as fast).
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    pub replay_speed: f64,
}

impl Flags {
    /// Checks values clap cannot check by type.
    pub fn validate(&self) -> Result<(), String> {
        let secs = [
            ("--ping-interval", self.ping_interval),
            ("--heartbeat-timeout", self.heartbeat_timeout),
            ("--ring-timeout", self.ring_timeout),
            ("--call-every", self.call_every),
            ("--max-call", self.max_call),
            ("--recording-delay", self.recording_delay),
        ];
        for (name, v) in secs {
            if !v.is_finite() || !(0.0..=1.0e7).contains(&v) {
                return Err(format!("{name} must be a number of seconds >= 0"));
            }
        }
        if self.ping_interval <= 0.0 {
            return Err("--ping-interval must be > 0".into());
        }
        if !(0.0..=1.0).contains(&self.drop_rate) {
            return Err("--drop-rate must be between 0 and 1".into());
        }
        if !self.replay_speed.is_finite() || self.replay_speed <= 0.0 {
            return Err("--replay-speed must be a factor > 0".into());
        }
        if self.replay_buffer == 0 {
            return Err("--replay-buffer must be at least 1".into());
        }
        Ok(())
    }
}

/// Seconds (as given on the command line) to whole milliseconds.
pub fn ms(secs: f64) -> u64 {
    (secs * 1000.0).round() as u64
}
