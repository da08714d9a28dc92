// The reference of part (c): the start-up sequence of SPEC §3 written in
// plain JS, as the JS package did it: the push channel and the EXE link
// opened in parallel, then `session/current`, then `agent/state` ready.
// B.marks.ready is performance.now() when the dispatch service accepted
// `ready` (where the SDK page reports STATE_CHANGE ready).
(function () {
  'use strict';
  var B = window.B;
  B.marks = { start: performance.now() };
  var body = { systemCode: 'BENCH', account: B.account };
  var post = function (url, extra) {
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(Object.assign({}, body, extra || {})),
    }).then(function (r) {
      return r.json();
    });
  };
  var pushUp = new Promise(function (resolve) {
    var es = new EventSource(B.sim + 'push-client/subscribe?systemCode=BENCH&account=' + encodeURIComponent(B.account));
    es.addEventListener('open', resolve);
    B.es = es;
  });
  var exeUp = new Promise(function (resolve) {
    var ws = new WebSocket(B.exe);
    ws.onopen = function () {
      ws.send(JSON.stringify({ id: 1, cmd: 'hello', account: B.account, sdkVersion: 'plain' }));
    };
    ws.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.id === 1 && m.ok) resolve();
    };
    B.ws = ws;
  });
  Promise.all([pushUp, exeUp])
    .then(function () {
      return post(B.sim + 'rtv/session/current');
    })
    .then(function () {
      return post(B.sim + 'dispatch/agent/state', { state: 'ready' });
    })
    .then(function (env) {
      if (env.code !== 0) throw new Error('agent/state: ' + JSON.stringify(env));
      B.marks.ready = performance.now();
    })
    .catch(function (e) {
      B.loadError = String(e);
    });
})();
