//! Message texts without `core::fmt`.
//!
//! `format!`, `write!` and `to_string()` on a number link `core::fmt`'s
//! machinery into the wasm (`fmt::write`, `Formatter::pad`, the integer
//! `Display` impls) and set up an `fmt::Arguments` at every call site: a few
//! KB of the shipped module for a few dozen log and error lines. Every such
//! line is made of strings and integers, so [`txt!`](crate::txt) appends them
//! to a `String` one [`Piece`] after another, which gives the same bytes as
//! `{}` did:
//!
//! ```
//! use rtv_core::txt;
//! let (delay, unit) = (1500, "ms");
//! let line = txt!("push channel retry in ", delay, " ", unit);
//! assert_eq!(line, format!("push channel retry in {delay} {unit}"));
//! ```
//!
//! Tests may keep using `format!`; non-test code of the SDK builds its texts
//! with `txt!`.

/// Something `txt!` can append: a string, or an integer in decimal as `{}`
/// writes it (`-` before a negative one).
///
/// Each piece is one call to a shared routine with the text so far, and the
/// last one hands the text on where it goes. (Appending each piece to a
/// `String::new()` through `&mut` measured about 1.5 KB more wasm over the
/// SDK's few dozen texts: the empty `String` is set up, and the result copied
/// out, at each call site.)
pub trait Piece {
    /// `text` with `self` appended.
    fn then(&self, text: String) -> String;

    /// A text of just `self`.
    #[inline(always)]
    fn start(&self) -> String {
        self.then(String::new())
    }
}

impl Piece for str {
    #[inline(always)]
    fn then(&self, text: String) -> String {
        then_str(text, self)
    }

    #[inline(always)]
    fn start(&self) -> String {
        self.to_owned()
    }
}

impl Piece for String {
    #[inline(always)]
    fn then(&self, text: String) -> String {
        self.as_str().then(text)
    }

    #[inline(always)]
    fn start(&self) -> String {
        self.as_str().start()
    }
}

/// `&str`, `&String`, `&u64`, …: as the value they point to.
impl<T: Piece + ?Sized> Piece for &T {
    #[inline(always)]
    fn then(&self, text: String) -> String {
        (**self).then(text)
    }

    #[inline(always)]
    fn start(&self) -> String {
        (**self).start()
    }
}

/// `text` with `s` appended: the one routine behind every string piece.
fn then_str(mut text: String, s: &str) -> String {
    text.push_str(s);
    text
}

/// `text` with `n` appended in decimal.
fn then_u64(text: String, n: u64) -> String {
    then_str(text, Decimal::new(n).as_str())
}

/// `text` with `n` appended in decimal, `-` first if it is negative.
fn then_i64(text: String, n: i64) -> String {
    let text = if n < 0 { then_str(text, "-") } else { text };
    then_u64(text, n.unsigned_abs())
}

macro_rules! integer_pieces {
    ($then:ident as $wide:ty: $($t:ty),*) => {$(
        impl Piece for $t {
            #[inline(always)]
            fn then(&self, text: String) -> String {
                $then(text, *self as $wide)
            }
        }
    )*};
}

integer_pieces!(then_u64 as u64: u16, u32, u64, usize);
integer_pieces!(then_i64 as i64: i32, i64);

/// A `String` of the pieces in order: `txt!("EXE <- ", cmd, " #", id)` reads
/// as `format!("EXE <- {cmd} #{id}")` does, without `core::fmt`. Each piece
/// is an expression of a type that implements [`Piece`](crate::text::Piece)
/// (strings and integers), evaluated once, left to right.
#[macro_export]
macro_rules! txt {
    () => {
        ::std::string::String::new()
    };
    ($first:expr $(, $piece:expr)* $(,)?) => {
        $crate::text::Txt::start(&$first)$(.then(&$piece))*.0
    };
}

/// The text `txt!` is building. A method chain evaluates the pieces left to
/// right and drops each intermediate text as soon as it is passed on
/// (one `let` per piece would keep a stack slot for each to the end).
#[doc(hidden)]
pub struct Txt(pub String);

impl Txt {
    /// A text of just `p`.
    #[inline(always)]
    pub fn start<P: Piece + ?Sized>(p: &P) -> Txt {
        Txt(p.start())
    }

    /// The text with `p` appended.
    #[inline(always)]
    pub fn then<P: Piece + ?Sized>(self, p: &P) -> Txt {
        Txt(p.then(self.0))
    }
}

/// An unsigned integer's decimal digits, on the stack (the panic hook uses it
/// without the allocator).
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
    use std::fmt::Display;

    /// `p` reads as `{}` writes it through each way in: alone (`start`),
    /// after and before other pieces (`then`), by reference.
    fn reads_as_display<P: Piece + Display>(p: P) {
        let shown = p.to_string();
        assert_eq!(txt!(p), shown);
        assert_eq!(txt!("<", p, ">"), format!("<{shown}>"));
        assert_eq!(txt!(&p, "|"), format!("{shown}|"));
        assert_eq!(p.then("<".to_string()), format!("<{shown}"));
    }

    /// 0, the powers of ten and each minus one up to `u64::MAX`'s width, and
    /// the edges of `u64`.
    fn unsigned_edges() -> impl Iterator<Item = u64> {
        let edges = [0, 1_048_576, u64::MAX / 10, u64::MAX - 1, u64::MAX];
        let powers = (0..20).map(|k| 10u64.pow(k));
        let below = (1..20).map(|k| 10u64.pow(k) - 1);
        edges.into_iter().chain(powers).chain(below)
    }

    #[test]
    fn unsigned_integers_read_as_display_writes_them() {
        for n in unsigned_edges() {
            assert_eq!(Decimal::new(n).as_str(), n.to_string());
            reads_as_display(n);
            reads_as_display(n as usize);
            reads_as_display(n as u32);
            reads_as_display(n as u16);
        }
        for n in [usize::MAX, usize::MAX - 1, u32::MAX as usize] {
            reads_as_display(n);
        }
        reads_as_display(u32::MAX);
        reads_as_display(u16::MAX);
    }

    #[test]
    fn signed_integers_read_as_display_writes_them() {
        for n in unsigned_edges().filter(|&n| n <= i64::MAX as u64) {
            for n in [n as i64, -(n as i64)] {
                reads_as_display(n);
                reads_as_display(n as i32);
            }
        }
        for n in [-1, -7, 50200, -50200, i64::MAX, i64::MIN, i64::MIN + 1] {
            reads_as_display(n);
        }
        for n in [-1, i32::MAX, i32::MIN, i32::MIN + 1] {
            reads_as_display(n);
        }
    }

    #[test]
    fn strings_read_as_display_writes_them() {
        for s in ["", "a", "推送通道断开 (", "{code,msg,data}"] {
            reads_as_display(s);
            let owned = String::from(s);
            reads_as_display(&owned);
            reads_as_display(owned);
        }
    }

    #[test]
    fn pieces_are_appended_in_order() {
        let (s, owned, n) = ("a", String::from("é"), -2i64);
        assert_eq!(txt!(s, "", 1u64, " ", n, owned, &owned, &&s), "a1 -2ééa");
        assert_eq!(txt!(), "");
        assert_eq!(txt!("x",), "x");
        assert_eq!(txt!(7usize, "x"), "7x");
        // An unsuffixed literal falls back to `i32`, as in `format!`.
        assert_eq!(txt!(-5, "/", 7), format!("{}/{}", -5, 7));
        // Expressions are evaluated once each, left to right.
        let mut k = 0u32;
        let mut next = || {
            k += 1;
            k
        };
        assert_eq!(txt!(next(), next(), next()), "123");
    }
}
