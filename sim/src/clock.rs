//! Wall-clock helpers for log lines, request-log entries and the test card,
//! and the `say!` macro that writes one timestamped line to stderr.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `HH:MM:SS.mmm` (UTC) of an epoch time in milliseconds.
pub fn hms(epoch_ms: u64) -> String {
    let ms = epoch_ms % 1000;
    let secs = epoch_ms / 1000;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    format!("{h:02}:{m:02}:{s:02}.{ms:03}")
}

/// Writes one line to stderr, prefixed with the UTC time.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{} {}", $crate::clock::hms($crate::clock::epoch_ms()), format_args!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_time_of_day() {
        // 1970-01-02 01:02:03.004 UTC
        let t = ((24 + 1) * 3600 + 2 * 60 + 3) * 1000 + 4;
        assert_eq!(hms(t), "01:02:03.004");
    }
}
