// `RtVideo.preflight(options, {timeout})`: the self-check for agents and
// support desks (issue 18, docs/DECISIONS.md D76). Resolves with a report:
// `{ok, version, at, userAgent, checks: [{check, ok, code, detail, advice: {zh, en}}]}`,
// one entry per check, in this order: engine, config, page, localNetwork,
// tabs, push, video, state, exe.
//
// It changes nothing on the platform (no `agent/state`, no heartbeat: the
// video service gets the read `session/current`, the dispatch service a GET
// that only proves it answers), opens nothing that outlives it, and resolves
// within `timeout` (10 s) even when everything hangs. While a tab of the same
// agent leads (this page's or another's), the push channel and the EXE are
// checked by asking that tab for the state of its links: a second push stream
// would be a second subscription, and a real EXE may drop its first client
// when a second one connects.
//
// ES2019, no modules: inlined into the script-tag build (bundle.js) and
// shipped as preflight.js of the npm package, like tabs.js, whose group name,
// Web Locks lookup and `tabLinksHere` it uses.

var PREFLIGHT_MS = 10000;
var PREFLIGHT_CHECKS = ['engine', 'config', 'page', 'localNetwork', 'tabs', 'push', 'video', 'state', 'exe'];

/** What to do, per code: [中文, English]. */
var PREFLIGHT_ADVICE = {
  UNSUPPORTED_BROWSER: [
    '切换到极速模式，或使用 Chrome / Edge（Chromium 72 及以上）；页面的 CSP 需允许 WebAssembly',
    "switch to the fast mode (极速模式) or use Chrome / Edge (Chromium 72+); the page's CSP must allow WebAssembly",
  ],
  CONFIG: ['检查传给 RtVideo 的选项（错误信息中点名的字段）', 'check the options given to RtVideo (the field the message names)'],
  AUTH: ['token 被拒绝：请重新登录以获得新的 token', 'the token was rejected: sign in again for a new token'],
  HTTP_ERROR: [
    '服务不可达或出错：检查网络、代理和服务地址，或联系平台运维',
    'the service cannot be reached or failed: check the network, proxy and service URL, or call the platform operators',
  ],
  TIMEOUT: ['在限定时间内没有应答：检查网络，或联系平台运维', 'no answer in time: check the network, or call the platform operators'],
  BAD_RESPONSE: ['地址指向了别的服务（应答格式不对）：检查服务地址', 'the URL answers with something else: check the service URL'],
  PUSH_LINK_LOST: ['主标签页的推送通道未连接：稍候再试，或刷新主标签页', "the leading tab's push channel is down: wait a moment, or reload that tab"],
  EXE_LINK_LOST: [
    '本地视频客户端未运行或地址不对：启动视频客户端后再试',
    'the local video client is not running (or listens elsewhere): start it and try again',
  ],
  EXE_ERROR: ['视频客户端拒绝了连接：重启视频客户端，或升级到最新版本', 'the video client refused the connection: restart it, or update it'],
  EXE_BLOCKED: [
    '在地址栏左侧图标的网站设置中把“本地网络访问”设为“允许”；管理员可用企业策略 LocalNetworkAccessAllowedForUrls 放行本站',
    'allow "Local network access" in the site settings (the icon left of the address); administrators can allow the site with the policy LocalNetworkAccessAllowedForUrls',
  ],
  PAGE_DISCARDED: [
    '浏览器为节省内存丢弃过本页（期间的来电会漏接）：管理员可用企业策略 TabDiscardingExceptions 豁免本站',
    'the browser discarded this page to save memory (calls offered meanwhile were missed): administrators can exempt the console with the policy TabDiscardingExceptions',
  ],
  NOT_RUN: ['先解决前面失败的检查', 'fix the checks that failed before this one'],
};

/** A report entry; `ok` entries carry no advice. */
function preflightEntry(check, ok, code, detail) {
  var a = ok ? ['', ''] : PREFLIGHT_ADVICE[code] || ['', ''];
  return { check: check, ok: ok, code: ok ? 'OK' : code, detail: detail, advice: { zh: a[0], en: a[1] } };
}

/**
 * Runs the self-check. `Real`: the wasm class, or null when `loadError` (the
 * SDK cannot run here) says why; `version`: the package's.
 */
