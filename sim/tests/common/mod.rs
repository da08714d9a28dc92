//! Shared helpers of the simulator's HTTP-level tests: start the real
//! `rtv-sim` binary on free ports, call its control API, read a push stream,
//! talk to the fake EXE.
#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// A running simulator; killed when dropped.
pub struct Sim {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// `ws://127.0.0.1:<port>/rtv`.
    pub exe: String,
    pub http: reqwest::Client,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sim {
    /// Starts `rtv-sim` on free ports with these extra flags.
    pub fn start(extra: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rtv-sim"))
            .args(["--port", "0", "--exe-port", "0", "--www", "/nonexistent"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("rtv-sim starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("listening line");
        // "rtv-sim listening on http://127.0.0.1:P exe ws://127.0.0.1:Q/rtv"
        let words: Vec<&str> = line.split_whitespace().collect();
        let base = words
            .iter()
            .find(|w| w.starts_with("http://"))
            .expect("http url");
        let exe = words
            .iter()
            .find(|w| w.starts_with("ws://"))
            .expect("ws url");
        Sim {
            child,
            base: base.to_string(),
            exe: exe.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// POST `path` (below the base) with a JSON body; status and body.
    pub async fn post(&self, path: &str, body: Value) -> (u16, String) {
        let r = self
            .http
            .post(format!("{}/{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("request");
        (r.status().as_u16(), r.text().await.expect("body"))
    }

    /// POST a control call; panics unless 2xx; the JSON answer.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let (status, text) = self.post(&format!("sim/{path}"), body.clone()).await;
        assert!(
            (200..300).contains(&status),
            "/sim/{path} {body}: {status} {text}"
        );
        serde_json::from_str(&text).expect("json")
    }

    /// GET a control resource.
    pub async fn get(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}/sim/{path}", self.base))
            .send()
            .await;
        r.expect("request").json().await.expect("json")
    }

    /// An SDK command for `account` (systemCode added); the envelope.
    pub async fn sdk(&self, path: &str, account: &str, mut body: Value) -> Value {
        body["systemCode"] = json!("T");
        body["account"] = json!(account);
        let (status, text) = self.post(path, body).await;
        assert_eq!(status, 200, "{path}: {text}");
        serde_json::from_str(&text).expect("envelope")
    }

    /// Opens a push stream with these query parameters and headers.
    pub async fn subscribe(&self, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self
            .http
            .get(format!("{}/push-client/subscribe?{query}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("subscribe")
    }

    /// Polls `GET /sim/<path>` until `ok` holds (at most `ms`); the last answer.
    pub async fn wait_for(&self, path: &str, ms: u64, ok: impl Fn(&Value) -> bool) -> Value {
        let end = Instant::now() + Duration::from_millis(ms);
        loop {
            let v = self.get(path).await;
            if ok(&v) {
                return v;
            }
            assert!(Instant::now() < end, "GET /sim/{path} never matched: {v}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A push stream read event by event.
pub struct Events {
    body: reqwest::Response,
    buf: String,
}

/// One SSE event: `event:` (default "message"), `id:`, data.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

impl Events {
    /// Reads an open stream (asserts the content type).
    pub fn new(body: reqwest::Response) -> Events {
        assert_eq!(body.status(), 200);
        let ct = body.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(ct, "text/event-stream");
        Events {
            body,
            buf: String::new(),
        }
    }

    /// The next event (comments skipped), or None within `ms`.
    pub async fn next(&mut self, ms: u64) -> Option<Event> {
        let end = tokio::time::Instant::now() + Duration::from_millis(ms);
        loop {
            if let Some(i) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..i + 2).collect();
                let mut ev = Event {
                    event: "message".into(),
                    id: None,
                    data: String::new(),
                };
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        ev.event = v.into();
                    } else if let Some(v) = line.strip_prefix("id: ") {
                        ev.id = Some(v.into());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push(v);
                    }
                }
                if data.is_empty() {
                    continue; // a comment
                }
                ev.data = data.join("\n");
                return Some(ev);
            }
            let chunk = tokio::time::timeout_at(end, self.body.chunk()).await.ok()?;
            let chunk = chunk.expect("stream").expect("stream not closed");
            self.buf
                .push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        }
    }

    /// The next event that is not a ping.
    pub async fn next_message(&mut self, ms: u64) -> Option<Event> {
        loop {
            let ev = self.next(ms).await?;
            if ev.event != "ping" {
                return Some(ev);
            }
        }
    }
}

/// A fake-EXE client socket.
pub struct Exe {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Exe {
    /// Connects and says hello as `account`.
    pub async fn connect(sim: &Sim, account: &str) -> Exe {
        let (ws, _) = tokio_tungstenite::connect_async(&sim.exe)
            .await
            .expect("exe");
        let mut exe = Exe { ws, next_id: 0 };
        let r = exe
            .request(json!({"cmd": "hello", "account": account, "sdkVersion": "t"}))
            .await;
        assert_eq!(r["ok"], true);
        exe
    }

    /// Sends a request (an id added) and returns its reply; skips events.
    pub async fn request(&mut self, mut frame: Value) -> Value {
        self.next_id += 1;
        frame["id"] = json!(self.next_id);
        self.ws
            .send(Message::text(frame.to_string()))
            .await
            .expect("send");
        loop {
            let m = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("a reply within 5 s")
                .expect("open")
                .expect("frame");
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(t.as_str()).expect("json");
                if v["id"] == json!(self.next_id) {
                    return v;
                }
            }
        }
    }

    /// The next frame of any kind (None when the connection ended or within `ms` nothing came).
    pub async fn next_frame(&mut self, ms: u64) -> Option<Message> {
        let next = tokio::time::timeout(Duration::from_millis(ms), self.ws.next());
        next.await.ok()?.and_then(Result::ok)
    }

    /// Closes the socket.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
