// Agent console entry point: wires the log-in form, the SDK session and the
// UI modules together. State lives in store.js; SDK callbacks are mapped in
// events.js; buttons call actions.js.

import { createStore } from './store.js';
import { initialValues, saveValues, toOptions } from './config.js';
import { loadSdk, Session } from './session.js';
import { createEventHandlers } from './events.js';
import { createActions, reportFailure } from './actions.js';
import { fetchAgents } from './sim.js';
import { mountToasts, toast } from './ui/toast.js';
import { mountEventLog, logEntry, redact } from './ui/eventlog.js';
import { mountLogin } from './ui/login.js';
import { mountTopbar } from './ui/topbar.js';
import { mountRingCard } from './ui/ringcard.js';
import { mountCallPanel } from './ui/callpanel.js';
import { mountMedia } from './ui/media.js';
import { show } from './ui/dom.js';

const AGENTS_POLL_MS = 4000;

const store = createStore();
let session = null;
let agentsTimer = null;

const actions = createActions(store, () => session);
const handlers = createEventHandlers(store, { onComplete: ended });

// ---- colleagues (simulator only) ------------------------------------------

function refreshAgents() {
  return fetchAgents()
    .then((agents) => store.update((s) => (s.sim = { available: true, agents, error: '' })))
    .catch((e) => {
      store.update((s) => {
        // Once the simulator answered, a missed poll keeps the last list.
        if (!s.sim.available) s.sim = { available: false, agents: null, error: e.message };
      });
      if (!store.state.sim.available) stopAgentsPolling();
    });
}

function startAgentsPolling() {
  stopAgentsPolling();
  refreshAgents();
  agentsTimer = setInterval(refreshAgents, AGENTS_POLL_MS);
}

function stopAgentsPolling() {
  if (agentsTimer) clearInterval(agentsTimer);
  agentsTimer = null;
}

// ---- log-in / log-out -----------------------------------------------------

async function login(values) {
  if (session || store.state.phase === 'starting') return;
  saveValues(values);
  const options = toOptions(values);
  store.update((s) => {
    s.phase = 'starting';
    s.loginError = '';
    s.account = options.account;
    s.systemCode = options.systemCode;
  });
  let RtVideo;
  try {
    RtVideo = await loadSdk();
  } catch (e) {
    logEntry('error', 'SDK_LOAD', { msg: String(e && e.message ? e.message : e) });
    store.update((s) => {
      s.phase = 'login';
      s.loginError = `SDK 加载失败: ${e && e.message ? e.message : e}`;
    });
    return;
  }
  try {
    session = new Session(RtVideo, options, handlers);
  } catch (e) {
    // Invalid options: the SDK's message names the field.
    const msg = (e && (e.message || e.msg)) || String(e);
    logEntry('error', 'CONFIG', { msg });
    store.update((s) => {
      s.phase = 'login';
      s.loginError = msg;
    });
    return;
  }
  logEntry('info', 'LOGIN', redact(options));
  store.update((s) => {
    s.phase = 'online';
    s.state = session.state();
    s.sdkVersion = session.version;
  });
  startAgentsPolling();
}

function logout() {
  const s = session;
  if (!s || store.state.inflight.has('logout')) return;
  store.update((st) => st.inflight.add('logout'));
  logEntry('cmd', 'destroy →', undefined);
  s.destroy()
    .catch((e) => reportFailure('退出', 'destroy', e))
    .finally(() => {
      // complete() normally got here first; make sure the form comes back.
      if (session === s) ended();
    });
}

/** The instance ended (destroy, or rejected credentials): back to the form. */
function ended() {
  const wasOnline = session !== null;
  session = null;
  stopAgentsPolling();
  const { account, systemCode, sdkVersion, loginError } = store.state;
  store.reset({ account, systemCode, sdkVersion, loginError });
  if (wasOnline && !loginError) toast('info', '已退出登录', account);
}

// ---- start-up -------------------------------------------------------------

function boot() {
  mountToasts(document.getElementById('toasts'));
  mountEventLog(document);
  const { values, autologin } = initialValues();
  const form = mountLogin(store, { values, onSubmit: login });
  mountTopbar(store, actions, { onLogout: logout });
  mountRingCard(store, actions);
  mountCallPanel(store, actions);
  mountMedia(store);
  const consoleView = document.getElementById('console-view');
  let lastKey = '';
  store.subscribe((s) => {
    show(consoleView, s.phase === 'online');
    // A call started, or an ask to a colleague moved on: refresh the
    // colleagues now, so the transfer and invite pickers show who is free at
    // this moment (not up to 4 s ago).
    const t = s.transfer ? `${s.transfer.newer}:${s.transfer.status}` : '';
    const key = [s.state, t, ...s.participants.map((p) => `${p.newer}:${p.status}`)].join('|');
    if (key !== lastKey && s.state === 'busy' && agentsTimer) refreshAgents();
    lastKey = key;
  });
  // Start fetching the SDK (JS glue + wasm) while the user types.
  loadSdk()
    .then((RtVideo) => store.update((s) => (s.sdkVersion = RtVideo.version || '')))
    .catch(() => {});
  if (autologin) form.submit();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
