// Links opened early (docs/DECISIONS.md D70), script-tag build only: a page
// that calls `new RtVideo(...)` before the wasm is ready gets a facade
// (boot.js). So that the push channel and the EXE socket do not wait for the
// wasm, the facade opens them at once — once this tab may lead the agent's tab
// group (it holds the group's Web Lock, or runs alone) — and keeps what they
// deliver. The wasm instance, when the core asks for a link, takes the early
// one only if its URL is exactly the one the core built (`take`); then the
// kept events are dispatched to it again, in order, right after its listeners
// are on. Anything else (another URL, options the core rejects, `destroy()` or
// the page hidden before the wasm is ready) closes the early links unused.
// The URLs here are a guess from the options; the core's are the truth, so a
// wrong guess costs a connection, never a wrong link.
//
// Inlined into bundle.js's IIFE (uses tabCounters, tabGroup, tabSolo and
// tabLocks of tabs.js: the same group, the same rules).

var EARLY_LINKS = __RTV_LINKS__;
var earlyCounters = { eventSources: 0, webSockets: 0 };

function earlyQuery(v) {
  // The core's encode_query: RFC 3986 unreserved characters stay as they are.
  return encodeURIComponent(v).replace(/[!'()*]/g, function (c) {
    return '%' + c.charCodeAt(0).toString(16).toUpperCase();
  });
}

