//! Constructor options (SPEC §1): validation, profiles, defaults.
use crate::value::{Shape, Value};

/// Base URL of the `test` profile.
pub const TEST_BASE: &str = "https://proxytest.sinosafe.com.cn/zzlp01/";
/// Base URL of the `dev` profile (the local platform simulator).
pub const DEV_BASE: &str = "http://127.0.0.1:8686/";
/// Default EXE WebSocket URL.
pub const DEFAULT_EXE_URL: &str = "ws://127.0.0.1:18686/rtv";
/// The push service's path below a `profile`'s base URL.
pub const PUSH_PATH: &str = "push-client/";
/// The video service's path below a `profile`'s base URL.
pub const VIDEO_PATH: &str = "rtv/";
/// The dispatch/state service's path below a `profile`'s base URL.
pub const STATE_PATH: &str = "dispatch/";

/// How much the SDK writes to the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Nothing.
    Silent,
    /// Errors only.
    Error,
    /// Errors and warnings (default).
    Warn,
    /// Link changes and commands.
    Info,
    /// Every message.
    Debug,
}

impl LogLevel {
    /// The option's value for this level.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Silent => "silent",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }

    fn parse(s: &str) -> Option<LogLevel> {
        Some(match s {
            "silent" => LogLevel::Silent,
            "error" => LogLevel::Error,
            "warn" => LogLevel::Warn,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            _ => return None,
        })
    }
}

/// Validated options.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `systemCode`, sent in every body.
    pub system_code: String,
    /// `account`, sent in every body.
    pub account: String,
    /// Push channel base, ends with `/`.
    pub sse_url: String,
    /// Video service base, ends with `/`.
    pub video_url: String,
    /// Dispatch service base, ends with `/`.
    pub state_url: String,
    /// Optional token (never logged).
    pub token: Option<String>,
    /// EXE WebSocket URL.
    pub exe_url: String,
    /// Console verbosity.
    pub log_level: LogLevel,
    /// HTTP command timeout.
    pub http_timeout_ms: f64,
    /// EXE request reply timeout.
    pub exe_timeout_ms: f64,
    /// How long a link may be down before the agent is `disconnected`.
    pub grace_ms: f64,
    /// `multiTab` (default true): the instances of one agent in one browser
    /// profile share one leader (pkg-template/tabs.js); false: independent.
    pub multi_tab: bool,
    /// `logPersonalData` (default false): keep customers' names, phone and
    /// ID numbers unmasked in the log ring (for a local replay only).
    pub log_personal_data: bool,
}

/// An invalid option: the field it names and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The option's name, e.g. `systemCode`.
    pub field: &'static str,
    /// The full message (names the field).
    pub msg: String,
}

fn bad(field: &'static str, why: &str) -> ConfigError {
    ConfigError {
        field,
        msg: format!("RtVideo: invalid option `{field}`: {why}"),
    }
}

fn opt_str<V: Value>(o: &V, field: &'static str) -> Result<Option<String>, ConfigError> {
    match o.get(field) {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| bad(field, "must be a string")),
    }
}

fn req_str<V: Value>(o: &V, field: &'static str) -> Result<String, ConfigError> {
    match opt_str(o, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(bad(field, "must not be empty")),
        None => Err(bad(field, "is required")),
    }
}

fn url<V: Value>(
    o: &V,
    field: &'static str,
    schemes: &[&str],
) -> Result<Option<String>, ConfigError> {
    let Some(u) = opt_str(o, field)? else {
        return Ok(None);
    };
    if !schemes.iter().any(|s| u.starts_with(s)) || u.len() <= schemes[0].len() {
        // "http:///https://": as `schemes.join("/")` wrote it, without
        // linking `join` (1 KB of wasm) for one error text.
        let mut why = String::from("must be an absolute ");
        for (i, s) in schemes.iter().enumerate() {
            if i > 0 {
                why.push('/');
            }
            why.push_str(s);
        }
        why.push_str(" URL");
        return Err(bad(field, &why));
    }
    Ok(Some(u))
}

