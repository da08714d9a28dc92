//! `Js`: the core's [`Value`] view of a JS value.
//!
//! Every input is parsed once, by `JSON.parse` (see [`parse`]); the core then
//! reads the members it validates through this handle and builds payloads
//! and request bodies as JS objects, which reach the page or `JSON.stringify`
//! as they are. Member names are `&'static str`: each one's JS string is made
//! once and kept ([`key`]), so a read costs a `Reflect.get`, not a UTF-8
//! decode of the name.

use std::cell::RefCell;

use js_sys::{Array, JsString, Object, Reflect, JSON};
use rtv_core::{Frame, Shape, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` on the JS string itself (js-sys' binding takes a `&str`,
    /// which would copy the text into wasm memory and back).
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &JsString) -> Result<JsValue, JsValue>;
    /// `Reflect.get`, `null` and `undefined` as `None` (one call).
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_member(target: &JsValue, key: &JsValue) -> Result<Option<JsValue>, JsValue>;
}

/// A JS value seen by the core.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Js(pub JsValue);

thread_local! {
    /// JS strings of the member names (and event types) used so far, by the
    /// address and length of their Rust literal.
    static KEYS: RefCell<Vec<(usize, usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the JS string of a literal, made on first use and kept (no
/// clone: a clone and its drop would cost two calls into JS per use).
pub(crate) fn with_key<R>(k: &'static str, f: impl FnOnce(&JsValue) -> R) -> R {
    let id = (k.as_ptr() as usize, k.len());
    let at = KEYS.with(|keys| {
        let found = keys.borrow().iter().position(|(p, l, _)| (*p, *l) == id);
        found.or_else(|| {
            // A getter running during `f` that reads a new key finds the
            // list borrowed: it then uses a string of its own.
            let mut keys = keys.try_borrow_mut().ok()?;
            keys.push((id.0, id.1, JsValue::from_str(k)));
            Some(keys.len() - 1)
        })
    });
    match at {
        Some(i) => KEYS.with(|keys| f(&keys.borrow()[i].2)),
        None => f(&JsValue::from_str(k)),
    }
}

/// `Reflect.set(target, k, v)` with a kept key.
pub(crate) fn set_member(target: &JsValue, k: &'static str, v: &JsValue) {
    with_key(k, |key| {
        let _ = Reflect::set(target, key, v);
    });
}

/// A text from the network (a JS string) as a frame: `JSON.parse`d once;
/// the text itself is kept as a handle, never copied into wasm memory.
/// `len` is its length in UTF-16 units.
pub(crate) fn parse(text: JsValue, len: usize) -> Frame<Js> {
    let value = text
        .dyn_ref::<JsString>()
        .and_then(|s| json_parse(s).ok())
        .map(Js);
    Frame {
        value,
        text: Js(text),
        len,
    }
}

/// `JSON.stringify(v)` (the core builds only plain objects, arrays,
/// strings, numbers and booleans, so this does not throw).
pub(crate) fn stringify(v: &Js) -> JsValue {
    JSON::stringify(&v.0)
        .map(JsValue::from)
        .unwrap_or(JsValue::NULL)
}

impl Value for Js {
    fn null() -> Self {
        Js(JsValue::NULL)
    }
    fn boolean(b: bool) -> Self {
        Js(JsValue::from_bool(b))
    }
    fn number(n: f64) -> Self {
        Js(JsValue::from_f64(n))
    }
    fn string(s: &str) -> Self {
        Js(JsValue::from_str(s))
    }
    fn object() -> Self {
        Js(Object::new().into())
    }
    fn array(items: Vec<Self>) -> Self {
        let a = Array::new();
        for i in items {
            a.push(&i.0);
        }
        Js(a.into())
    }
    fn set(&mut self, k: &'static str, v: Self) {
        // Throws (caught) on a primitive, which the core never sets on.
        set_member(&self.0, k, &v.0);
    }
    fn get(&self, k: &'static str) -> Option<Self> {
        // Reflect.get throws on primitives (caught: they have no members
        // here); no type check first, which would cost a call per read.
        with_key(k, |key| Reflect::get(&self.0, key))
            .ok()
            .filter(|v| !v.is_undefined())
            .map(Js)
    }
    fn shape(&self) -> Shape {
        let v = &self.0;
        if v.as_f64().is_some() {
            Shape::Num
        } else if v.is_string() {
            Shape::Str
        } else if v.is_object() {
            if Array::is_array(v) {
                Shape::Arr
            } else {
                Shape::Obj
            }
        } else if v.is_null() || v.is_undefined() {
            Shape::Null
        } else if v.as_bool().is_some() {
            Shape::Bool
        } else {
            Shape::Other
        }
    }
    fn member(&self, k: &'static str) -> Option<Self> {
        with_key(k, |key| reflect_member(&self.0, key))
            .ok()
            .flatten()
            .map(Js)
    }
    // Fewer calls than going through `shape` on the two hottest checks.
    fn is_obj(&self) -> bool {
        self.0.is_object() && !Array::is_array(&self.0)
    }
    fn is_str(&self) -> bool {
        self.0.is_string()
    }
    fn is_null(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }
    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn as_string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn items(&self) -> Vec<Self> {
        match self.0.dyn_ref::<Array>() {
            Some(a) => a.iter().map(Js).collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The JS side of the value view, in a real browser: what the core's
    //! checks (written against `serde_json` natively) see here must agree.
    use super::*;
    use rtv_core::codec::PushMsg;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn js(text: &str) -> Js {
        Js(JSON::parse(text).unwrap())
    }

    #[wasm_bindgen_test]
    fn members_are_read_as_present_or_absent() {
        let o = js(r#"{"a":1,"n":null,"s":"x","arr":[1,2]}"#);
        assert_eq!(o.get("a").and_then(|v| v.as_f64()), Some(1.0));
        assert!(o.get("n").is_some_and(|v| v.is_null()), "null is a value");
        assert!(o.get("missing").is_none());
        let mut u = Js::object();
        u.set("u", Js(JsValue::UNDEFINED));
        assert!(u.get("u").is_none(), "undefined reads as absent");
        assert_eq!(o.str_of("s").as_deref(), Some("x"));
        assert_eq!(o.get("arr").map(|a| a.items().len()), Some(2));
    }

    #[wasm_bindgen_test]
    fn member_is_get_without_null() {
        let o = js(r#"{"a":1,"n":null,"z":0,"e":"","f":false}"#);
        assert_eq!(o.member("a").and_then(|v| v.as_f64()), Some(1.0));
        assert!(o.member("n").is_none(), "null");
        assert!(o.member("missing").is_none());
        for k in ["z", "e", "f"] {
            assert!(o.member(k).is_some(), "{k}: a falsy value is a value");
        }
        for v in [JsValue::NULL, JsValue::UNDEFINED, JsValue::from_f64(2.0)] {
            assert!(Js(v).member("a").is_none(), "no members, no throw");
        }
    }

    #[wasm_bindgen_test]
    fn primitives_have_no_members_and_nothing_throws() {
        for v in [
            JsValue::from_f64(1.0),
            JsValue::from_str("str"),
            JsValue::NULL,
            JsValue::UNDEFINED,
            JsValue::TRUE,
        ] {
            let mut j = Js(v);
            assert!(j.get("length").is_none() || j.shape() == Shape::Str);
            assert!(j.get("sid").is_none());
            j.set("sid", Js::string("x")); // ignored, no throw
        }
    }

    #[wasm_bindgen_test]
    fn shapes_match_json_kinds() {
        let cases = [
            ("null", Shape::Null),
            ("true", Shape::Bool),
            ("1.5", Shape::Num),
            (r#""s""#, Shape::Str),
            ("[]", Shape::Arr),
            ("{}", Shape::Obj),
        ];
        for (text, shape) in cases {
            let v = js(text);
            assert_eq!(v.shape(), shape, "{text}");
            assert_eq!(v.is_obj(), shape == Shape::Obj, "{text}");
            assert_eq!(v.is_str(), shape == Shape::Str, "{text}");
            assert_eq!(v.is_null(), shape == Shape::Null, "{text}");
        }
        assert_eq!(Js(JsValue::UNDEFINED).shape(), Shape::Null);
        let f: JsValue = js_sys::Function::new_no_args("").into();
        assert_eq!(
            Js(f.clone()).shape(),
            Shape::Other,
            "a function is not JSON"
        );
        assert!(!Js(f).is_obj());
        assert_eq!(Js(js_sys::Symbol::for_("x").into()).shape(), Shape::Other);
    }

    #[wasm_bindgen_test]
    fn a_frame_is_parsed_once_and_keeps_its_text() {
        let text: JsValue =
            JsValue::from_str(r#"{"msgType":50203,"sid":"S-1","data":{"url":"u"}}"#);
        let f = parse(text.clone(), 48);
        assert_eq!(f.len, 48);
        assert_eq!(f.text.0, text, "the same JS string, not a copy");
        let m = PushMsg::decode(f).unwrap();
        let data = m.data.clone();
        let payload = m.into_payload();
        assert_eq!(
            payload.0, data.0,
            "the payload is the parsed `data` object itself"
        );
        assert_eq!(payload.str_of("sid").as_deref(), Some("S-1"));
        assert_eq!(
            payload.get("msgType").and_then(|v| v.as_f64()),
            Some(50203.0)
        );
        assert_eq!(payload.str_of("url").as_deref(), Some("u"));
        let bad = parse(JsValue::from_str("{nope"), 5);
        assert!(bad.value.is_none());
        assert_eq!(bad.text.0.as_string().as_deref(), Some("{nope"));
        assert!(
            parse(JsValue::from_f64(3.0), 0).value.is_none(),
            "only strings are parsed"
        );
    }

    #[wasm_bindgen_test]
    fn stringify_sends_what_the_core_built() {
        let mut o = Js::object();
        o.set("sid", Js::string("S-1"));
        o.set("n", Js::number(3.0));
        o.set("ok", Js::boolean(true));
        o.set("arr", Js::array(vec![Js::null(), Js::string("x")]));
        assert_eq!(
            stringify(&o).as_string().as_deref(),
            Some(r#"{"sid":"S-1","n":3,"ok":true,"arr":[null,"x"]}"#)
        );
    }

    #[wasm_bindgen_test]
    fn keys_are_made_once() {
        let before = KEYS.with(|k| k.borrow().len());
        let o = js(r#"{"zz_once":1}"#);
        for _ in 0..10 {
            assert!(o.get("zz_once").is_some());
        }
        assert_eq!(KEYS.with(|k| k.borrow().len()), before + 1);
    }
}
