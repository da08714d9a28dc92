//! Static files: the demo at `/` (`--www`), the SDK package at `/pkg/`
//! (`--pkg`), and the media the platform links to: recordings
//! (`/media/rec/<sid>.mp4`) and images (`/media/img/<name>.png`).

use crate::clock::epoch_ms;
use crate::state::Sim;
use crate::testcard::{self, Card};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Content type by file extension (what browsers need for modules and wasm).
pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "ts" | "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The file under `root` that a URL path names, refusing `..` and absolute parts.
fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for part in Path::new(rel.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// A tiny MP4 (an `ftyp` box and a `free` box naming the sid): the sim
/// records nothing, but the link in a 50203 must lead to a real file.
fn recording(sid: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let ftyp: &[u8] = b"ftypisom\0\0\x02\0isomiso2mp41";
    out.extend_from_slice(&(ftyp.len() as u32 + 4).to_be_bytes());
    out.extend_from_slice(ftyp);
    let note = format!("freertv-sim recording of {sid}");
    out.extend_from_slice(&(note.len() as u32 + 4).to_be_bytes());
    out.extend_from_slice(note.as_bytes());
    out
}

/// Fallback handler: media, `/pkg/`, then the demo directory.
pub async fn serve(State(sim): State<Arc<Sim>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    let path = req.uri().path().to_string();
    if let Some(name) = path.strip_prefix("/media/rec/") {
        let Some(sid) = name.strip_suffix(".mp4").filter(|s| !s.contains('/')) else {
            return not_found();
        };
        return ([(header::CONTENT_TYPE, "video/mp4")], recording(sid)).into_response();
    }
    if let Some(name) = path.strip_prefix("/media/img/") {
        let Some(sid) = name.strip_suffix(".png").filter(|s| !s.contains('/')) else {
            return not_found();
        };
        let card = Card {
            sid: sid.to_string(),
            kind: "image".into(),
            epoch_ms: epoch_ms(),
            ..Card::default()
        };
        return (
            [(header::CONTENT_TYPE, "image/png")],
            testcard::render(&card),
        )
            .into_response();
    }
    let (root, rel) = match path.strip_prefix("/pkg/") {
        Some(rel) => (&sim.pkg, rel),
        None => (&sim.www, path.as_str()),
    };
    let Some(mut file) = resolve(root, rel) else {
        return not_found();
    };
    if tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_dir()) {
        file.push("index.html");
    }
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(&file)),
                // `no-cache`, not `no-store`: always fresh, and pages stay eligible
                // for the back/forward cache.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_root() {
        let root = Path::new("/srv/www");
        assert_eq!(
            resolve(root, "/a/b.js"),
            Some(PathBuf::from("/srv/www/a/b.js"))
        );
        assert_eq!(resolve(root, "/a/../../etc/passwd"), None);
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.JS")),
            "text/javascript; charset=utf-8"
        );
    }

    #[test]
    fn recording_is_an_iso_media_file() {
        let f = recording("S-1");
        assert_eq!(&f[4..8], b"ftyp");
        let first = u32::from_be_bytes(f[..4].try_into().unwrap()) as usize;
        assert_eq!(&f[first + 4..first + 8], b"free");
        let second = u32::from_be_bytes(f[first..first + 4].try_into().unwrap()) as usize;
        assert_eq!(first + second, f.len());
    }
}
