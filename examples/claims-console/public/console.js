// The video desk of a claims-review system: the part of a business console
// that uses snk-rt-video-pc. Everything the SDK needs is in `options`:
// `profile: 'dev'` talks to `npx rtv-sim` on this machine; the tests pass the
// addresses of their own simulator in the query string instead.

import RtVideo from 'snk-rt-video-pc';

const { VideoEventType: E } = RtVideo.Consts;
const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const q = new URLSearchParams(location.search);

const options = { systemCode: q.get('systemCode') || 'CLAIMS', account: q.get('account') || 'agent1' };
for (const k of ['sseServerUrl', 'videoServiceUrl', 'stateServiceUrl', 'exeUrl']) {
  if (q.get(k)) options[k] = q.get(k);
}
if (!options.sseServerUrl) options.profile = 'dev';

let ringing = null; // {sid, customer}
let call = null; // {sid, customer}

function show(id, on) {
  $(id).hidden = !on;
}

function setText(id, text, attr) {
  const el = $(id);
  el.textContent = text;
  if (attr) el.dataset[attr[0]] = attr[1];
}

function notice(text) {
  setText('notice', text);
}

function addItem(list, text) {
  const li = document.createElement('li');
  li.textContent = text;
  $(list).append(li);
}

const OP_NAMES = { 'change/ask': '转接 / transfer', 'call/answer': '接听 / answer', 'call/hangup': '挂断 / hang up' };

const rtVideo = new RtVideo(options, {
  next({ type, data }) {
    switch (type) {
      case E.STATE_CHANGE:
        setText('state', data.state, ['state', data.state]);
        break;
      case E.INCOMING_CALL:
        ringing = { sid: data.sid, customer: data.customer || {} };
        setText('incoming-customer', ringing.customer.name || '');
        setText('incoming-claim', ringing.customer.claimNo || '');
        show('incoming', true);
        break;
      case E.RECOVERY_CALL:
        call = { sid: data.sid, customer: {} };
        setText('call-sid', call.sid);
        show('call', true);
        break;
      case E.INCOMING_CALL_HANGUP:
        if (ringing && ringing.sid === data.sid) ringing = null;
        if (call && call.sid === data.sid) {
          call = null;
          notice('客户已挂断 / the customer hung up');
        }
        show('incoming', Boolean(ringing));
        show('call', Boolean(call));
        break;
      case E.HTTP_BACK:
        // A business refusal of the platform: its own text, as the agent should read it.
        notice(`${OP_NAMES[data.op] || data.op} 失败 / refused: ${data.msg} (${data.code})`);
        break;
      case E.EXE_EVENT:
        if (data.code === 'EXE_LINK_LOST') setText('exe-status', '视频客户端已关闭 / EXE closed', ['status', 'lost']);
        else if (data.code === 'EXE_LINK_RESTORED') setText('exe-status', '已连接 / connected', ['status', 'ok']);
        break;
      case E.VIDEOTAPE:
        addItem('recordings', `${data.sid} ${data.url}`);
        break;
      default:
        break;
    }
  },
  error(err) {
    addItem('problems', `${err.code}: ${err.msg}`);
  },
  complete() {
    notice('视频服务已结束 / the video service ended');
  },
});

setText('account', options.account);
RtVideo.ready.then(() => {
  if ($('exe-status').dataset.status === 'unknown') setText('exe-status', '已连接 / connected', ['status', 'ok']);
});

$('answer').addEventListener('click', async () => {
  const r = ringing;
  if (!r) return;
  try {
    await rtVideo.answer(r.sid);
    ringing = null;
    call = r;
    setText('call-sid', r.sid);
    setText('call-customer', r.customer.name || '');
    show('incoming', false);
    show('call', true);
    notice('');
  } catch {
    // shown by HTTP_BACK / error
  }
});

$('refuse').addEventListener('click', () => {
  if (ringing) rtVideo.refuse(ringing.sid).then(() => show('incoming', false), () => {});
});

$('hangup').addEventListener('click', async () => {
  if (!call) return;
  try {
    await rtVideo.hangUp(call.sid);
    call = null;
    show('call', false);
  } catch {
    // shown by HTTP_BACK / error
  }
});

$('transfer').addEventListener('click', () => {
  const newer = $('transfer-to').value.trim();
  if (!call || !newer) return;
  notice('');
  rtVideo.askChangePerson({ sid: call.sid, newer }).then(
    () => notice(`已请求转接给 ${newer} / transfer asked`),
    () => {},
  );
});

$('reconnect-exe').addEventListener('click', () => {
  rtVideo.reconnect().catch(() => {});
});

