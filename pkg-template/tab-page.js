// What one tab's page sees (docs/DECISIONS.md D90): the observer's callbacks
// (`next`, `error`, `complete` once) and the tab's own log ring (logs.js):
// every event and error delivered here, the page's calls and their results,
// and the lines the group adds (the SDK's, the leader's sent to the
// followers too). A callback that throws is logged to the console and the
// SDK carries on.
//
// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as tab-page.js of the npm package (imported by tabs.js).

// Memory Saver discarded the page and this is the load that followed (issue 18).
var TAB_DISCARDED =
  'this page was discarded by the browser to save memory and loaded again: calls offered meanwhile were missed ' +
  '(本页曾被浏览器丢弃以节省内存, 期间的来电会漏接); administrators can exempt the console with the policy TabDiscardingExceptions';

class TabPage {
  constructor(options, observer, version) {
    this.options = options;
    this.observer = observer;
    this.version = version;
    this.logs = new LogRing(options);
  }

  log(level, text) {
    this.logs.add(level, text);
  }

  /** Delivers an event to the page and notes it in the ring. */
  next(ev) {
    var d = ev && ev.data ? ev.data : {};
    var text = 'event ' + ev.type;
    if (ev.type === 'STATE_CHANGE') text += ' ' + d.from + ' -> ' + d.state;
    else if (d.sid !== undefined) text += ' sid=' + d.sid;
    if (d.msgType !== undefined) text += ' msgType=' + d.msgType;
    if (ev.type === 'EXE_EVENT' || ev.type === 'HTTP_BACK') text += ' code=' + d.code + (d.op ? ' op=' + d.op : '');
    if (ev.type === 'INCOMING_CALL') text += describeCustomer(d.customer, this.logs.keepPersonal);
    this.logs.add('info', text);
    callObserver(this.observer, 'next', ev);
  }

  /** Delivers an error to the page and notes it in the ring. */
  error(err) {
    this.logs.add('warn', 'error ' + (err && err.code) + ': ' + (err && err.msg));
    callObserver(this.observer, 'error', err);
  }

  /** `complete()`, once: no callback after it. */
  complete() {
    var observer = this.observer;
    this.observer = null;
    callObserver(observer, 'complete');
  }

  /** Notes a method call and, later, its result; returns `p`. */
  noteCall(name, arg, p) {
    var logs = this.logs;
    var what = name + '(' + (arg === undefined ? '' : JSON.stringify(arg)) + ')';
    logs.add('info', 'call ' + what);
    p.then(
      function () {
        logs.add('info', 'result ' + name + ': ok');
      },
      function (e) {
        logs.add('info', 'result ' + name + ': rejected ' + (e && e.code) + ' ' + (e && e.msg));
      },
    );
    return p;
  }

  /** The log ring as a file: a header (version, account, browser, options without secrets), then the lines. */
  logFile() {
    return new Blob([this.logs.header(this.version, this.options) + this.logs.text()], { type: 'text/plain;charset=utf-8' });
  }

  /** Saves `logFile()` as a file; returns its name. */
  download(filename) {
    var name = typeof filename === 'string' && filename ? filename : logFileName(this.options && this.options.account);
    var url = URL.createObjectURL(this.logFile());
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    (document.body || document.documentElement).appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
    return name;
  }
}
