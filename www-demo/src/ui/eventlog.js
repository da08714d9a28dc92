// The live event log: newest first, one line per event, error entries red.
// Secrets never reach the screen: `token` members are masked and the token
// value is cut out of any string (it also travels in the push channel URL).

import { h, clockMs, byTestId } from './dom.js';

const MAX_ENTRIES = 400;
const MAX_STRING = 160;
const MAX_DATA_URL = 48; // a snapshot is ~100 KB of base64: its start is enough

let list = null;
let secrets = [];

export function mountEventLog(root) {
  list = byTestId('event-log', root);
  byTestId('log-clear', root).addEventListener('click', () => list.replaceChildren());
}

/** Values to cut out of every logged payload (the current token). */
export function setSecrets(values) {
  secrets = values.filter((v) => typeof v === 'string' && v.length > 0);
}

/** Returns a copy of `value` safe to show: token masked, long strings shortened. */
export function redact(value, depth = 0) {
  if (typeof value === 'string') {
    let s = value;
    for (const secret of secrets) s = s.split(secret).join('***');
    const max = s.startsWith('data:') ? MAX_DATA_URL : MAX_STRING;
    return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
  }
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = /^(token|authorization|password)$/i.test(k) ? '***' : redact(v, depth + 1);
  }
  return out;
}

function compactJson(value) {
  if (value === undefined) return '';
  try {
    return JSON.stringify(redact(value));
  } catch (_) {
    return String(value);
  }
}

/**
 * Adds an entry. `kind`: event | error | cmd | info. `type` is the event type
 * or a short label; `payload` any JSON-able value.
 */
export function logEntry(kind, type, payload) {
  if (!list) return;
  const el = h('li', { class: `log-entry log-${kind}`, testid: 'log-entry', dataset: { kind, type } }, [
    h('time', { class: 'log-time', text: clockMs() }),
    h('span', { class: 'log-type', text: type }),
    h('code', { class: 'log-data', text: compactJson(payload) }),
  ]);
  list.prepend(el);
  while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
}
