// The log ring of every instance (issue "field support", docs/DECISIONS.md
// D51–D53): what the SDK did, as text an agent can send with a ticket.
// `getLogs()`, `exportLogs()` and `downloadLogs()` read it; `logLevel` only
// filters the console. Secrets never enter it (the token raw, URL-encoded, in
// `Authorization`, and every `token=` query); customers' personal data is
// masked unless the page sets `logPersonalData: true`.
//
// ES2019, no modules: inlined into the script-tag build and shipped as logs.js
// of the npm package, like support.js and tabs.js.

var LOG_MAX_ENTRIES = 2000;
var LOG_MAX_CHARS = 1000000; // ~1 MB of text

/** `138****0000`, `张*`, and the last 4 characters of ID / policy / claim numbers. */
function maskPhone(p) {
  return p.length >= 7 ? p.slice(0, 3) + '****' + p.slice(-4) : '****';
}
function maskName(n) {
  var chars = Array.from(String(n));
  return chars.length ? chars[0] + '*' : '';
}
function maskTail(v) {
  var s = String(v);
  return s.length > 4 ? '*'.repeat(s.length - 4) + s.slice(-4) : s;
}

/** Free text: mobile numbers and 15/18-digit ID numbers. */
function maskPersonalText(text) {
  return String(text)
    .replace(/(^|[^\d])(\d{17}[\dXx]|\d{15})(?!\d)/g, function (_, pre, id) {
      return pre + maskTail(id);
    })
    .replace(/(^|[^\d])(1[3-9]\d{9})(?!\d)/g, function (_, pre, p) {
      return pre + maskPhone(p);
    });
}

/** The customer of an INCOMING_CALL as a short, masked (unless `keep`) description. */
function describeCustomer(c, keep) {
  if (!c || typeof c !== 'object') return '';
  var out = [];
  var add = function (k, v, mask) {
    if (v !== undefined && v !== null && v !== '') out.push(k + '=' + (keep ? v : mask(v)));
  };
  add('name', c.name, maskName);
  add('phone', c.phone || c.mobile, maskPhone);
  add('idNo', c.idNo || c.idCard, maskTail);
  add('policyNo', c.policyNo, maskTail);
  add('claimNo', c.claimNo, maskTail);
  return out.length ? ' customer{' + out.join(' ') + '}' : '';
}

/**
 * A copy of a trace document (schema rtv-trace/1, docs/TRACE.md) in which
 * the members of every `customer` object in the recorded frames are masked
 * unless `keep`. The core records the texts it was given; masking happens
 * here, on export.
 */
function traceCopy(doc, keep) {
  if (!doc) return null;
  var out = JSON.parse(JSON.stringify(doc));
  if (keep) return out;
  (out.entries || []).forEach(function (en) {
    var i = en['in'];
    var f = !i ? null : i.k === 'push' ? 'data' : i.k === 'exe' ? 'text' : i.k === 'http' ? 'body' : null;
    if (f && typeof i[f] === 'string' && i[f].indexOf('customer') >= 0) {
      try {
        i[f] = JSON.stringify(JSON.parse(i[f]), traceMasker(false));
      } catch (e) {
        // Not JSON, or nested deeper than JSON.stringify can recurse.
        i[f] = '(masked: ' + i[f].length + ' characters)';
      }
    }
  });
  return out;
}

function traceMasker(keep) {
  return function (k, v) {
    if (keep || k !== 'customer' || !v || typeof v !== 'object' || Array.isArray(v)) return v;
    var out = {};
    Object.keys(v).forEach(function (ck) {
      var x = v[ck];
      if (typeof x !== 'string') out[ck] = x;
      else if (ck === 'name') out[ck] = maskName(x);
      else if ((ck === 'phone' || ck === 'mobile') && x.length >= 7) out[ck] = maskPhone(x);
      else out[ck] = maskTail(x);
    });
    return out;
  };
}

/**
 * A function that removes `token` from any text: raw, URL-encoded (both
 * encodeURIComponent and the SDK's stricter form), any `token=` query value,
 * and `Bearer` credentials.
 */