fn with_slash(mut u: String) -> String {
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

fn opt_bool<V: Value>(o: &V, field: &'static str, default: bool) -> Result<bool, ConfigError> {
    match o.get(field) {
        None => Ok(default),
        Some(v) if v.is_null() => Ok(default),
        Some(v) => v
            .as_bool()
            .ok_or_else(|| bad(field, "must be true or false")),
    }
}

fn millis<V: Value>(o: &V, field: &'static str, default: f64) -> Result<f64, ConfigError> {
    match o.get(field).map(|v| (v.shape(), v.as_f64())) {
        None | Some((Shape::Null, _)) => Ok(default),
        Some((_, Some(n))) if n.is_finite() && n > 0.0 && n <= 600_000.0 => Ok(n),
        Some(_) => Err(bad(
            field,
            "must be a number of milliseconds between 1 and 600000",
        )),
    }
}

impl Config {
    /// The push channel's subscribe URL (SPEC §4.1), resuming after `last_id`.
    pub fn subscribe_url(&self, last_id: Option<&str>) -> String {
        let mut url = format!(
            "{}subscribe?systemCode={}&account={}",
            self.sse_url,
            encode_query(&self.system_code),
            encode_query(&self.account)
        );
        if let Some(t) = &self.token {
            url += &format!("&token={}", encode_query(t));
        }
        if let Some(id) = last_id {
            url += &format!("&lastEventId={}", encode_query(id));
        }
        url
    }

    /// Validates the options object. Every given option is checked, even
    /// ones that end up unused.
    pub fn from_value<V: Value>(o: &V) -> Result<Config, ConfigError> {
        if !o.is_obj() {
            return Err(bad("options", "must be an object"));
        }
        let system_code = req_str(o, "systemCode")?;
        let account = req_str(o, "account")?;
        let base = match opt_str(o, "profile")?.as_deref() {
            None => None,
            Some("dev") => Some(DEV_BASE),
            Some("test") => Some(TEST_BASE),
            Some(_) => return Err(bad("profile", "must be \"dev\" or \"test\"")),
        };
        let http = ["http://", "https://"];
        let explicit = [
            ("sseServerUrl", url(o, "sseServerUrl", &http)?, PUSH_PATH),
            (
                "videoServiceUrl",
                url(o, "videoServiceUrl", &http)?,
                VIDEO_PATH,
            ),
            (
                "stateServiceUrl",
                url(o, "stateServiceUrl", &http)?,
                STATE_PATH,
            ),
        ];
        let mut urls = Vec::with_capacity(3);
        for (field, given, path) in explicit {
            match (given, base) {
                (Some(u), _) => urls.push(with_slash(u)),
                (None, Some(b)) => urls.push(format!("{b}{path}")),
                (None, None) => return Err(bad(field, "is required when no `profile` is given")),
            }
        }
        let token = opt_str(o, "token")?;
        let exe_url =
            url(o, "exeUrl", &["ws://", "wss://"])?.unwrap_or_else(|| DEFAULT_EXE_URL.to_string());
        let log_level = match opt_str(o, "logLevel")? {
            None => LogLevel::Warn,
            Some(s) => LogLevel::parse(&s)
                .ok_or_else(|| bad("logLevel", "must be silent, error, warn, info or debug"))?,
        };
        let state_url = urls.pop().unwrap_or_default();
        let video_url = urls.pop().unwrap_or_default();
        let sse_url = urls.pop().unwrap_or_default();
        Ok(Config {
            system_code,
            account,
            sse_url,
            video_url,
            state_url,
            token: token.filter(|t| !t.is_empty()),
            exe_url,
            log_level,
            http_timeout_ms: millis(o, "httpTimeout", 10_000.0)?,
            exe_timeout_ms: millis(o, "exeTimeout", 10_000.0)?,
            grace_ms: millis(o, "gracePeriod", 5_000.0)?,
            multi_tab: opt_bool(o, "multiTab", true)?,
            log_personal_data: opt_bool(o, "logPersonalData", false)?,
        })
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode_query(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            // By hand rather than `{:02X}`: keeps the hex formatter out of the wasm.
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(t: &str) -> Result<Config, ConfigError> {
        Config::from_value(&serde_json::from_str::<serde_json::Value>(t).unwrap())
    }

    #[test]
    fn profiles_and_explicit_urls() {
        let c = cfg(r#"{"systemCode":"S","account":"a","profile":"dev"}"#).unwrap();
        assert_eq!(c.sse_url, "http://127.0.0.1:8686/push-client/");
        assert_eq!(c.video_url, "http://127.0.0.1:8686/rtv/");
        assert_eq!(c.state_url, "http://127.0.0.1:8686/dispatch/");
        let c = cfg(
            r#"{"systemCode":"S","account":"a","profile":"test","videoServiceUrl":"http://x/v"}"#,
        )
        .unwrap();
        assert_eq!(c.video_url, "http://x/v/");
        assert_eq!(
            c.sse_url,
            "https://proxytest.sinosafe.com.cn/zzlp01/push-client/"
        );
        assert_eq!(c.exe_url, DEFAULT_EXE_URL);
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            cfg(r#"{"account":"a","profile":"dev"}"#).unwrap_err().field,
            "systemCode"
        );
        assert!(cfg(r#"{"account":"a","profile":"dev"}"#)
            .unwrap_err()
            .msg
            .contains("systemCode"));
        assert_eq!(
            cfg(r#"{"systemCode":"S","profile":"dev"}"#)
                .unwrap_err()
                .field,
            "account"
        );
        let all = r#""sseServerUrl":"http://a/","videoServiceUrl":"http://a/","stateServiceUrl":"http://a/""#;
        assert_eq!(
            cfg(&format!(
                r#"{{"systemCode":"S","account":"a","profile":"staging",{all}}}"#
            ))
            .unwrap_err()
            .field,
            "profile"
        );
        assert!(cfg(&format!(r#"{{"systemCode":"S","account":"a",{all}}}"#)).is_ok());
        assert_eq!(
            cfg(r#"{"systemCode":"S","account":"a"}"#)
                .unwrap_err()
                .field,
            "sseServerUrl"
        );
        assert_eq!(
            cfg(r#"{"systemCode":1,"account":"a","profile":"dev"}"#)
                .unwrap_err()
                .field,
            "systemCode"
        );
        assert_eq!(
            cfg(r#"{"systemCode":"S","account":"a","profile":"dev","token":5}"#)
                .unwrap_err()
                .field,
            "token"
        );
        assert_eq!(
            cfg(r#"{"systemCode":"S","account":"a","profile":"dev","exeUrl":"http://x"}"#)
                .unwrap_err()
                .field,
            "exeUrl"
        );
        assert_eq!(
            cfg(r#"{"systemCode":"S","account":"a","profile":"dev","httpTimeout":-1}"#)
                .unwrap_err()
                .field,
            "httpTimeout"
        );
        assert_eq!(cfg("null").unwrap_err().field, "options");
        assert_eq!(
            cfg(r#"{"systemCode":"S","account":"a","profile":"dev","multiTab":"no"}"#)
                .unwrap_err()
                .field,
            "multiTab"
        );
        let solo = cfg(r#"{"systemCode":"S","account":"a","profile":"dev","multiTab":false}"#);
        assert!(!solo.unwrap().multi_tab);
        assert!(
            cfg(r#"{"systemCode":"S","account":"a","profile":"dev"}"#)
                .unwrap()
                .multi_tab
        );
    }

    #[test]
    fn url_errors_list_the_schemes() {
        let msg = |field: &str, url: &str| {
            let t =
                format!(r#"{{"systemCode":"S","account":"a","profile":"dev","{field}":"{url}"}}"#);
            cfg(&t).unwrap_err().msg
        };
        assert_eq!(
            msg("exeUrl", "http://x"),
            "RtVideo: invalid option `exeUrl`: must be an absolute ws:///wss:// URL"
        );
        assert_eq!(
            msg("videoServiceUrl", "http://"),
            "RtVideo: invalid option `videoServiceUrl`: must be an absolute http:///https:// URL"
        );
    }

    #[test]
    fn encodes_query() {
        assert_eq!(encode_query("a b&c=中"), "a%20b%26c%3D%E4%B8%AD");
    }
}
