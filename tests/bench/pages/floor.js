// The floor of the push benchmark: a bare EventSource on the subscribe URL the
// SDK uses, JSON.parse of each message and one call of B.sink, nothing else.
// B.open is set once the stream is open (the simulator has the subscription).
(function () {
  'use strict';
  var B = window.B;
  var url = B.sim + 'push-client/subscribe?systemCode=BENCH&account=' + encodeURIComponent(B.account);
  var es = new EventSource(url);
  B.open = false;
  es.addEventListener('open', function () {
    B.open = true;
  });
  es.addEventListener('message', function (e) {
    B.sink(JSON.parse(e.data));
  });
})();
