// The floor of the push benchmark: a bare EventSource on the subscribe URL the
// SDK uses, JSON.parse of each message and one call of B.sink, nothing else.
// B.open is set once the stream is open (the simulator has the subscription).
// With `ids=1` in the query it also does the least SPEC §4.1 asks of any SDK:
// read each message's id and drop one it has seen last.
(function () {
  'use strict';
  var B = window.B;
  var url = B.sim + 'push-client/subscribe?systemCode=BENCH&account=' + encodeURIComponent(B.account);
  var es = new EventSource(url);
  B.open = false;
  es.addEventListener('open', function () {
    B.open = true;
  });
  if (new URLSearchParams(location.search).get('ids') === '1') {
    var last = '';
    es.addEventListener('message', function (e) {
      var id = e.lastEventId;
      if (id !== '' && id === last) return;
      last = id;
      B.sink(JSON.parse(e.data));
    });
    return;
  }
  es.addEventListener('message', function (e) {
    B.sink(JSON.parse(e.data));
  });
})();
