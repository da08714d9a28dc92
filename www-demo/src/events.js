// Turns the SDK's callbacks (`next`, `error`, `complete`) into changes of the
// console's state, toasts and event-log entries.

import { toast, toastError } from './ui/toast.js';
import { logEntry } from './ui/eventlog.js';
import { msgText, customerName } from './labels.js';

const HANGUP_PARTICIPANT = 30025;

function ringFrom(data, kind) {
  const { sid, msgType, customer, streams, from, ...extra } = data;
  return { kind, sid, msgType, from: from || '', customer: customer || null, extra, at: Date.now() };
}

/** The call that starts when a ringing item is accepted. */
function callFromRing(ring) {
  if (!ring) return { sid: '', role: 'owner', customer: null, from: '', startedAt: Date.now(), recovered: false };
  return {
    sid: ring.sid,
    role: ring.kind === 'add' ? 'participant' : 'owner',
    customer: ring.customer,
    from: ring.from,
    startedAt: Date.now(),
    recovered: false,
  };
}

/**
 * The call after a 50201/50202 push (the streams of a transfer / third party
 * accepted here). The accept reply may have made the call already (then it
 * keeps who asked and when it started), or the ringing item is still shown.
 */
function streamsCall(s, sid, kind, from) {
  const role = kind === 'add' ? 'participant' : 'owner';
  if (s.call && s.call.sid === sid) return Object.assign({}, s.call, { role });
  const ring = s.ring && s.ring.sid === sid ? s.ring : { kind, sid, from: from || '' };
  return Object.assign(callFromRing(ring), { sid, role });
}

