//! The value view: how the core reads and builds JSON-shaped values without
//! owning a JSON parser.
//!
//! The browser parses every input once with `JSON.parse` and hands the core a
//! handle to the result (`JsValue`, implemented in `src/web/value.rs`); the
//! core reads the few members it validates (SPEC §5) through [`Value`] and
//! builds event payloads and request bodies as values of the same kind, which
//! reach the page or `JSON.stringify` as they are. Natively (tests, fuzzing,
//! golden messages, the replay tool) the same code runs on
//! `serde_json::Value` (feature `serde_json`).
//!
//! Keys are `&'static str`: every member name the core reads or writes is a
//! literal, so the browser side can keep each key's JS string instead of
//! decoding it on every call.

use std::fmt::Debug;

/// What kind of value a [`Value`] is (JSON's six kinds, plus anything a page
/// can pass that JSON cannot carry: functions, symbols, BigInts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `null` (and `undefined`).
    Null,
    /// `true` / `false`.
    Bool,
    /// A number.
    Num,
    /// A string.
    Str,
    /// An array.
    Arr,
    /// An object (not an array, not `null`).
    Obj,
    /// Not a JSON value.
    Other,
}

/// A JSON-shaped value the core can read and build.
///
/// Building methods mutate in place: in the browser a value is a handle to
/// one JS object, so `set` on a clone changes the object every clone sees
/// (the core only sets members on objects it has just built or on a push's
/// freshly parsed `data`).
pub trait Value: Clone + Debug + PartialEq + Sized {
    /// `null`.
    fn null() -> Self;
    /// A boolean.
    fn boolean(b: bool) -> Self;
    /// A number.
    fn number(n: f64) -> Self;
    /// A string.
    fn string(s: &str) -> Self;
    /// A new empty object.
    fn object() -> Self;
    /// A new array of `items`.
    fn array(items: Vec<Self>) -> Self;
    /// Sets member `key` of an object (no-op on anything else).
    fn set(&mut self, key: &'static str, v: Self);
    /// Member `key` of an object; `None` when absent (or `undefined`), or
    /// when this is not an object.
    fn get(&self, key: &'static str) -> Option<Self>;
    /// The kind.
    fn shape(&self) -> Shape;
    /// The boolean, if this is one.
    fn as_bool(&self) -> Option<bool>;
    /// The number, if this is one.
    fn as_f64(&self) -> Option<f64>;
    /// The string, if this is one (copied).
    fn as_string(&self) -> Option<String>;
    /// The elements, if this is an array (empty otherwise).
    fn items(&self) -> Vec<Self>;

    /// True for `null` / `undefined`.
    fn is_null(&self) -> bool {
        self.shape() == Shape::Null
    }
    /// True for strings.
    fn is_str(&self) -> bool {
        self.shape() == Shape::Str
    }
    /// True for objects.
    fn is_obj(&self) -> bool {
        self.shape() == Shape::Obj
    }
    /// The number as an exact integer, if it is one.
    fn as_i64(&self) -> Option<i64> {
        self.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| n as i64)
    }
    /// Member `key` unless it is absent or `null` (one call in the browser,
    /// where `get` then `is_null` would be three).
    fn member(&self, key: &'static str) -> Option<Self> {
        self.get(key).filter(|v| !v.is_null())
    }
    /// The kind of member `key` (`None` when absent).
    fn shape_of(&self, key: &'static str) -> Option<Shape> {
        self.get(key).map(|v| v.shape())
    }
    /// Member `key` as a string, if it is one.
    fn str_of(&self, key: &'static str) -> Option<String> {
        self.get(key).and_then(|v| v.as_string())
    }
}

/// An object with `pairs` as members, in order.
pub fn obj<V: Value>(pairs: impl IntoIterator<Item = (&'static str, V)>) -> V {
    let mut o = V::object();
    for (k, v) in pairs {
        o.set(k, v);
    }
    o
}

/// `Some(s)` as a string value, `None` as `null`.
pub fn opt_string<V: Value>(s: Option<&str>) -> V {
    s.map_or_else(V::null, V::string)
}

/// A JSON text from the network (push data, EXE frame, HTTP body), parsed
/// once by the caller.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame<V> {
    /// The parsed value; `None` when the text is not JSON.
    pub value: Option<V>,
    /// The text itself, as a string value (in the browser: a handle to the
    /// JS string, never copied into wasm). Only the trace keeps it.
    pub text: V,
    /// The text's length in UTF-16 units.
    pub len: usize,
}

#[cfg(feature = "serde_json")]
mod native {
    use super::{Shape, Value};
    use serde_json::Value as J;

