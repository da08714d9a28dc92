// Header: who is logged in, the state badge, the EXE link, and the
// rest/back, simulate-call, reconnect, self-check and log-out buttons.

import { byTestId, bi, show, setChildren } from './dom.js';
import { stateLabel } from '../labels.js';

const EXE_LABELS = {
  unknown: ['视频客户端', 'EXE'],
  up: ['视频客户端已连接', 'EXE up'],
  down: ['视频客户端断开', 'EXE down'],
};

export function mountTopbar(store, actions, { onLogout }) {
  const bar = document.getElementById('agent-bar');
  const account = byTestId('agent-account', bar);
  const system = byTestId('agent-system', bar);
  const badge = byTestId('state-badge', bar);
  const exe = byTestId('exe-status', bar);
  const rest = byTestId('rest-toggle', bar);
  const simCall = byTestId('sim-call', bar);
  const reconnect = byTestId('reconnect', bar);
  const downloadLogs = byTestId('download-logs', bar);
  const logout = byTestId('logout', bar);
  const selfCheck = byTestId('self-check', bar);

  rest.addEventListener('click', () => actions.toggleRest());
  simCall.addEventListener('click', () => actions.simulateCall());
  reconnect.addEventListener('click', () => actions.reconnect());
  downloadLogs.addEventListener('click', () => actions.downloadLogs());
  logout.addEventListener('click', () => onLogout());

  let shown = { state: null, exe: null, rest: null };
  store.subscribe((s) => {
    show(bar, s.phase === 'online');
    account.textContent = s.account;
    system.textContent = s.systemCode;
    // The self-check page runs with this console's query (its platform and EXE).
    const q = new URLSearchParams(window.location.search);
    q.set('account', s.account || '');
    q.set('systemCode', s.systemCode || '');
    selfCheck.href = `selfcheck.html?${q}`;

    if (shown.state !== s.state) {
      const [zh, en] = stateLabel(s.state);
      badge.dataset.state = s.state;
      setChildren(badge, bi(zh, en));
      document.title = s.state === 'wait' ? '【振铃】视频坐席台' : `${zh} · 视频坐席台`;
    }
    if (shown.exe !== s.exeLink) {
      exe.dataset.link = s.exeLink;
      setChildren(exe, bi(...EXE_LABELS[s.exeLink]));
    }
    const restAction = s.state === 'leave' ? 'back' : 'rest';
    if (shown.rest !== restAction) {
      rest.dataset.action = restAction;
      setChildren(rest, restAction === 'back' ? bi('恢复接听', 'Back') : bi('小休', 'Rest'));
    }
    shown = { state: s.state, exe: s.exeLink, rest: restAction };
    rest.disabled = !(s.state === 'ready' || s.state === 'leave') || s.inflight.has('presence');
    show(simCall, s.sim.available);
    simCall.disabled = s.inflight.has('sim-call');
    reconnect.disabled = s.inflight.has('reconnect');
    logout.disabled = s.inflight.has('logout');
  });
}
