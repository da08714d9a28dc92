//! Decimal text → `f64`, correctly rounded (the result of `str::parse::<f64>`).
//!
//! Why not `str::parse`: core's parser (Eisel-Lemire with its 10 KB table of
//! powers of five, plus a big-decimal fallback) is about 18 KB of the shipped
//! wasm. JSON numbers here are mostly small integers, which the exact fast
//! path below handles; the rest take a slower but exact route: a close
//! estimate in `f64`, then exact big-integer comparisons of the input with
//! the midpoints next to the estimate, one step at a time.
//!
//! `Big` is shared with `float_fmt`, which needs exact decimal expansions.

use std::cmp::Ordering;

const LIMB: u64 = 1_000_000_000;

/// A non-negative integer in base 10^9 limbs, least significant first.
#[derive(Clone)]
pub(crate) struct Big(pub(crate) Vec<u64>);

impl Big {
    pub(crate) fn from_u64(v: u64) -> Big {
        Big(vec![v % LIMB, (v / LIMB) % LIMB, v / LIMB / LIMB])
    }

    /// `self *= x` for `x < 2^34` (a limb times `x` stays below 2^64).
    pub(crate) fn mul_small(&mut self, x: u64) {
        let mut carry = 0u64;
        for l in self.0.iter_mut() {
            let v = *l * x + carry;
            *l = v % LIMB;
            carry = v / LIMB;
        }
        while carry > 0 {
            self.0.push(carry % LIMB);
            carry /= LIMB;
        }
    }

    /// `self *= base^n` in steps of `base^step` (`base^step < 2^34`).
    pub(crate) fn mul_pow(&mut self, base: u64, step: u32, mut n: u32) {
        while n > 0 {
            let k = n.min(step);
            self.mul_small(base.pow(k));
            n -= k;
        }
    }

    fn mul_pow10(&mut self, n: u32) {
        // 10^9 is one limb: shift, then the remaining factor.
        let shift = vec![0; (n / 9) as usize];
        self.0.splice(0..0, shift);
        self.mul_small(10u64.pow(n % 9));
    }

    fn top(&self) -> usize {
        self.0.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1)
    }

    fn cmp(&self, other: &Big) -> Ordering {
        let (a, b) = (self.top(), other.top());
        a.cmp(&b)
            .then_with(|| self.0[..a].iter().rev().cmp(other.0[..b].iter().rev()))
    }

    /// Decimal digits (ASCII, no leading zeros; empty for 0).
    pub(crate) fn digits(&self) -> Vec<u8> {
        let mut s = Vec::new();
        for &l in self.0[..self.top()].iter().rev() {
            let mut div = LIMB / 10;
            while div > 0 {
                let d = (l / div % 10) as u8;
                if !s.is_empty() || d != 0 {
                    s.push(b'0' + d);
                }
                div /= 10;
            }
        }
        s
    }
}

/// Most significant digits kept; the rest collapse into one non-zero digit.
/// Enough: a midpoint between two doubles has at most 767 significant digits.
const MAX_DIGITS: usize = 800;

