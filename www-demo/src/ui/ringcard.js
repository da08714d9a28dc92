// The ringing card: a customer call (answer / refuse), a colleague's transfer
// offer (accept / refuse) or a third-party invitation (join / decline). The
// idle card stands in its place when nothing rings and no call is shown.

import { byTestId, h, show, duration, setChildren } from './dom.js';
import { customerRows, msgText } from '../labels.js';

const TITLES = {
  call: '客户来电',
  transfer: '转接请求',
  add: '三方通话邀请',
};

const BUTTONS = {
  call: ['answer', 'refuse'],
  transfer: ['accept-transfer', 'refuse-transfer'],
  add: ['accept-add', 'refuse-add'],
};

const IDLE = {
  disconnected: ['正在连接平台…', '正在连接推送通道与本地视频客户端,连接成功后即可接听。Connecting to the platform and the local video client.'],
  ready: ['等待来电', '空闲中,客户来电会在这里振铃。Ready: incoming calls ring here.'],
  leave: ['小休中', '点击右上角“恢复接听”后继续接听来电。Resting: press Back to take calls again.'],
  wait: ['振铃中…', ''],
  busy: ['通话中', ''],
};

/**
 * Fills a `<dl>` with customer fields. With none: a placeholder row when
 * `placeholder` is set (a customer call should have some), else hidden.
 */
export function renderCustomer(dl, customer, extra, placeholder) {
  const rows = customerRows(customer);
  for (const [k, v] of Object.entries(extra || {})) {
    if (v !== null && typeof v !== 'object') rows.push([k, String(v)]);
  }
  if (rows.length === 0 && placeholder) rows.push(['客户', placeholder]);
  show(dl, rows.length > 0);
  setChildren(dl, rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
}

export function mountRingCard(store, actions) {
  const card = byTestId('ring-card');
  const idle = byTestId('idle-card');
  const title = byTestId('ring-title', card);
  const from = byTestId('ring-from', card);
  const customer = byTestId('ring-customer', card);
  const sid = byTestId('ring-sid', card);
  const elapsed = byTestId('ring-elapsed', card);
  const idleTitle = byTestId('idle-title', idle);
  const idleHint = byTestId('idle-hint', idle);

  const handlers = {
    answer: actions.answer,
    refuse: actions.refuse,
    'accept-transfer': actions.acceptTransfer,
    'refuse-transfer': actions.refuseTransfer,
    'accept-add': actions.acceptAdd,
    'refuse-add': actions.refuseAdd,
  };
  const buttons = {};
  for (const [id, fn] of Object.entries(handlers)) {
    buttons[id] = byTestId(id, card);
    buttons[id].addEventListener('click', () => fn());
  }

  let shownRing = null;
  let ringAt = 0;
  setInterval(() => {
    if (!card.hidden) elapsed.textContent = `已振铃 ${duration(Date.now() - ringAt)}`;
  }, 1000);

  store.subscribe((s) => {
    const ring = s.phase === 'online' && s.state === 'wait' ? s.ring : null;
    show(card, Boolean(ring));
    const callShown = s.phase === 'online' && s.state === 'busy' && s.call;
    show(idle, s.phase === 'online' && !ring && !callShown);
    const [t, hint] = IDLE[s.state] || ['', ''];
    idleTitle.textContent = t;
    idleHint.textContent = hint;
    idle.dataset.state = s.state;
    if (!ring) {
      shownRing = null;
      return;
    }
    if (shownRing !== ring) {
      shownRing = ring;
      ringAt = ring.at;
      card.dataset.kind = ring.kind;
      title.textContent = TITLES[ring.kind];
      sid.textContent = ring.sid;
      elapsed.textContent = `已振铃 ${duration(Date.now() - ringAt)}`;
      from.textContent = ring.from ? `来自同事 ${ring.from} · ${msgText(ring.msgType)}` : '';
      show(from, Boolean(ring.from));
      renderCustomer(customer, ring.customer, ring.kind === 'call' ? ring.extra : null, ring.kind === 'call' ? '未提供客户信息' : '');
    }
    const busy = s.inflight.has('ring');
    for (const [kind, ids] of Object.entries(BUTTONS)) {
      for (const id of ids) {
        show(buttons[id], kind === ring.kind);
        buttons[id].disabled = busy;
      }
    }
  });
}
