//! Decimal text of an `f64`, exactly as `format!("{}", x)` writes it.
//!
//! Why not `{}`: core's float formatting (Grisu and Dragon, their bignum
//! and power-of-ten tables, the `{:.N}` path that `Display` also links)
//! is about a tenth of the shipped wasm, while non-integral numbers are
//! rare in this protocol. This writer reuses what the JSON parser already
//! needs (`float_parse`, with its small big integer) instead.
//!
//! Method (the definition of the shortest round-trip form): take the exact
//! decimal expansion of `x`; for lengths 1, 2, … take the two neighbours of
//! that length (truncated, and truncated + 1 in the last digit); the first
//! length where a neighbour parses back to `x` wins, the closer neighbour
//! if both do (a tie goes up, as core's Dragon does). The test below checks
//! the result against `{}` on special values and on random bit patterns.

use std::fmt::{self, Write as _};

use crate::float_parse::{self, Big};

/// `Display` of an `f64` with the output of `{}`.
pub(crate) struct Num(pub(crate) f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        let a = x.abs();
        if a.is_infinite() {
            return f.write_str("inf");
        }
        if a == 0.0 {
            return f.write_str("0");
        }
        let (digits, k) = shortest(a);
        write_plain(f, &digits, k)
    }
}

/// Writes 0.`d` × 10^`k` without an exponent (`d`: ASCII digits, no
/// trailing zero). Byte slices, not `str` ones: slicing a `str` links
/// core's char-boundary panic and its `Debug` of `char` with the Unicode
/// tables (several KB of wasm).
fn write_plain(f: &mut fmt::Formatter<'_>, d: &[u8], k: i32) -> fmt::Result {
    let n = d.len() as i32;
    let digits = |f: &mut fmt::Formatter<'_>, d: &[u8]| {
        d.iter().try_for_each(|&b| f.write_char(char::from(b)))
    };
    let zeros = |f: &mut fmt::Formatter<'_>, z: i32| (0..z).try_for_each(|_| f.write_char('0'));
    if k <= 0 {
        f.write_str("0.")?;
        zeros(f, -k)?;
        digits(f, d)
    } else if k < n {
        digits(f, &d[..k as usize])?;
        f.write_char('.')?;
        digits(f, &d[k as usize..])
    } else {
        digits(f, d)?;
        zeros(f, k - n)
    }
}

/// Shortest digits of finite `a > 0` that parse back to `a`, with their
/// decimal exponent: `a` ≈ 0.digits × 10^k.
fn shortest(a: f64) -> (Vec<u8>, i32) {
    let (s, k) = exact_digits(a);
    for p in 1..s.len() {
        let lo = &s[..p];
        let hi = increment(lo);
        let back = |d: &[u8]| {
            let mut t = d.to_vec();
            t.extend_from_slice(format!("e{}", k - p as i32).as_bytes());
            float_parse::parse(&t) == Some(a)
        };
        let (lo_ok, hi_ok) = (back(lo), back(&hi));
        // `s` has no trailing zero, so the dropped tail is non-empty and
        // non-zero: a first digit of 5 or more means half a unit or more
        // (exactly half only for "5" alone, a tie, which goes up).
        let hi_closer = s[p] >= b'5';
        if hi_ok && (!lo_ok || hi_closer) {
            // "99" + 1 = "100": one digit longer, the exponent grows by one.
            let k = k + (hi.len() - p) as i32;
            return (trim_zeros(hi), k);
        }
        if lo_ok {
            return (trim_zeros(lo.to_vec()), k);
        }
    }
    (s, k)
}

fn trim_zeros(mut d: Vec<u8>) -> Vec<u8> {
    while d.last() == Some(&b'0') {
        d.pop();
    }
    d
}

/// `d` + 1 in its last digit, as ASCII digits (may gain a digit).
fn increment(d: &[u8]) -> Vec<u8> {
    let mut b = d.to_vec();
    for i in (0..b.len()).rev() {
        if b[i] == b'9' {
            b[i] = b'0';
        } else {
            b[i] += 1;
            return b;
        }
    }
    b.insert(0, b'1');
    b
}

/// The exact decimal expansion of finite `a > 0`: ASCII digits without
/// trailing zeros and `k` with `a` = 0.digits × 10^k.
fn exact_digits(a: f64) -> (Vec<u8>, i32) {
    let (m, e) = float_parse::decode(a.to_bits());
    // a = m × 2^e; for e < 0, a = m × 5^-e / 10^-e.
    let mut b = Big::from_u64(m);
    if e >= 0 {
        b.mul_pow(2, 29, e as u32);
    } else {
        b.mul_pow(5, 13, e.unsigned_abs());
    }
    let s = b.digits();
    let k = s.len() as i32 + e.min(0);
    (trim_zeros(s), k)
}

#[cfg(test)]
mod tests {
    use super::Num;
    use proptest::prelude::*;

    fn check(x: f64) {
        assert_eq!(
            Num(x).to_string(),
            format!("{x}"),
            "bits {:#x}",
            x.to_bits()
        );
    }

    #[test]
    fn matches_std_on_special_values() {
        let mut xs = vec![
            0.0,
            -0.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            1e-323,
            f64::from_bits(0x000f_ffff_ffff_ffff), // largest subnormal
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
            2.0 / 3.0,
            1e21,
            1e22,
            1e23,
            1e-7,
            123456.789,
            9007199254740993.0,
            0.5,
            0.25,
            0.125,
            1.5,
            2.5,
            999.9999999999999,
            f64::from_bits(1e23f64.to_bits() - 1),
        ];
        for i in -1074..=1023 {
            xs.push(2f64.powi(i));
            xs.push(2f64.powi(i) * 3.0);
        }
        for i in -325..=308 {
            xs.push(format!("1e{i}").parse().unwrap());
            xs.push(format!("9.5e{i}").parse().unwrap());
            xs.push(format!("1.2345678901234567e{i}").parse().unwrap());
        }
        for x in xs {
            check(x);
            check(-x);
            check(f64::from_bits(x.to_bits().wrapping_add(1)));
            check(f64::from_bits(x.to_bits().wrapping_sub(1)));
        }
    }

    #[test]
    fn matches_std_on_short_decimals() {
        for n in 0..20_000u32 {
            for scale in [1.0, 10.0, 100.0, 1000.0, 1e6] {
                check(f64::from(n) / scale);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn matches_std_on_any_bits(bits in any::<u64>()) {
            check(f64::from_bits(bits));
        }

        #[test]
        fn matches_std_on_ordinary_magnitudes(x in -1e9f64..1e9) {
            check(x);
        }
    }
}
