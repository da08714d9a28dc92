//! `ExeLink`: the WebSocket to the local video client (the EXE).

use js_sys::{Function, JsString, Reflect};
use rtv_core::MAX_FRAME_CHARS;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::counters::{Counted, Kind};
use super::listener::EventListener;
use super::value::{parse, stringify, Js};
use super::{Input, Inputs};

/// An EXE socket. Dropping it removes the listeners first (so the core hears
/// nothing more from it), then closes the socket.
pub(crate) struct ExeLink {
    socket: WebSocket,
    listeners: Vec<EventListener>,
    _count: Counted,
}

impl ExeLink {
    /// Connects to `url`. `error` is not listened to: `close` always follows.
    /// `early`: see [`super::early`].
    pub(crate) fn open<S: Inputs>(
        url: &str,
        sink: &S,
        early: Option<&Function>,
    ) -> Result<ExeLink, ()> {
        let socket = match super::early(early, "exe", url) {
            Some(adopted) => adopted.unchecked_into(),
            None => WebSocket::new(url).map_err(|_| ())?,
        };
        let target = socket.as_ref();
        let listeners = vec![
            EventListener::new(target, "open", {
                let sink = sink.clone();
                move |_| sink.send(Input::ExeOpened)
            }),
            EventListener::new(target, "message", {
                let sink = sink.clone();
                move |ev| sink.send(frame_input(ev.unchecked_ref()))
            }),
            EventListener::new(target, "close", {
                let sink = sink.clone();
                move |ev| {
                    sink.send(Input::ExeClosed {
                        code: ev.unchecked_ref::<CloseEvent>().code(),
                    })
                }
            }),
        ];
        Ok(ExeLink {
            socket,
            listeners,
            _count: Counted::new(Kind::WebSocket),
        })
    }

    /// Sends `frame` as JSON text. A socket that is not open (yet or any
    /// more) drops it; the core's reply timeout covers that case.
    pub(crate) fn send(&self, frame: &Js) {
        if let Some(text) = stringify(frame).dyn_ref::<JsString>() {
            let _ = self.socket.unchecked_ref::<Socket>().send_js(text);
        }
    }
}

impl Drop for ExeLink {
    fn drop(&mut self) {
        self.listeners.clear();
        let _ = self.socket.close();
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A WebSocket, for a `send` that takes a JS string (web-sys' takes a
    /// `&str`: a copy into wasm memory and back).
    #[wasm_bindgen(js_name = WebSocket)]
    type Socket;
    #[wasm_bindgen(catch, method, js_name = send)]
    fn send_js(socket: &Socket, text: &JsString) -> Result<(), JsValue>;
}

/// A `message` event as input: text within the limit is parsed, anything
/// else (too long, binary) is only measured.
fn frame_input(ev: &MessageEvent) -> Input {
    let data = ev.data();
    if let Some(len) = data.dyn_ref::<JsString>().map(|s| s.length() as usize) {
        return if len > MAX_FRAME_CHARS {
            Input::ExeOversized { len }
        } else {
            Input::ExeText(parse(data, len))
        };
    }
    // Binary frames arrive as a Blob (`size`) or an ArrayBuffer (`byteLength`).
    let size = |key: &str| {
        Reflect::get(&data, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
    };
    let len = size("size").or_else(|| size("byteLength")).unwrap_or(0.0);
    Input::ExeOversized { len: len as usize }
}