export function createEventHandlers(store, { onComplete }) {
  const update = (fn) => store.update(fn);

  function onStateChange({ state, from }) {
    update((s) => {
      s.state = state;
      // The links are up whenever the agent is not disconnected (SPEC §3).
      if (state !== 'disconnected') s.exeLink = 'up';
      if (state === 'busy' && (!s.call || (s.ring && s.ring.sid && s.call.sid !== s.ring.sid))) s.call = callFromRing(s.ring);
      if (state !== 'wait') s.ring = null;
      if (state === 'ready' || state === 'leave') {
        s.call = null;
        s.transfer = null;
        s.participants = [];
      }
    });
    if (state === 'disconnected' && from) toast('warn', '与平台的连接已断开,正在自动重连', `${from} → disconnected`);
    else if (from === 'disconnected') toast('success', '已连接', state);
  }

  function onExchange(data) {
    const { msgType, sid, from, newer } = data;
    switch (msgType) {
      case 20100:
        update((s) => (s.ring = ringFrom(data, 'transfer')));
        toast('info', `${from || '同事'} 请求将通话转接给您`, `sid ${sid}`);
        break;
      case 20103:
        update((s) => {
          if (s.ring && s.ring.kind === 'transfer') s.ring = null;
        });
        toast('warn', msgText(msgType), from || '');
        break;
      case 50201:
        update((s) => {
          s.call = streamsCall(s, sid, 'transfer', from);
        });
        toast('success', msgText(msgType), `sid ${sid}`);
        break;
      case 20101:
        update((s) => (s.transfer = null));
        toast('success', `${newer || '对方'} 已接受转接,通话已转出`, `sid ${sid}`);
        break;
      case 20102:
        update((s) => (s.transfer = null));
        toast('warn', `${newer || '对方'} 拒绝了转接`, `sid ${sid}`);
        break;
      default:
        toast('info', msgText(msgType), newer || from || '');
    }
  }

  function onAdd(data) {
    const { msgType, sid, from, newer } = data;
    switch (msgType) {
      case 20200:
        update((s) => (s.ring = ringFrom(data, 'add')));
        toast('info', `${from || '同事'} 邀请您加入三方通话`, `sid ${sid}`);
        break;
      case 20204:
        update((s) => {
          if (s.ring && s.ring.kind === 'add') s.ring = null;
        });
        toast('warn', msgText(msgType), from || '');
        break;
      case 50202:
        update((s) => {
          s.call = streamsCall(s, sid, 'add', from);
        });
        toast('success', msgText(msgType), `sid ${sid}`);
        break;
      case 20201:
        update((s) => {
          const p = s.participants.find((x) => x.newer === newer);
          if (p) p.status = 'joined';
          else if (newer) s.participants.push({ newer, status: 'joined' });
        });
        toast('success', `${newer || '对方'} 已加入三方通话`, `sid ${sid}`);
        break;
      case 20202:
      case 20203:
        update((s) => (s.participants = s.participants.filter((x) => x.newer !== newer)));
        toast(
          msgType === 20202 ? 'warn' : 'info',
          `${newer || '对方'} ${msgType === 20202 ? '拒绝加入三方通话' : '已离开三方通话'}`,
          `sid ${sid}`,
        );
        break;
      default:
        toast('info', msgText(msgType), newer || from || '');
    }
  }

  function onHangup({ sid, msgType }) {
    const s = store.state;
    if (s.ring && s.ring.sid === sid) {
      toast('warn', '来电已取消', msgText(msgType));
      update((st) => (st.ring = null));
    } else if (s.call && s.call.sid === sid) {
      const text = s.call.role === 'participant' && msgType === HANGUP_PARTICIPANT ? '三方通话已结束或您已被移出' : msgText(msgType);
      toast('info', `通话已结束: ${text}`, `sid ${sid}`);
    } else {
      toast('info', msgText(msgType), `sid ${sid}`);
    }
  }

  function onExeEvent(data) {
    if (data.code === 'EXE_LINK_LOST') {
      update((s) => (s.exeLink = 'down'));
      toast('warn', '本地视频客户端连接断开', data.msg || 'EXE_LINK_LOST', { key: 'exe-link' });
    } else if (data.code === 'EXE_BLOCKED') {
      update((s) => (s.exeLink = 'down'));
      toast('error', '浏览器阻止了连接本地视频客户端', data.msg, { key: 'exe-link' });
    } else if (data.code === 'EXE_LINK_RESTORED') {
      update((s) => (s.exeLink = 'up'));
      toast('success', '本地视频客户端已重新连接', 'EXE_LINK_RESTORED', { key: 'exe-link' });
    } else if (data.status === 'failed' || data.event === 'error') {
      toast('warn', `视频客户端: ${data.msg || data.status || data.code}`, data.sid ? `sid ${data.sid}` : String(data.code || ''));
    }
  }

  function next(event) {
    const type = event && event.type;
    const data = (event && event.data) || {};
    logEntry(type === 'HTTP_BACK' ? 'error' : 'event', String(type), data);
    switch (type) {
      case 'STATE_CHANGE':
        return onStateChange(data);
      case 'INCOMING_CALL': {
        update((s) => (s.ring = ringFrom(data, 'call')));
        const name = customerName(data.customer);
        return toast('info', name ? `客户来电: ${name}` : '客户来电', `sid ${data.sid}`);
      }
      case 'INCOMING_CALL_HANGUP':
        return onHangup(data);
      case 'RECOVERY_CALL':
        update((s) => {
          const same = s.call && s.call.sid === data.sid;
          s.call = {
            sid: data.sid,
            role: data.role || 'owner',
            customer: data.customer || (same ? s.call.customer : null),
            from: same ? s.call.from : '',
            startedAt: same ? s.call.startedAt : Date.now(),
            recovered: true,
          };
        });
        return toast('info', '已恢复进行中的通话', `sid ${data.sid} · ${data.role || ''}`);
      case 'VIDEOTAPE':
        update((s) => s.recordings.unshift({ sid: data.sid, url: data.url, at: Date.now() }));
        return toast('success', '录像已生成', data.sid ? `sid ${data.sid}` : '');
      case 'IMAGE':
        update((s) => s.images.unshift({ sid: data.sid, url: data.url, at: Date.now() }));
        return toast('info', '收到图片', data.sid ? `sid ${data.sid}` : '');
      case 'SNAPSHOT':
        return update((s) => s.snapshots.unshift({ type: data.type || 'player', base64: data.base64, at: Date.now() }));
      case 'HTTP_BACK':
        return toast('http', data.msg || '操作失败', `${data.op || ''} · ${data.code}`, { key: `http|${data.code}` });
      case 'EXE_EVENT':
        return onExeEvent(data);
      case 'EXCHANGE_CALL':
        return onExchange(data);
      case 'ADD_CALL':
        return onAdd(data);
      default:
        return undefined;
    }
  }

  function error(err) {
    const e = err && typeof err === 'object' ? err : { code: 'ERROR', msg: String(err) };
    logEntry('error', `ERROR ${e.code || ''}`.trim(), e);
    if (e.code === 'AUTH') update((s) => (s.loginError = '凭证被拒绝,请检查令牌后重新登录 (AUTH)'));
    else if (e.code === 'CONFIG') update((s) => (s.loginError = e.msg || '配置无效 (CONFIG)'));
    if (e.code === 'EXE_LINK_LOST' || e.code === 'EXE_BLOCKED') update((s) => (s.exeLink = 'down'));
    toastError(e);
  }

  function complete() {
    logEntry('info', 'COMPLETE', undefined);
    onComplete();
  }

  return { next, error, complete };
}
