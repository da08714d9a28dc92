// What the buttons do. Every command goes through `run`, which marks it in
// flight (its buttons are disabled until it settles), logs it, and shows a
// failure: a local error `{code: 'INVALID_STATE', msg}` as an error toast, a
// platform rejection `{code: 300003, msg}` with the platform's text (the same
// toast the HTTP_BACK event raises, merged by key).

import { toast, toastError } from './ui/toast.js';
import { logEntry } from './ui/eventlog.js';
import { simulateCall } from './sim.js';

export function reportFailure(label, method, err) {
  const e = err && typeof err === 'object' ? err : { code: 'ERROR', msg: String(err) };
  if (e.code === 'DESTROYED') return; // the instance was closed on purpose
  logEntry('error', `${method} ✗`, { code: e.code, msg: e.msg || e.message });
  if (typeof e.code === 'number') {
    toast('http', e.msg || '操作失败', `${label} · ${e.code}`, { key: `http|${e.code}` });
  } else {
    toastError(e, label);
  }
}

/** `session()` returns the current Session or null. */
export function createActions(store, session) {
  function run(key, label, method, args, { ok, fail } = {}) {
    const s = session();
    if (!s || store.state.inflight.has(key)) return Promise.resolve();
    store.update((st) => st.inflight.add(key));
    logEntry('cmd', `${method} →`, args.length ? args[0] : undefined);
    return s
      .command(method, ...args)
      .then(
        (result) => {
          logEntry('cmd', `${method} ✓`, result === undefined ? undefined : result);
          if (ok) ok(result);
        },
        (err) => {
          reportFailure(label, method, err);
          if (fail) fail(err);
        },
      )
      .catch((e) => console.error('console action failed', e))
      .finally(() => store.update((st) => st.inflight.delete(key)));
  }

  const current = () => store.state;
  const ringSid = () => (current().ring ? current().ring.sid : '');
  const callSid = () => (current().call ? current().call.sid : '');

  return {
    toggleRest() {
      if (current().state === 'leave') return run('presence', '恢复接听', 'back', []);
      return run('presence', '小休', 'rest', []);
    },
    answer: () => run('ring', '接听', 'answer', [ringSid()]),
    refuse: () => run('ring', '拒接', 'refuse', [ringSid()]),
    acceptTransfer: () => run('ring', '接受转接', 'acceptChangePerson', [{ sid: ringSid() }]),
    refuseTransfer: () => run('ring', '拒绝转接', 'refuseChangePerson', [{ sid: ringSid() }]),
    acceptAdd: () => run('ring', '加入三方', 'acceptAddPerson', [{ sid: ringSid() }]),
    refuseAdd: () => run('ring', '拒绝三方', 'refuseAddPerson', [{ sid: ringSid() }]),
    hangUp: () => run('end', '挂断', 'hangUp', [callSid()]),
    quit: () => run('end', '退出三方', 'quitAddPerson', [{ sid: callSid() }]),
    snapshot: (type) =>
      run(`snapshot-${type}`, type === 'pusher' ? '截取本端画面' : '截取客户画面', 'snapshot', [type], {
        // The image itself arrives as a SNAPSHOT event (events.js).
        ok: () => toast('success', '截图成功', type === 'pusher' ? '本端画面 pusher' : '客户画面 player'),
      }),

    askTransfer(newer) {
      const sid = callSid();
      store.update((st) => (st.transfer = { newer, status: 'asking' }));
      return run('transfer', '转接', 'askChangePerson', [{ sid, newer }], {
        ok: () =>
          store.update((st) => {
            // A 20101/20102 push may already have settled it.
            if (st.transfer && st.transfer.newer === newer && st.transfer.status === 'asking') st.transfer.status = 'pending';
          }),
        fail: () =>
          store.update((st) => {
            if (st.transfer && st.transfer.newer === newer) st.transfer = null;
          }),
      });
    },
    cancelTransfer() {
      const t = current().transfer;
      if (!t) return Promise.resolve();
      return run('transfer-cancel', '取消转接', 'cancelChangePerson', [{ sid: callSid(), newer: t.newer }], {
        ok: () => {
          store.update((st) => (st.transfer = null));
          toast('info', '已取消转接', t.newer);
        },
      });
    },

    askAdd(newer) {
      const sid = callSid();
      store.update((st) => {
        if (!st.participants.some((p) => p.newer === newer)) st.participants.push({ newer, status: 'asking' });
      });
      return run('add', '邀请三方', 'askAddPerson', [{ sid, newer }], {
        ok: () =>
          store.update((st) => {
            const p = st.participants.find((x) => x.newer === newer);
            if (p && p.status === 'asking') p.status = 'pending';
          }),
        fail: () =>
          store.update((st) => {
            st.participants = st.participants.filter((x) => !(x.newer === newer && x.status === 'asking'));
          }),
      });
    },
    cancelAdd(newer) {
      return run(`add-cancel:${newer}`, '取消邀请', 'cancelAddPerson', [{ sid: callSid(), newer }], {
        ok: () => {
          store.update((st) => (st.participants = st.participants.filter((x) => x.newer !== newer)));
          toast('info', '已取消三方邀请', newer);
        },
      });
    },
    removeAdd(newer) {
      return run(`add-remove:${newer}`, '移出三方', 'removeAddPerson', [{ sid: callSid(), newer }], {
        ok: () => {
          store.update((st) => (st.participants = st.participants.filter((x) => x.newer !== newer)));
          toast('info', '已将对方移出通话', newer);
        },
      });
    },

    reconnect: () => run('reconnect', '重连', 'reconnect', [], { ok: () => toast('info', '正在重新连接', 'reconnect') }),

    downloadLogs() {
      const s = session();
      if (!s) return;
      try {
        const name = s.downloadLogs();
        logEntry('cmd', 'downloadLogs ✓', { file: name });
        toast('info', '日志已保存，可随工单提交', name);
      } catch (e) {
        toast('error', '日志保存失败', e && e.message ? e.message : String(e));
      }
    },

    simulateCall() {
      const account = current().account;
      if (current().inflight.has('sim-call')) return Promise.resolve();
      store.update((st) => st.inflight.add('sim-call'));
      logEntry('cmd', 'sim/call →', { account });
      return simulateCall(account)
        .then((body) => {
          logEntry('cmd', 'sim/call ✓', body);
          toast('info', '已请求模拟器发起来电', account);
        })
        .catch((e) => {
          logEntry('error', 'sim/call ✗', { msg: e.message });
          toast('error', '模拟来电失败', e.message);
        })
        .finally(() => store.update((st) => st.inflight.delete('sim-call')));
    },
  };
}
