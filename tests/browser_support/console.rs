//! Captures what reaches the page's console while a test runs, by wrapping
//! `console.{log,debug,info,warn,error}` (the originals still run).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

const METHODS: [&str; 5] = ["log", "debug", "info", "warn", "error"];

type Hook = Closure<dyn FnMut(JsValue, JsValue, JsValue)>;

/// The console wrapped; dropping it puts the original methods back.
pub struct ConsoleCapture {
    console: JsValue,
    originals: Vec<(&'static str, JsValue)>,
    lines: Rc<RefCell<Vec<String>>>,
    _hooks: Vec<Hook>,
}

fn text(v: &JsValue) -> String {
    if v.is_undefined() {
        return String::new();
    }
    v.as_string().unwrap_or_else(|| {
        js_sys::JSON::stringify(v)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| format!("{v:?}"))
    })
}

impl ConsoleCapture {
    /// Starts capturing.
    pub fn start() -> ConsoleCapture {
        let console = Reflect::get(&js_sys::global(), &"console".into()).expect("console");
        let lines = Rc::new(RefCell::new(Vec::new()));
        let mut originals = Vec::new();
        let mut hooks = Vec::new();
        for name in METHODS {
            let original = Reflect::get(&console, &name.into()).expect("console method");
            let hook: Hook = Closure::new({
                let lines = lines.clone();
                let original = original.clone();
                let console = console.clone();
                move |a: JsValue, b: JsValue, c: JsValue| {
                    let line = format!("{name}: {} {} {}", text(&a), text(&b), text(&c));
                    lines.borrow_mut().push(line);
                    if let Some(f) = original.dyn_ref::<Function>() {
                        let _ = f.call3(&console, &a, &b, &c);
                    }
                }
            });
            Reflect::set(&console, &name.into(), hook.as_ref()).expect("wrap console");
            originals.push((name, original));
            hooks.push(hook);
        }
        ConsoleCapture {
            console,
            originals,
            lines,
            _hooks: hooks,
        }
    }

    /// Every captured line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.borrow().clone()
    }
}

impl Drop for ConsoleCapture {
    fn drop(&mut self) {
        for (name, original) in &self.originals {
            let _ = Reflect::set(&self.console, &(*name).into(), original);
        }
    }
}
