//! Fuzz of the wire codecs: arbitrary text, JSON-shaped text built from wire
//! fragments, and deeply nested documents never panic any decoder, and every
//! rejection carries one of the stable codes of SPEC §5.
//!
//! `PROPTEST_CASES=1000000 cargo test -p rtv-core --release --test fuzz_codec`
//! is the long run (`npm run fuzz`); the test suite uses the default below.

use proptest::prelude::*;
use rtv_core::codec::{snapshot_data_url, Envelope, ExeFrame, PushMsg};
use rtv_core::json::Json;
use rtv_core::ErrorCode;

/// Pieces of real messages, so that random text often gets deep into the
/// decoders instead of failing at the first byte.
const FRAGMENTS: [&str; 28] = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"msgType\"",
    "\"sid\"",
    "\"data\"",
    "\"S-1\"",
    "50200",
    "30017",
    "20100",
    "50203",
    "\"50200\"",
    "1e400",
    "-0",
    "null",
    "true",
    "\"\\ud800\"",
    "\"\\u00e9\"",
    "\"id\"",
    "\"ok\"",
    "\"event\"",
    "\"code\"",
    "\"streams\"",
    "\"url\"",
    " ",
];

fn fragments() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(&FRAGMENTS[..]), 0..40).prop_map(|v| v.concat())
}

/// Every decoder on one text: no panic, and only the documented codes.
fn decode_all(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = PushMsg::decode(text) {
        prop_assert!(
            matches!(e.code, ErrorCode::BadMessage | ErrorCode::UnknownMsgType),
            "push: {:?}",
            e.code
        );
    }
    if let Err(e) = Envelope::decode(text) {
        prop_assert_eq!(e.code, ErrorCode::BadResponse);
    }
    if let Err(e) = ExeFrame::decode(text) {
        prop_assert_eq!(e.code, ErrorCode::BadMessage);
    }
    if let Some(url) = snapshot_data_url(text) {
        prop_assert!(url.starts_with("data:image/"));
        prop_assert_eq!(url.matches(";base64,").count(), 1);
    }
    // A document that parses writes back to valid JSON, and writing is a
    // fixpoint (non-finite numbers such as `1e400` become `null`, as in JS).
    if let Ok(v) = Json::parse(text) {
        let written = v.to_string();
        let again = Json::parse(&written);
        prop_assert!(again.is_ok(), "wrote invalid JSON: {}", written);
        prop_assert_eq!(again.map(|a| a.to_string()).ok(), Some(written));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        decode_all(&text)?;
    }

    #[test]
    fn wire_shaped_text_never_panics(text in fragments()) {
        decode_all(&text)?;
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed(depth in 1usize..20_000, open in prop::sample::select(&["[", "{\"a\":"][..])) {
        let close = if open == "[" { "]" } else { "}" };
        let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
        decode_all(&text)?;
    }
}
