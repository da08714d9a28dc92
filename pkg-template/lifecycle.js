// The page lifecycle of a tab (docs/DECISIONS.md D50, D92): `pagehide` and
// `freeze` hide the page (the tab group then ends its wasm instance and frees
// the lock and the channel, so the page stays eligible for the back/forward
// cache); `pageshow` from the cache (`persisted`) and `resume` show it again
// (the group rejoins and re-syncs as after an outage). Each change is
// reported once: `freeze` after `pagehide`, or `resume` after a persisted
// `pageshow`, says nothing new; a `pageshow` of a fresh load is no return.
// `stop()` removes the listeners (destroy()).
//
// `win`/`doc` are the page's window and document, or test doubles
// (tests/shell/lifecycle.test.mjs).
//
// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as lifecycle.js of the npm package (imported by tabs.js).

class PageLifecycle {
  /** `on`: {hide(), show()}. */
  constructor(win, doc, on) {
    var self = this;
    this.win = win;
    this.doc = doc;
    this.hidden = false;
    this.onHide = function () {
      if (self.hidden) return;
      self.hidden = true;
      on.hide();
    };
    this.onShow = function (ev) {
      if (!self.hidden || !(!ev || ev.type === 'resume' || ev.persisted)) return;
      self.hidden = false;
      on.show();
    };
    win.addEventListener('pagehide', this.onHide);
    win.addEventListener('pageshow', this.onShow);
    doc.addEventListener('freeze', this.onHide);
    doc.addEventListener('resume', this.onShow);
  }

  stop() {
    this.win.removeEventListener('pagehide', this.onHide);
    this.win.removeEventListener('pageshow', this.onShow);
    this.doc.removeEventListener('freeze', this.onHide);
    this.doc.removeEventListener('resume', this.onShow);
  }
}
