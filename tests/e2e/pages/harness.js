// Test harness page script: makes RtVideo instances and records everything
// they report, so the Node side (Playwright) can drive and inspect them with
// small `page.evaluate` calls. Loaded after the script-tag build of the SDK.
//
// window.H:
//   make(options, {record}) -> id     new RtVideo; record: false keeps counts only
//   rec(id)                           {events, errors, completes, calls}
//   call(id, method, arg)             runs a method; resolves {ok, value|error}
//   destroy(id)                       destroy() and forget the instance
//   state(id)
(function () {
  'use strict';
  var now = (window.__clock && window.__clock.realNow) || performance.now.bind(performance);
  var instances = new Map();
  var records = new Map();
  var nextId = 1;

  function copy(v) {
    try {
      return JSON.parse(JSON.stringify(v));
    } catch (e) {
      return String(v);
    }
  }

  function make(options, opts) {
    var record = !opts || opts.record !== false;
    var id = nextId++;
    var r = { events: [], errors: [], completes: 0, counts: {}, errorCounts: {}, lastState: null };
    records.set(id, r);
    var observer = {
      next: function (ev) {
        r.counts[ev.type] = (r.counts[ev.type] || 0) + 1;
        if (ev.type === 'STATE_CHANGE') r.lastState = ev.data.state;
        if (record) r.events.push({ t: now(), type: ev.type, data: copy(ev.data) });
        if (r.onEvent) r.onEvent(ev);
      },
      error: function (err) {
        r.errorCounts[err.code] = (r.errorCounts[err.code] || 0) + 1;
        if (record) r.errors.push({ t: now(), err: copy(err) });
      },
      complete: function () {
        r.completes++;
      },
    };
    instances.set(id, new RtVideo(options, observer));
    return id;
  }

  function settle(p) {
    return Promise.resolve(p).then(
      function (value) {
        return { ok: true, value: copy(value) };
      },
      function (error) {
        return { ok: false, error: copy(error) };
      },
    );
  }

  /** Resolves when `pred()` holds, checking after every event of record `r` and every 20 ms. */
  function until(r, pred, ms, what) {
    var realSetTimeout = (window.__clock && window.__clock.realSetTimeout) || setTimeout;
    return new Promise(function (resolve, reject) {
      var end = now() + ms;
      (function check() {
        if (pred()) return resolve();
        if (now() > end) return reject(new Error('timed out waiting for ' + what + ' (state ' + r.lastState + ')'));
        realSetTimeout(check, 20);
      })();
    });
  }

  /**
   * Leak test: `n` times new RtVideo then destroy(); every `readyEvery`-th
   * instance first reaches `ready` (the others are destroyed while their
   * links are still opening). Resolves {completes, errors} totals.
   */
  async function churn(n, options, readyEvery) {
    var completes = 0;
    var errors = {};
    for (var i = 0; i < n; i++) {
      var id = make(options, { record: false });
      var r = records.get(id);
      if (readyEvery && i % readyEvery === 0) {
        await until(r, function () { return r.lastState === 'ready'; }, 10000, 'ready');
      }
      var inst = instances.get(id);
      instances.delete(id);
      await inst.destroy();
      completes += r.completes;
      Object.keys(r.errorCounts).forEach(function (k) {
        errors[k] = (errors[k] || 0) + r.errorCounts[k];
      });
      records.delete(id);
    }
    return { completes: completes, errors: errors };
  }

  /**
   * Soak: `n` customer calls through instance `id`, each placed through the
   * simulator's control API (`simUrl`/sim/call), answered and hung up.
   * Resolves {calls, ms, errors}.
   */
  async function soak(id, simUrl, account, n) {
    var r = records.get(id);
    var inst = instances.get(id);
    var incoming = null;
    r.onEvent = function (ev) {
      if (ev.type === 'INCOMING_CALL') incoming = ev.data.sid;
    };
    var t0 = now();
    for (var i = 0; i < n; i++) {
      incoming = null;
      var res = await fetch(simUrl + 'sim/call', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ account: account }),
      });
      if (!res.ok) throw new Error('sim/call: ' + res.status + ' ' + (await res.text()));
      var sid = (await res.json()).sid;
      await until(r, function () { return incoming === sid && r.lastState === 'wait'; }, 10000, 'ringing ' + sid);
      await inst.answer(sid);
      if (inst.state() !== 'busy') throw new Error('not busy after answer: ' + inst.state());
      await inst.hangUp(sid);
      if (inst.state() !== 'ready') throw new Error('not ready after hangUp: ' + inst.state());
    }
    r.onEvent = null;
    return { calls: n, ms: now() - t0, errors: r.errorCounts, counts: r.counts };
  }

  window.H = {
    churn: churn,
    soak: soak,
    instances: instances,
    records: records,
    ready: RtVideo.ready,
    make: make,
    rec: function (id) {
      return records.get(id);
    },
    get: function (id) {
      return instances.get(id);
    },
    state: function (id) {
      return instances.get(id).state();
    },
    call: function (id, method, arg) {
      var inst = instances.get(id);
      return settle(arg === undefined ? inst[method]() : inst[method](arg));
    },
    destroy: function (id) {
      var inst = instances.get(id);
      instances.delete(id);
      return settle(inst.destroy());
    },
  };
})();