/// Parses JSON-grammar number text (`-?int(.frac)?([eE][+-]?exp)?`, already
/// checked by the caller). `None` if the text does not have that form.
pub(crate) fn parse(text: &[u8]) -> Option<f64> {
    let (neg, rest) = match text.split_first() {
        Some((b'-', r)) => (true, r),
        _ => (false, text),
    };
    let mut digits = Vec::new();
    let mut frac_len = 0i64;
    let mut i = 0;
    let mut seen_dot = false;
    while let Some(&c) = rest.get(i) {
        match c {
            b'0'..=b'9' => {
                digits.push(c);
                frac_len += i64::from(seen_dot);
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let mut exp = 0i64;
    if let Some(b'e' | b'E') = rest.get(i) {
        i += 1;
        let eneg = rest.get(i) == Some(&b'-');
        if let Some(b'+' | b'-') = rest.get(i) {
            i += 1;
        }
        let start = i;
        while let Some(&c @ b'0'..=b'9') = rest.get(i) {
            // Saturates: beyond ±10^15 every input is 0 or infinite anyway.
            exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000_000_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != rest.len() {
        return None;
    }
    let v = magnitude(digits, exp - frac_len);
    Some(if neg { -v } else { v })
}

/// The double nearest to digits × 10^q (ties to even).
fn magnitude(mut d: Vec<u8>, mut q: i64) -> f64 {
    let lead = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
    d.drain(..lead);
    while d.last() == Some(&b'0') {
        d.pop();
        q += 1;
    }
    let n = d.len() as i64;
    // 10^(n-1+q) <= value < 10^(n+q); half the least subnormal is 2.47e-324
    // and the largest double 1.8e308.
    if n == 0 || n + q <= -324 {
        return 0.0;
    }
    if n - 1 + q >= 309 {
        return f64::INFINITY;
    }
    if d.len() > MAX_DIGITS {
        // The dropped tail is non-zero (no trailing zeros): a digit 1 in its
        // place keeps the value strictly between the same neighbours.
        q += (d.len() - MAX_DIGITS - 1) as i64;
        d.truncate(MAX_DIGITS);
        d.push(b'1');
    }
    let q = q as i32;
    // Exact fast path: both operands and the result's single rounding are exact.
    if d.len() <= 15 && (-22..=22).contains(&q) {
        let m = d.iter().fold(0u64, |a, &c| a * 10 + u64::from(c - b'0')) as f64;
        let p = (0..q.abs()).fold(1.0f64, |a, _| a * 10.0);
        return if q < 0 { m / p } else { m * p };
    }
    let exact = Exact::new(&d, q);
    let mut z = estimate(&d, q);
    loop {
        let bits = z.to_bits();
        let (m, e) = decode(bits);
        let odd = bits & 1 == 1;
        match exact.cmp(2 * m + 1, e - 1) {
            Ordering::Greater => {
                z = f64::from_bits(bits + 1);
                if z.is_infinite() {
                    return z;
                }
                continue;
            }
            Ordering::Equal => return f64::from_bits(bits + u64::from(odd)),
            Ordering::Less => {}
        }
        if m == 0 {
            return z;
        }
        // Just above a power of two the gap below is half the gap above.
        let (lm, le) = if bits & ((1 << 52) - 1) == 0 && (bits >> 52) > 1 {
            (4 * m - 1, e - 2)
        } else {
            (2 * m - 1, e - 1)
        };
        match exact.cmp(lm, le) {
            Ordering::Less => z = f64::from_bits(bits - 1),
            Ordering::Equal => return f64::from_bits(bits - u64::from(odd)),
            Ordering::Greater => return z,
        }
    }
}

/// `z` = m × 2^e for a finite non-negative double.
pub(crate) fn decode(bits: u64) -> (u64, i32) {
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    }
}

/// A double within a few units in the last place of digits × 10^q.
fn estimate(d: &[u8], q: i32) -> f64 {
    let k = d.len().min(19);
    let m = d[..k]
        .iter()
        .fold(0u64, |a, &c| a * 10 + u64::from(c - b'0'));
    let mut e = q + (d.len() - k) as i32;
    let mut z = m as f64;
    // Steps of at most 10^300 keep every intermediate finite and normal
    // until the last one.
    while e != 0 {
        let s = e.clamp(-300, 300);
        let p = 10f64.powi(s.abs());
        z = if s < 0 { z / p } else { z * p };
        e -= s;
    }
    if z.is_infinite() {
        f64::MAX
    } else {
        z
    }
}

/// digits × 10^q, kept for exact comparisons with m × 2^e.
struct Exact {
    d: Big,
    q: i32,
}

impl Exact {
    fn new(d: &[u8], q: i32) -> Exact {
        let mut limbs = Vec::new();
        for chunk in d.rchunks(9) {
            limbs.push(
                chunk
                    .iter()
                    .fold(0u64, |a, &c| a * 10 + u64::from(c - b'0')),
            );
        }
        Exact { d: Big(limbs), q }
    }

    /// digits × 10^q compared with m × 2^e, both brought to integers.
    fn cmp(&self, m: u64, e: i32) -> Ordering {
        let mut a = self.d.clone();
        let mut b = Big::from_u64(m);
        if self.q >= 0 {
            a.mul_pow10(self.q as u32);
        } else {
            b.mul_pow10(self.q.unsigned_abs());
        }
        if e >= 0 {
            b.mul_pow(2, 29, e as u32);
        } else {
            a.mul_pow(2, 29, e.unsigned_abs());
        }
        a.cmp(&b)
    }
}

#[cfg(test)]
#[path = "float_parse_tests.rs"]
mod tests;