function tokenRedactor(token) {
  var forms = [];
  if (typeof token === 'string' && token) {
    forms.push(token, encodeURIComponent(token));
    forms.push(
      encodeURIComponent(token).replace(/[!'()*]/g, function (c) {
        return '%' + c.charCodeAt(0).toString(16).toUpperCase();
      }),
    );
  }
  forms.sort(function (a, b) {
    return b.length - a.length;
  });
  return function (text) {
    var s = String(text);
    forms.forEach(function (f) {
      s = s.split(f).join('***');
    });
    return s.replace(/([?&]token=)[^&\s"']*/gi, '$1***').replace(/(Bearer\s+)[^\s"']+/gi, '$1***');
  };
}

/** Two-digit helper for the file name. */
function logPad(n) {
  return (n < 10 ? '0' : '') + n;
}

/** `rtvideo-<account>-<yyyyMMdd-HHmmss>.log` (local time). */
function logFileName(account, now) {
  var d = now || new Date();
  var stamp =
    d.getFullYear() + logPad(d.getMonth() + 1) + logPad(d.getDate()) + '-' + logPad(d.getHours()) + logPad(d.getMinutes()) + logPad(d.getSeconds());
  return 'rtvideo-' + String(account).replace(/[^\w.-]+/g, '_') + '-' + stamp + '.log';
}

class LogRing {
  /** `options`: the instance's options (for the token and `logPersonalData`). */
  constructor(options) {
    // A ring of at most LOG_MAX_ENTRIES slots: `_count` entries from `_first`.
    this._buf = [];
    this._first = 0;
    this._count = 0;
    this._chars = 0;
    this._dropped = 0;
    this._redact = tokenRedactor(options && options.token);
    this.keepPersonal = !!(options && options.logPersonalData === true);
  }

  /**
   * Adds one entry. Kept raw (time, level, text) and only formatted, redacted
   * and masked when read, so a burst of pushes costs the page little.
   */
  add(level, text) {
    var msg = String(text);
    // A fixed ring, not `push` + `shift()`: shift moves every entry once the
    // log is full (on every event of a busy push channel), and the array
    // would change size with it.
    if (this._count === LOG_MAX_ENTRIES) this._dropOldest();
    this._buf[(this._first + this._count) % LOG_MAX_ENTRIES] = [Date.now(), level, msg];
    this._count += 1;
    this._chars += msg.length + 32;
    while (this._chars > LOG_MAX_CHARS && this._count > 1) this._dropOldest();
  }

  _dropOldest() {
    this._chars -= this._buf[this._first][2].length + 32;
    this._buf[this._first] = null;
    this._first = (this._first + 1) % LOG_MAX_ENTRIES;
    this._count -= 1;
    this._dropped += 1;
  }

  /** One entry as a line: ISO time, level, message (redacted, masked). */
  _line(e) {
    var msg = this._redact(e[2]);
    if (!this.keepPersonal) msg = maskPersonalText(msg);
    return new Date(e[0]).toISOString() + ' ' + (e[1].toUpperCase() + '    ').slice(0, 5) + ' ' + msg.replace(/\n/g, ' ');
  }

  /** The ring as text, one entry per line (oldest first). */
  text() {
    var self = this;
    var head = this._dropped ? new Date().toISOString() + ' INFO  (' + this._dropped + ' older entries dropped)\n' : '';
    var body = [];
    for (var i = 0; i < this._count; i++) body.push(self._line(this._buf[(this._first + i) % LOG_MAX_ENTRIES]));
    return head + body.join('\n') + (body.length ? '\n' : '');
  }

  /** The header of an exported log: who, where, with what (no secrets). */
  header(version, options) {
    var safe = {};
    Object.keys(options || {}).forEach(function (k) {
      if (k !== 'token') safe[k] = options[k];
    });
    if (options && options.token) safe.token = '***';
    return [
      'snk-rt-video-pc ' + version + ' log',
      'exported: ' + new Date().toISOString(),
      'systemCode: ' + (options && options.systemCode),
      'account: ' + (options && options.account),
      'userAgent: ' + (typeof navigator !== 'undefined' ? navigator.userAgent : '-'),
      'page: ' + this._redact(typeof location !== 'undefined' ? location.href : '-'),
      'options: ' + this._redact(JSON.stringify(safe)),
      '',
      '',
    ].join('\n');
  }
}
