//! A tiny but valid baseline JPEG (8x8, mid grey), for the fake EXE's
//! `snapshot` replies in JPEG mode: the SDK must pass another image type
//! through unchanged, and a browser must still be able to show it.

/// The bytes of an 8x8 grey baseline JPEG: one component, one block whose DC
/// difference is 0 and whose AC coefficients are all 0 (an end-of-block), with
/// one-code Huffman tables.
pub fn tiny_grey() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8]; // SOI
                                    // APP0 JFIF 1.1, no density, no thumbnail.
    out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
    out.extend_from_slice(b"JFIF\0");
    out.extend_from_slice(&[0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
    // DQT: table 0, all ones.
    out.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    out.extend_from_slice(&[1u8; 64]);
    // SOF0: 8 bits, 8x8, one component (id 1, 1x1 sampling, table 0).
    out.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
    ]);
    // DHT: DC table 0 and AC table 0, each a single 1-bit code for symbol 0.
    for class in [0x00u8, 0x10] {
        out.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
        out.extend_from_slice(&[0u8; 15]);
        out.push(0x00);
    }
    // SOS: one component, tables 0/0, spectral 0..63.
    out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    // DC code "0" (difference 0), AC code "0" (end of block), padded with ones.
    out.push(0b0011_1111);
    out.extend_from_slice(&[0xFF, 0xD9]); // EOI
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_markers_of_a_baseline_jpeg() {
        let j = tiny_grey();
        assert_eq!(&j[..3], &[0xFF, 0xD8, 0xFF], "SOI then a marker");
        assert_eq!(&j[j.len() - 2..], &[0xFF, 0xD9], "ends with EOI");
        assert!(j.windows(2).any(|w| w == [0xFF, 0xC0]), "SOF0");
        assert!(j.windows(2).any(|w| w == [0xFF, 0xDA]), "SOS");
    }
}
