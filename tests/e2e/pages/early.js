// Makes one RtVideo at once from the `opts` query parameter (JSON), as pages
// of the JS package do, and records what reaches its observer.
//
// window.E: { rtv, events: [{type, data}], errors: [{code, msg}], completed, ready }
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var E = { events: [], errors: [], completed: 0, ready: false };
  window.E = E;
  RtVideo.ready.then(function () {
    E.ready = true;
  });
  E.rtv = new RtVideo(JSON.parse(q.get('opts')), {
    next: function (ev) {
      E.events.push({ type: ev.type, data: JSON.parse(JSON.stringify(ev.data)) });
    },
    error: function (err) {
      E.errors.push({ code: err.code, msg: err.msg });
    },
    complete: function () {
      E.completed += 1;
    },
  });
})();
