// The in-call panel: customer, sid, role, timer, hang-up/quit, snapshots,
// transfer (ask / cancel) and third parties (invite / cancel / remove).

import { byTestId, h, bi, show, duration, setChildren } from './dom.js';
import { ROLE_LABELS } from '../labels.js';
import { renderCustomer } from './ringcard.js';
import { Picker } from './picker.js';

const PARTICIPANT_STATUS = {
  asking: ['正在邀请…', 'inviting'],
  pending: ['等待应答', 'pending'],
  joined: ['已加入', 'joined'],
};

export function mountCallPanel(store, actions) {
  const panel = byTestId('call-panel');
  const q = (id) => byTestId(id, panel);
  const els = {
    role: q('call-role'),
    timer: q('call-timer'),
    customer: q('call-customer'),
    sid: q('call-sid'),
    note: q('call-note'),
    hangup: q('hangup'),
    quit: q('quit'),
    snapPlayer: q('snapshot-player'),
    snapPusher: q('snapshot-pusher'),
    collab: q('collab'),
    transferAsk: q('transfer-ask'),
    transferPending: q('transfer-pending'),
    transferStatus: q('transfer-status'),
    transferCancel: q('transfer-cancel'),
    addAsk: q('add-ask'),
    participants: q('participants'),
  };
  const rerender = () => render(store.state);
  const transferPicker = new Picker(q('transfer-slot'), 'transfer-target', rerender);
  const addPicker = new Picker(q('add-slot'), 'add-target', rerender);

  els.hangup.addEventListener('click', () => actions.hangUp());
  els.quit.addEventListener('click', () => actions.quit());
  els.snapPlayer.addEventListener('click', () => actions.snapshot('player'));
  els.snapPusher.addEventListener('click', () => actions.snapshot('pusher'));
  els.transferAsk.addEventListener('click', () => {
    const newer = transferPicker.value();
    if (newer) actions.askTransfer(newer);
  });
  els.transferCancel.addEventListener('click', () => actions.cancelTransfer());
  els.addAsk.addEventListener('click', () => {
    const newer = addPicker.value();
    if (newer) actions.askAdd(newer).then(() => addPicker.clear());
  });

  let startedAt = 0;
  setInterval(() => {
    if (!panel.hidden) els.timer.textContent = duration(Date.now() - startedAt);
  }, 1000);

  let shownCall = null;
  let participantsKey = '';

  function renderParticipants(s) {
    const key = JSON.stringify([s.participants, [...s.inflight].filter((k) => k.startsWith('add-'))]);
    if (key === participantsKey) return;
    participantsKey = key;
    setChildren(
      els.participants,
      s.participants.map((p) => {
        const [zh, en] = PARTICIPANT_STATUS[p.status] || [p.status, ''];
        const joined = p.status === 'joined';
        const button = joined
          ? h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', testid: 'add-remove', on: { click: () => actions.removeAdd(p.newer) } }, [bi('移出', 'Remove')])
          : h('button', { type: 'button', class: 'btn btn-small btn-ghost', testid: 'add-cancel', on: { click: () => actions.cancelAdd(p.newer) } }, [bi('取消', 'Cancel')]);
        button.disabled = p.status === 'asking' || s.inflight.has(`add-cancel:${p.newer}`) || s.inflight.has(`add-remove:${p.newer}`);
        return h('li', { class: `participant participant-${p.status}`, testid: 'participant', dataset: { account: p.newer, status: p.status } }, [
          h('span', { class: 'avatar', text: p.newer.slice(0, 2).toUpperCase(), attrs: { 'aria-hidden': 'true' } }),
          h('span', { class: 'participant-name', text: p.newer }),
          h('span', { class: 'participant-status' }, [joined ? null : h('span', { class: 'spinner' }), bi(zh, en)]),
          button,
        ]);
      }),
    );
  }

  function render(s) {
    const call = s.phase === 'online' && s.state === 'busy' ? s.call : null;
    show(panel, Boolean(call));
    if (!call) {
      shownCall = null;
      return;
    }
    if (shownCall !== call) {
      shownCall = call;
      startedAt = call.startedAt;
      els.timer.textContent = duration(Date.now() - startedAt);
      els.sid.textContent = call.sid || '—';
      renderCustomer(els.customer, call.customer, null, '未提供客户信息 (not provided)');
      const notes = [];
      if (call.recovered) notes.push('页面刷新后已恢复此通话 (RECOVERY_CALL)');
      if (call.from) notes.push(call.role === 'participant' ? `由 ${call.from} 邀请加入` : `由 ${call.from} 转接而来`);
      els.note.textContent = notes.join(' · ');
    }
    const [roleZh, roleEn] = ROLE_LABELS[call.role] || [call.role, ''];
    els.role.dataset.role = call.role;
    setChildren(els.role, bi(roleZh, roleEn));

    const owner = call.role === 'owner';
    show(els.hangup, owner);
    show(els.quit, !owner);
    els.hangup.disabled = s.inflight.has('end');
    els.quit.disabled = s.inflight.has('end');
    els.snapPlayer.disabled = s.inflight.has('snapshot-player');
    els.snapPusher.disabled = s.inflight.has('snapshot-pusher');

    // Transfer and third parties are the owner's tools (SPEC §1).
    show(els.collab, owner);
    transferPicker.setAgents(s.sim.agents, s.account);
    addPicker.setAgents(s.sim.agents, s.account);
    const t = s.transfer;
    // The platform handles one ask per call at a time (400001 otherwise).
    const invitePending = s.participants.some((p) => p.status !== 'joined');
    transferPicker.setDisabled(Boolean(t));
    els.transferAsk.disabled = Boolean(t) || invitePending || !transferPicker.value() || s.inflight.has('transfer');
    show(els.transferPending, Boolean(t));
    if (t) {
      els.transferStatus.textContent = t.status === 'asking' ? `正在向 ${t.newer} 发送转接请求…` : `等待 ${t.newer} 应答转接…`;
      els.transferPending.dataset.status = t.status;
      els.transferCancel.disabled = t.status === 'asking' || s.inflight.has('transfer-cancel');
    }
    // The platform takes one third party at a time: invite again once the seat is free.
    const seatTaken = s.participants.length > 0;
    addPicker.setDisabled(seatTaken);
    els.addAsk.disabled = seatTaken || Boolean(t) || !addPicker.value() || s.inflight.has('add');
    renderParticipants(s);
  }

  store.subscribe(render);
}
