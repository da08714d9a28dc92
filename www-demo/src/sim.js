// The platform simulator's helper endpoints, served next to this page in
// development: GET /sim/agents (the colleague picker) and POST /sim/call
// (make a scripted customer call this agent). Against a real platform these
// fail, and the console falls back to typing a colleague's account.

const TIMEOUT_MS = 5000;

async function request(path, init = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(path, Object.assign({ cache: 'no-store', signal: ctrl.signal }, init));
    const text = await res.text();
    let body = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (_) {
      // not JSON: keep the text for the message
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}${typeof body === 'string' && body ? `: ${body.slice(0, 120)}` : ''}`);
    return body;
  } finally {
    clearTimeout(timer);
  }
}

/** `[{account, presence, state, sid}]` of every agent the simulator knows. */
export async function fetchAgents() {
  const body = await request('/sim/agents');
  const list = Array.isArray(body) ? body : body && Array.isArray(body.data) ? body.data : null;
  if (!list) throw new Error('unexpected /sim/agents answer');
  return list.filter((a) => a && typeof a.account === 'string');
}

/** Asks the simulator to place a customer call to `account`. */
export function simulateCall(account) {
  return request('/sim/call', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ account }),
  });
}