async function preflight(Real, loadError, version, options, opts) {
  var limit = opts && opts.timeout > 0 ? opts.timeout : PREFLIGHT_MS;
  var report = {
    ok: false,
    version: version,
    at: new Date().toISOString(),
    userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : '',
    checks: [],
  };
  var add = function (e) {
    report.checks.push(e);
  };
  var rest = function (from, why) {
    PREFLIGHT_CHECKS.slice(PREFLIGHT_CHECKS.indexOf(from)).forEach(function (c) {
      add(preflightEntry(c, false, 'NOT_RUN', why));
    });
  };
  var finish = function () {
    report.ok = report.checks.every(function (c) {
      return c.ok;
    });
    return report;
  };
  if (!Real) {
    add(preflightEntry('engine', false, (loadError && loadError.code) || 'UNSUPPORTED_BROWSER', loadError ? loadError.msg : ''));
    rest('config', 'the SDK cannot run in this browser');
    return finish();
  }
  add(preflightEntry('engine', true, 'OK', 'WebAssembly compiled and running'));
  var plan;
  try {
    plan = Real.__preflight(options);
  } catch (e) {
    add(preflightEntry('config', false, 'CONFIG', e && e.message ? String(e.message) : String(e)));
    rest('page', 'the options are not valid');
    return finish();
  }
  add(preflightEntry('config', true, 'OK', plan.systemCode + ' / ' + plan.account));

  // Everything opened from here on is closed by `done`, also on the deadline.
  var open = [];
  var done = function () {
    open.splice(0).forEach(function (close) {
      try {
        close();
      } catch (e) {
        // already closed
      }
    });
  };
  var deadline = null;
  var timedOut = new Promise(function (resolve) {
    deadline = setTimeout(resolve, limit);
  });
  // `work` resolves an entry; past the deadline it is a TIMEOUT.
  var bounded = function (check, work) {
    return Promise.race([
      work.catch(function (e) {
        return preflightEntry(check, false, 'HTTP_ERROR', String(e && e.message ? e.message : e));
      }),
      timedOut.then(function () {
        return preflightEntry(check, false, 'TIMEOUT', 'no answer within ' + limit + ' ms');
      }),
    ]);
  };
  try {
    var discarded = typeof document !== 'undefined' && !!document.wasDiscarded;
    add(preflightEntry('page', !discarded, 'PAGE_DISCARDED', discarded ? 'document.wasDiscarded' : 'not discarded'));
    var permission = await bounded('localNetwork', preflightPermission().then(function (state) {
      return preflightEntry('localNetwork', state !== 'denied', 'EXE_BLOCKED', state);
    }));
    add(permission);
    var name = tabGroup(Real.__validate(options, undefined).key);
    var leader = await bounded('tabs', preflightLeader(name, open).then(function (l) {
      return l;
    }));
    var led = leader && leader.links ? leader : null;
    add(
      leader && leader.check === 'tabs'
        ? leader // a TIMEOUT entry
        : preflightEntry('tabs', true, 'OK', led ? led.where + ' leads this agent: its links are checked there' : 'no tab of this agent runs'),
    );
    var checks = await Promise.all([
      bounded('push', led ? Promise.resolve(preflightLinkEntry('push', led.links)) : preflightPush(plan, open)),
      bounded('video', preflightVideo(plan, open)),
      bounded('state', preflightState(plan, open)),
      bounded('exe', led ? Promise.resolve(preflightLinkEntry('exe', led.links)) : preflightExe(plan, version, open)),
    ]);
    checks.forEach(add);
  } finally {
    clearTimeout(deadline);
    done();
  }
  return finish();
}

/** The local network permission's state: granted, denied, prompt or unsupported. */
async function preflightPermission() {
  var p = typeof navigator !== 'undefined' && navigator.permissions;
  if (!p || !p.query) return 'unsupported';
  for (var name of ['loopback-network', 'local-network-access']) {
    try {
      return (await p.query({ name: name })).state;
    } catch (e) {
      // this engine does not know the name
    }
  }
  return 'unsupported';
}

/** The tab that leads the group `name`: `{where, links}`, or null when none does. */
async function preflightLeader(name, open) {
  var here = tabLinksHere(name);
  if (here) return { where: 'this tab', links: here };
  if (typeof BroadcastChannel === 'undefined') return null;
  var locks = tabLocks();
  if (locks && locks.query) {
    var held = (await locks.query()).held || [];
    if (!held.some((l) => l.name === name)) return null;
  }
  var channel = new BroadcastChannel(name);
  open.push(() => channel.close());
  var me = 'preflight-' + Math.random().toString(36).slice(2);
  return new Promise((resolve) => {
    // A leader answers at once; without Web Locks, silence means there is none.
    var timer = setTimeout(() => resolve(null), locks ? 2000 : 700);
    open.push(() => clearTimeout(timer));
    channel.onmessage = (ev) => {
      var m = ev.data;
      if (m && m.t === 'links' && m.to === me) {
        clearTimeout(timer);
        resolve({ where: 'another tab', links: m.links });
      }
    };
    channel.postMessage({ t: 'links?', from: me });
  });
}

