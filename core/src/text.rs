//! An unsigned integer's decimal digits on the stack.
//!
//! The SDK's texts are built with `format!` (docs/DECISIONS.md D68, revised by
//! D78). Only the panic hook (src/live.rs) writes its message without the
//! allocator, which may be what failed, and takes its line number from here.

/// An unsigned integer's decimal digits, on the stack.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    /// `u64::MAX` has 20 digits; they fill the buffer from its end.
    buf: [u8; 20],
    /// Where the first digit is.
    start: usize,
}

impl Decimal {
    /// The digits of `n`.
    pub fn new(mut n: u64) -> Decimal {
        let mut buf = [0; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return Decimal { buf, start };
            }
        }
    }

    /// The digits as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits were written, so this never falls back.
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_read_as_display_writes_them() {
        let edges = [0, 1_048_576, u64::MAX / 10, u64::MAX - 1, u64::MAX];
        let powers = (0..20).map(|k| 10u64.pow(k));
        let below = (1..20).map(|k| 10u64.pow(k) - 1);
        for n in edges.into_iter().chain(powers).chain(below) {
            assert_eq!(Decimal::new(n).as_str(), n.to_string());
        }
    }
}
