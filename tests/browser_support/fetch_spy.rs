//! Watches the page's `fetch` calls (URL and whether `keepalive` was set) by
//! wrapping `globalThis.fetch`; the real `fetch` still does the request.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

/// One observed call.
#[derive(Clone, Debug)]
pub struct SeenFetch {
    /// The URL.
    pub url: String,
    /// `init.method` (GET when absent).
    pub method: String,
    /// `init.keepalive === true`.
    pub keepalive: bool,
    /// `init.body` when it is a string.
    pub body: String,
}

/// `fetch` wrapped; dropping it puts the original back.
pub struct FetchSpy {
    original: JsValue,
    calls: Rc<RefCell<Vec<SeenFetch>>>,
    _hook: Closure<dyn FnMut(JsValue, JsValue) -> JsValue>,
}

impl FetchSpy {
    /// Starts watching.
    pub fn start() -> FetchSpy {
        let global = js_sys::global();
        let original = Reflect::get(&global, &"fetch".into()).expect("fetch");
        let calls = Rc::new(RefCell::new(Vec::new()));
        let hook = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new({
            let calls = calls.clone();
            let original = original.clone();
            let global = global.clone();
            move |input: JsValue, init: JsValue| {
                let field = |k: &str| {
                    if init.is_object() {
                        Reflect::get(&init, &k.into()).unwrap_or(JsValue::UNDEFINED)
                    } else {
                        JsValue::UNDEFINED
                    }
                };
                calls.borrow_mut().push(SeenFetch {
                    url: input.as_string().unwrap_or_default(),
                    method: field("method").as_string().unwrap_or_else(|| "GET".into()),
                    keepalive: field("keepalive") == JsValue::TRUE,
                    body: field("body").as_string().unwrap_or_default(),
                });
                let f: &Function = original.unchecked_ref();
                f.call2(&global, &input, &init)
                    .unwrap_or(JsValue::UNDEFINED)
            }
        });
        Reflect::set(&global, &"fetch".into(), hook.as_ref()).expect("wrap fetch");
        FetchSpy {
            original,
            calls,
            _hook: hook,
        }
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<SeenFetch> {
        self.calls.borrow().clone()
    }
}

impl Drop for FetchSpy {
    fn drop(&mut self) {
        let _ = Reflect::set(&js_sys::global(), &"fetch".into(), &self.original);
    }
}