function earlyText(o, name) {
  var v = o[name];
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** The subscribe URL and the EXE URL the core will build from `o`, or null when unsure. */
function earlyUrls(o) {
  if (!o || typeof o !== 'object') return null;
  var system = earlyText(o, 'systemCode');
  var account = earlyText(o, 'account');
  var sse = o.sseServerUrl;
  if (sse == null) {
    var base = o.profile === 'dev' ? EARLY_LINKS.dev : o.profile === 'test' ? EARLY_LINKS.test : null;
    sse = base && base + EARLY_LINKS.push;
  } else if (typeof sse === 'string' && /^https?:\/\/./.test(sse)) {
    sse = /\/$/.test(sse) ? sse : sse + '/';
  } else {
    sse = null;
  }
  var exe = o.exeUrl == null ? EARLY_LINKS.exe : o.exeUrl;
  if (!system || !account || !sse || typeof exe !== 'string' || !/^wss?:\/\/./.test(exe)) return null;
  var token = o.token;
  if (token != null && typeof token !== 'string') return null;
  try {
    var push = sse + 'subscribe?systemCode=' + earlyQuery(system) + '&account=' + earlyQuery(account);
    if (token) push += '&token=' + earlyQuery(token);
    // The same key as the wasm's `__validate` (the JSON text of the pair).
    return { push: push, exe: exe, group: tabGroup(JSON.stringify([system, account])) };
  } catch (e) {
    return null; // a lone surrogate: encodeURIComponent throws
  }
}

/** One early link: the socket, its URL and the events it delivered so far. */
function EarlyLink(Kind, url, types, counter) {
  var self = this;
  this.url = url;
  this.counter = counter;
  this.kept = [];
  this.types = types;
  this.keep = function (ev) {
    self.kept.push(ev);
    // An EventSource retries by itself after an error; the core decides
    // retries (src/web/sse.rs), so stop here: the kept error is its input.
    if (ev.type === 'error' && counter === 'eventSources') self.socket.close();
  };
  this.socket = new Kind(url);
  earlyCounters[counter] += 1;
  types.forEach(function (t) {
    self.socket.addEventListener(t, self.keep);
  });
}

EarlyLink.prototype._stopKeeping = function () {
  var self = this;
  this.types.forEach(function (t) {
    self.socket.removeEventListener(t, self.keep);
  });
  earlyCounters[this.counter] -= 1; // closed, or now the wasm's (and counted there)
};

EarlyLink.prototype.close = function () {
  this._stopKeeping();
  this.socket.close();
};

/** Hands the socket over; the kept events follow once the caller's listeners are on. */
EarlyLink.prototype.take = function () {
  this._stopKeeping();
  var socket = this.socket;
  var kept = this.kept;
  this.kept = [];
  Promise.resolve().then(function () {
    kept.forEach(function (ev) {
      socket.dispatchEvent(earlyCopy(ev));
    });
  });
  return socket;
};

/** A new event like `ev` (an event that was dispatched once is not dispatched again). */
function earlyCopy(ev) {
  if (ev.type === 'close') return new CloseEvent('close', { code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
  // Any data: a binary EXE frame (a Blob) is measured and reported by the core.
  if (ev.data !== undefined) return new MessageEvent(ev.type, { data: ev.data, lastEventId: ev.lastEventId, origin: ev.origin });
  return new Event(ev.type);
}

/**
 * Opens the links for `options` early when this tab may lead. The group's
 * lock is requested at once, as the tab layer would (election.js `start`); once
 * it is granted, the links open. Returns an object with `take(kind, url)`
 * (for the wasm instance), `end()`, and when not alone `lock(fn)` (the tab
 * layer takes the request over: `fn(release)` once the lock is held, at once
 * if it already is) and `abort` (the request's AbortController, or null); or
 * null when the options leave the URLs unsure.
 */
function earlyLinks(options) {
  var urls = earlyUrls(options);
  if (!urls || typeof EventSource === 'undefined' || typeof WebSocket === 'undefined') return null;
  var solo = tabSolo(options.multiTab !== false); // multiTab defaults to true
  var locks = tabLocks();
  if (!solo && !locks) return null; // the BroadcastChannel election takes longer than the wasm
  var links = { push: null, exe: null };
  var ended = false;
  var release = null; // the held lock's, until the tab layer takes it
  var granted = null; // the tab layer's `lock(fn)` callback, before the lock is held
  var onHide = function () {
    early.end();
  };
  var open = function () {
    links.push = new EarlyLink(EventSource, urls.push, ['open', 'message', 'ping', 'error'], 'eventSources');
    links.exe = new EarlyLink(WebSocket, urls.exe, ['open', 'message', 'close'], 'webSockets');
    window.addEventListener('pagehide', onHide);
    document.addEventListener('freeze', onHide);
  };
  var closeLinks = function () {
    window.removeEventListener('pagehide', onHide);
    document.removeEventListener('freeze', onHide);
    ['push', 'exe'].forEach(function (k) {
      if (links[k]) links[k].close();
      links[k] = null;
    });
  };
  var early = {
    group: urls.group,
    locking: !solo, // the group's lock is requested here
    abort: null,
    /** The wasm instance opens `kind` ('push' | 'exe') on `url`: the early link if it matches. */
    take: function (kind, url) {
      var link = links[kind];
      links[kind] = null;
      if (!links.push && !links.exe) closeLinks(); // nothing left: no listener either
      if (!link) return undefined;
      if (link.url === url) return link.take();
      link.close();
      return undefined;
    },
    /** The tab layer takes the lock request over: `fn(release)` once the lock is held. */
    lock: function (fn) {
      if (release) {
        var r = release;
        release = null;
        fn(r);
      } else {
        granted = fn;
      }
    },
    /** Closes what was not taken; lets the lock go if this object still holds it. */
    end: function () {
      ended = true;
      granted = null;
      closeLinks();
      if (release) release();
      release = null;
    },
  };
  if (solo) {
    open();
    return early;
  }
  var ac = typeof AbortController !== 'undefined' ? new AbortController() : null;
  early.abort = ac;
  // (Counted once the request is made: if `request` throws, the facade
  // opens nothing early and nothing is left counted.)
  locks
    .request(urls.group, ac ? { signal: ac.signal } : {}, function () {
      if (ended) return undefined;
      return new Promise(function (r) {
        if (granted) {
          var fn = granted;
          granted = null;
          fn(r); // the tab layer's now: it leads and opens the links itself
        } else {
          release = r;
          open();
        }
      });
    })
    .catch(function () {})
    .then(function () {
      tabCounters.lockRequests -= 1;
    });
  tabCounters.lockRequests += 1;
  return early;
}
