// The console's state in one object. UI modules subscribe and re-render from
// it; SDK events and command results change it through `update`.

/** A fresh state (also used on log-out). */
export function initialState() {
  return {
    /** 'login' (form shown), 'starting' (SDK loading/constructing), 'online'. */
    phase: 'login',
    account: '',
    systemCode: '',
    sdkVersion: '',
    /** The agent state reported by the SDK (SPEC §3). */
    state: 'disconnected',
    /** EXE link as last reported by EXE_EVENT: 'unknown' | 'up' | 'down'. */
    exeLink: 'unknown',
    /** Ringing: { kind: 'call'|'transfer'|'add', sid, msgType, from, customer, extra, at }. */
    ring: null,
    /** Current call: { sid, role: 'owner'|'participant', customer, startedAt, recovered, from }. */
    call: null,
    /** Transfer asked by this agent: { newer, status: 'asking'|'pending' }. */
    transfer: null,
    /** Third parties invited by this agent: [{ newer, status: 'asking'|'pending'|'joined' }]. */
    participants: [],
    /** Media received: { sid, url, at } and snapshots { type, base64, at }. */
    recordings: [],
    images: [],
    snapshots: [],
    /** Keys of commands in flight (their buttons are disabled). */
    inflight: new Set(),
    /** Simulator helpers: available once GET /sim/agents answered. */
    sim: { available: false, agents: null, error: '' },
    /** Shown on the login form (bad options, rejected credentials). */
    loginError: '',
  };
}

export function createStore() {
  const listeners = [];
  const store = {
    state: initialState(),
    /** Runs `change(state)` (which mutates) and re-renders once. */
    update(change) {
      change(store.state);
      notify();
    },
    /** Back to the log-in form, keeping what the form should keep. */
    reset(keep = {}) {
      store.state = Object.assign(initialState(), keep);
      notify();
    },
    subscribe(fn) {
      listeners.push(fn);
      fn(store.state);
    },
  };
  let scheduled = false;
  function notify() {
    // Batch bursts of events (e.g. STATE_CHANGE + EXCHANGE_CALL) into one render.
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      for (const fn of listeners) {
        try {
          fn(store.state);
        } catch (e) {
          console.error('render failed', e);
        }
      }
    });
  }
  return store;
}
