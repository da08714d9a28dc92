//! The snapshot test card: colour bars with the sid, the stream type, the
//! agent, the customer's phone and the time printed on it, so a person
//! looking at a snapshot in the demo can tell which call it came from.

use crate::clock::hms;
use crate::font::{self, glyph};
use crate::png;

/// Card width in pixels.
pub const WIDTH: usize = 320;
/// Card height in pixels.
pub const HEIGHT: usize = 180;

/// What the card shows.
#[derive(Debug, Clone, Default)]
pub struct Card {
    /// Session id (`-` when nothing plays).
    pub sid: String,
    /// Agent account of the EXE connection.
    pub account: String,
    /// Customer's phone (ASCII stands in for the Chinese name).
    pub customer: String,
    /// `player` or `pusher`.
    pub kind: String,
    /// When it was taken.
    pub epoch_ms: u64,
}

struct Canvas {
    px: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            px: vec![0; WIDTH * HEIGHT * 3],
        }
    }

    fn fill(&mut self, x0: usize, y0: usize, w: usize, h: usize, rgb: [u8; 3]) {
        for y in y0..(y0 + h).min(HEIGHT) {
            for x in x0..(x0 + w).min(WIDTH) {
                let i = (y * WIDTH + x) * 3;
                self.px[i..i + 3].copy_from_slice(&rgb);
            }
        }
    }

    /// Prints `text` at `(x, y)` with pixels `scale` times larger.
    fn text(&mut self, x: usize, y: usize, scale: usize, text: &str, rgb: [u8; 3]) {
        for (n, c) in text.chars().enumerate() {
            let gx = x + n * (font::WIDTH + 1) * scale;
            for (row, bits) in glyph(c).iter().enumerate() {
                for col in 0..font::WIDTH {
                    if bits & (0b10000 >> col) != 0 {
                        self.fill(gx + col * scale, y + row * scale, scale, scale, rgb);
                    }
                }
            }
        }
    }

    /// Width in pixels of `text` printed at `scale`.
    fn text_width(text: &str, scale: usize) -> usize {
        text.chars().count() * (font::WIDTH + 1) * scale
    }
}

/// The 75% colour bars: white, yellow, cyan, green, magenta, red, blue.
const BARS: [[u8; 3]; 7] = [
    [191, 191, 191],
    [191, 191, 0],
    [0, 191, 191],
    [0, 191, 0],
    [191, 0, 191],
    [191, 0, 0],
    [0, 0, 191],
];
const WHITE: [u8; 3] = [235, 235, 235];
const DARK: [u8; 3] = [16, 16, 16];

/// Draws the card and encodes it as PNG.
pub fn render(card: &Card) -> Vec<u8> {
    let mut c = Canvas::new();
    let bar_w = WIDTH.div_ceil(BARS.len());
    for (i, rgb) in BARS.iter().enumerate() {
        c.fill(i * bar_w, 0, bar_w, 120, *rgb);
        // The thin reversed strip under the bars.
        c.fill(i * bar_w, 120, bar_w, 14, BARS[BARS.len() - 1 - i]);
    }
    c.fill(0, 134, WIDTH, HEIGHT - 134, DARK);
    // A marker that moves with the clock, so two snapshots never look alike.
    let x = (card.epoch_ms / 100 % (WIDTH as u64 - 8)) as usize;
    c.fill(x, 134, 8, 3, WHITE);

    let title = "RTV-SIM";
    let tw = Canvas::text_width(title, 3);
    c.fill((WIDTH - tw) / 2 - 6, 40, tw + 10, 33, DARK);
    c.text((WIDTH - tw) / 2, 46, 3, title, WHITE);

    let line1 = format!("{} {}", card.sid, card.kind);
    c.text(6, 140, 2, &line1, WHITE);
    let line2 = format!("AGENT {}  CUST {}", card.account, card.customer);
    c.text(6, 158, 1, &line2, WHITE);
    let line3 = format!("{} UTC", hms(card.epoch_ms));
    c.text(6, 169, 1, &line3, WHITE);
    png::encode_rgb(WIDTH as u32, HEIGHT as u32, &c.px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_is_a_png_of_the_right_size_and_changes_with_time() {
        let card = Card {
            sid: "S-1".into(),
            account: "a1".into(),
            customer: "13800000000".into(),
            kind: "player".into(),
            epoch_ms: 1_000,
        };
        let a = render(&card);
        assert_eq!(a[..8], png::SIGNATURE);
        assert_eq!(u32::from_be_bytes(a[16..20].try_into().unwrap()), 320);
        assert_eq!(u32::from_be_bytes(a[20..24].try_into().unwrap()), 180);
        let b = render(&Card {
            epoch_ms: 2_000,
            ..card
        });
        assert_ne!(a, b);
    }
}
