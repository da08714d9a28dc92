//! The JavaScript surface: the `RtVideo` class. `RtVideo.Consts` and
//! `RtVideo.version` are attached by the package's entry module
//! (`pkg-template/`), generated from the core's tables.

mod rtvideo;

pub use rtvideo::RtVideo;