/** The push channel or the EXE as the leading tab has it. */
function preflightLinkEntry(check, links) {
  var state = links[check];
  if (check === 'push') return preflightEntry('push', state === 'up', 'PUSH_LINK_LOST', 'the leading tab: push channel ' + state);
  var detail = 'the leading tab: video client link ' + state + (links.exeVersion ? ', exeVersion ' + links.exeVersion : '');
  return preflightEntry('exe', state === 'up', state === 'blocked' ? 'EXE_BLOCKED' : 'EXE_LINK_LOST', detail);
}

/** An AbortController whose abort `done` runs; null where the engine has none. */
function preflightAbort(open) {
  if (typeof AbortController === 'undefined') return null;
  var ac = new AbortController();
  open.push(() => ac.abort());
  return ac;
}

/** Subscribes as the SDK does, reads status and type only, and lets go. */
async function preflightPush(plan, open) {
  var ac = preflightAbort(open);
  var res = await fetch(plan.push, { headers: { Accept: 'text/event-stream' }, cache: 'no-store', signal: ac && ac.signal });
  var type = res.headers.get('Content-Type') || '';
  if (ac) ac.abort(); // the stream itself is not read
  var detail = 'HTTP ' + res.status + (type ? ', ' + type : '');
  if (res.status === 401 || res.status === 403) return preflightEntry('push', false, 'AUTH', detail);
  if (!res.ok) return preflightEntry('push', false, 'HTTP_ERROR', detail);
  if (!/^text\/event-stream/i.test(type)) return preflightEntry('push', false, 'BAD_RESPONSE', detail);
  return preflightEntry('push', true, 'OK', detail);
}

/** `session/current`: a read that changes nothing, with the token. */
async function preflightVideo(plan, open) {
  var ac = preflightAbort(open);
  var headers = { 'Content-Type': 'application/json' };
  if (plan.token) headers.Authorization = 'Bearer ' + plan.token;
  var res = await fetch(plan.video + 'session/current', {
    method: 'POST',
    headers: headers,
    body: JSON.stringify({ systemCode: plan.systemCode, account: plan.account }),
    signal: ac && ac.signal,
  });
  var detail = 'session/current: HTTP ' + res.status;
  if (res.status === 401 || res.status === 403) return preflightEntry('video', false, 'AUTH', detail);
  if (!res.ok) return preflightEntry('video', false, 'HTTP_ERROR', detail);
  var body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (!body || typeof body.code !== 'number') return preflightEntry('video', false, 'BAD_RESPONSE', detail + ', not the {code, msg, data} envelope');
  return preflightEntry('video', true, 'OK', detail + ', code ' + body.code);
}

/** The dispatch service answers (it has no read: nothing is sent that changes presence). */
async function preflightState(plan, open) {
  var ac = preflightAbort(open);
  await fetch(plan.state, { mode: 'no-cors', cache: 'no-store', signal: ac && ac.signal });
  return preflightEntry('state', true, 'OK', 'answers at ' + plan.state);
}

/** Connects to the EXE, says hello, reads its version, and closes. */
function preflightExe(plan, version, open) {
  return new Promise((resolve) => {
    var ws;
    try {
      ws = new WebSocket(plan.exe);
    } catch (e) {
      resolve(preflightEntry('exe', false, 'EXE_LINK_LOST', String(e && e.message ? e.message : e)));
      return;
    }
    open.push(() => ws.close());
    var opened = false;
    ws.onopen = () => {
      opened = true;
      ws.send(JSON.stringify({ id: 1, cmd: 'hello', account: plan.account, sdkVersion: version }));
    };
    ws.onmessage = (ev) => {
      var m = null;
      try {
        m = JSON.parse(ev.data);
      } catch (e) {
        m = null;
      }
      if (!m || m.id !== 1) return;
      ws.close();
      var v = m.data && m.data.exeVersion;
      if (m.ok) resolve(preflightEntry('exe', true, 'OK', plan.exe + ', exeVersion ' + v));
      else resolve(preflightEntry('exe', false, 'EXE_ERROR', 'hello refused: ' + (m.msg || m.code)));
    };
    ws.onclose = (ev) => {
      var detail = plan.exe + ' closed (' + ev.code + ')';
      if (opened) return resolve(preflightEntry('exe', false, 'EXE_ERROR', detail + ' before answering hello'));
      // Refused before it opened: the permission, read again, tells why (D74).
      preflightPermission().then((state) => {
        var blocked = state === 'denied';
        resolve(preflightEntry('exe', false, blocked ? 'EXE_BLOCKED' : 'EXE_LINK_LOST', detail + ', local network permission ' + state));
      });
    };
  });
}
