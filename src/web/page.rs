//! Page-level signals: unload (`pagehide`, Page Lifecycle `freeze`) and "try
//! the links again now" (`online`, a page restored from the back/forward
//! cache or resumed, a tab shown again). An instance led by the tab group
//! (pkg-template/tabs.js, `managed`) leaves unload and restore to the group,
//! which ends or re-creates it.

use super::Input;
use wasm_bindgen::JsCast;
use web_sys::{Document, PageTransitionEvent, VisibilityState};

use super::listener::EventListener;
use super::Inputs;

/// The page listeners of one instance; dropping it removes them.
pub(crate) struct PageListeners {
    _listeners: Vec<EventListener>,
}

impl PageListeners {
    /// Listens on `window` and `document` (when there are any).
    pub(crate) fn new<S: Inputs>(sink: &S, managed: bool) -> PageListeners {
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            let target = window.as_ref();
            let document = window.document();
            if !managed {
                listeners.push(EventListener::new(target, "pagehide", {
                    let sink = sink.clone();
                    move |_| sink.send(Input::PageHide)
                }));
                if let Some(document) = &document {
                    listeners.push(EventListener::new(document.as_ref(), "freeze", {
                        let sink = sink.clone();
                        move |_| sink.send(Input::PageHide)
                    }));
                    listeners.push(EventListener::new(document.as_ref(), "resume", {
                        let sink = sink.clone();
                        move |_| sink.send(Input::Resume)
                    }));
                }
            }
            listeners.push(EventListener::new(target, "online", {
                let sink = sink.clone();
                move |_| sink.send(Input::Resume)
            }));
            // The first `pageshow` of a load is not a resume; a page restored
            // from the back/forward cache is.
            listeners.push(EventListener::new(target, "pageshow", {
                let sink = sink.clone();
                move |ev| {
                    if ev
                        .dyn_ref::<PageTransitionEvent>()
                        .is_some_and(|e| e.persisted())
                    {
                        sink.send(Input::Resume)
                    }
                }
            }));
            if let Some(document) = document {
                listeners.push(EventListener::new(document.as_ref(), "visibilitychange", {
                    let sink = sink.clone();
                    move |ev| {
                        let visible = ev
                            .current_target()
                            .and_then(|t| t.dyn_into::<Document>().ok())
                            .is_some_and(|d| d.visibility_state() == VisibilityState::Visible);
                        if visible {
                            sink.send(Input::Resume)
                        }
                    }
                }));
            }
        }
        PageListeners {
            _listeners: listeners,
        }
    }
}
