//! `float_parse::parse` against `str::parse::<f64>`: special values, the
//! exact midpoints between doubles (the hard cases: ties to even) and the
//! decimals right next to them, random doubles and random digit strings.

use super::{decode, parse, Big};
use proptest::prelude::*;

fn check(t: &str) {
    let want: f64 = t
        .parse()
        .unwrap_or_else(|e| panic!("std rejects {t:?}: {e}"));
    let got = parse(t.as_bytes()).unwrap();
    assert_eq!(
        got.to_bits(),
        want.to_bits(),
        "{t}: got {got:e}, want {want:e}"
    );
}

/// The exact midpoint above `x` and the decimals just below and above it.
fn midpoint_texts(x: f64) -> [String; 3] {
    let (m, e) = decode(x.abs().to_bits());
    // (2m+1) × 2^(e-1) = (2m+1) × 5^(1-e) × 10^(e-1) when e < 1.
    let mut b = Big::from_u64(2 * m + 1);
    let exp = if e >= 1 {
        b.mul_pow(2, 29, (e - 1) as u32);
        0
    } else {
        b.mul_pow(5, 13, (1 - e) as u32);
        e - 1
    };
    let d = String::from_utf8(b.digits()).unwrap();
    // d − 1 (with borrows; d > 0), then 99999: just below d × 10^exp.
    let mut below = d.clone().into_bytes();
    let mut i = below.len() - 1;
    while below[i] == b'0' {
        below[i] = b'9';
        i -= 1;
    }
    below[i] -= 1;
    let below = String::from_utf8(below).unwrap();
    [
        format!("{d}e{exp}"),
        format!("{below}99999e{}", exp - 5),
        format!("{d}00001e{}", exp - 5),
    ]
}

#[test]
fn special_values() {
    let mut ts: Vec<String> = [
        "0",
        "-0",
        "0.0",
        "0e999999999999999999999",
        "1",
        "-1",
        "0.1",
        "0.3",
        "1e308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "2e308",
        "1e309",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "3e-324",
        "1e-324",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "1e-400",
        "1e400",
        "1e-99999999999999999999",
        "1e99999999999999999999",
        "9007199254740993",
        "9007199254740992.5",
        "123456789012345678901234567890e-30",
        "1e23",
        "8.98846567431158e307",
        "4.9406564584124654e-324",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ts.push(format!("0.{}1", "0".repeat(400)));
    ts.push(format!("1{}", "0".repeat(400)));
    ts.push(format!("{}e-1000", "7".repeat(1000)));
    ts.push(format!("{}e-700", "3".repeat(1000)));
    ts.push(format!("1{}1e-800", "0".repeat(900)));
    for t in &ts {
        check(t);
    }
    for x in [
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1.0,
        0.1,
        1e22,
        1e23,
        2f64.powi(-1022),
    ] {
        for t in midpoint_texts(x) {
            check(&t);
        }
    }
}

#[test]
fn rejects_what_is_not_a_number() {
    for t in ["", "-", ".", "1e", "1e+", "1x", "e5", "1.2.3", "--1"] {
        assert_eq!(parse(t.as_bytes()), None, "{t}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn any_double_round_trips(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        check(&format!("{x:e}"));
        check(&format!("{x}"));
        check(&format!("{x:.3e}"));
    }

    #[test]
    fn midpoints_and_their_neighbours(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        for t in midpoint_texts(x) {
            check(&t);
        }
    }

    #[test]
    fn random_digit_strings(t in "-?[0-9]{1,30}(\\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?") {
        check(&t);
    }
}