    impl Value for J {
        fn null() -> Self {
            J::Null
        }
        fn boolean(b: bool) -> Self {
            J::Bool(b)
        }
        fn number(n: f64) -> Self {
            // Integers as integers, so that built values equal parsed ones.
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                J::from(n as i64)
            } else {
                serde_json::Number::from_f64(n).map_or(J::Null, J::Number)
            }
        }
        fn string(s: &str) -> Self {
            J::String(s.to_string())
        }
        fn object() -> Self {
            J::Object(serde_json::Map::new())
        }
        fn array(items: Vec<Self>) -> Self {
            J::Array(items)
        }
        fn set(&mut self, key: &'static str, v: Self) {
            if let J::Object(m) = self {
                m.insert(key.to_string(), v);
            }
        }
        fn get(&self, key: &'static str) -> Option<Self> {
            match self {
                J::Object(m) => m.get(key).cloned(),
                _ => None,
            }
        }
        fn shape(&self) -> Shape {
            match self {
                J::Null => Shape::Null,
                J::Bool(_) => Shape::Bool,
                J::Number(_) => Shape::Num,
                J::String(_) => Shape::Str,
                J::Array(_) => Shape::Arr,
                J::Object(_) => Shape::Obj,
            }
        }
        fn as_bool(&self) -> Option<bool> {
            J::as_bool(self)
        }
        fn as_f64(&self) -> Option<f64> {
            J::as_f64(self)
        }
        fn as_string(&self) -> Option<String> {
            J::as_str(self).map(str::to_string)
        }
        fn items(&self) -> Vec<Self> {
            match self {
                J::Array(a) => a.clone(),
                _ => Vec::new(),
            }
        }
    }
}

#[cfg(all(test, feature = "serde_json"))]
mod tests {
    use super::*;
    use serde_json::{json, Value as J};

    #[test]
    fn numbers_are_integers_only_when_exact() {
        assert_eq!(J::number(3.0), json!(3), "equals a parsed 3");
        assert_eq!(J::number(-0.0), json!(0));
        assert_eq!(J::number(1.5), json!(1.5));
        assert_eq!(J::number(-2.25), json!(-2.25));
        assert_eq!(J::number(1e20).as_f64(), Some(1e20));
        assert!(J::number(1e20).is_f64(), "too big for an exact integer");
        assert!(
            J::number(9.0e15).is_f64(),
            "the bound itself is not taken as an integer"
        );
        assert!(!J::number(8.9e15).is_f64());
        assert_eq!(J::number(f64::NAN), J::Null, "JSON has no NaN");
    }

    #[test]
    fn the_native_view_reads_like_the_browser_one() {
        let o = json!({"a": 1, "n": null, "s": "x", "arr": [1, 2], "o": {}});
        assert_eq!(Value::get(&o, "a"), Some(json!(1)));
        assert_eq!(Value::get(&o, "n"), Some(J::Null));
        assert_eq!(o.member("n"), None);
        assert_eq!(Value::get(&o, "zz"), None);
        assert_eq!(Value::get(&json!(5), "a"), None);
        let shapes: Vec<Shape> = ["a", "n", "s", "arr", "o"]
            .iter()
            .map(|k| o[*k].shape())
            .collect();
        assert_eq!(
            shapes,
            [Shape::Num, Shape::Null, Shape::Str, Shape::Arr, Shape::Obj]
        );
        assert_eq!(J::boolean(true).shape(), Shape::Bool);
        assert_eq!(o["arr"].items().len(), 2);
        assert!(json!(5).items().is_empty());
        assert_eq!(json!(2.5).as_i64(), None);
        assert_eq!(json!(7).as_i64(), Some(7));
        let mut x = J::object();
        x.set("k", J::string("v"));
        assert_eq!(x, json!({"k": "v"}));
        let mut n = J::null();
        n.set("k", J::string("v"));
        assert_eq!(n, J::Null, "set on a non-object does nothing");
        assert_eq!(J::array(vec![J::null()]), json!([null]));
        assert_eq!(opt_string::<J>(None), J::Null);
        assert_eq!(obj::<J>([("a", J::boolean(false))]), json!({"a": false}));
    }
}
