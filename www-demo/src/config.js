// Log-in values: defaults, then the last values used (localStorage), then the
// page's query string (`?account=a1&systemCode=X&autologin=1`), which wins.

const STORAGE_KEY = 'rtv-demo.login.v1';

/** Text fields of the form, in SDK option names. */
export const TEXT_FIELDS = [
  'account',
  'systemCode',
  'profile',
  'sseServerUrl',
  'videoServiceUrl',
  'stateServiceUrl',
  'exeUrl',
  'logLevel',
  'token',
];
/** Numeric SDK options accepted from the query string only (tests, diagnosis). */
export const NUMBER_FIELDS = ['httpTimeout', 'exeTimeout', 'gracePeriod'];
/** The token is a credential: it is never written to localStorage. */
const NOT_STORED = new Set(['token']);

const DEFAULTS = { profile: 'dev', logLevel: 'warn' };

function readStored() {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch (_) {
    return {};
  }
}

/** `{ values, autologin }` for the form. */
export function initialValues(search = location.search) {
  const query = new URLSearchParams(search);
  const values = Object.assign({}, DEFAULTS);
  const stored = readStored();
  for (const f of TEXT_FIELDS) if (typeof stored[f] === 'string' && !NOT_STORED.has(f)) values[f] = stored[f];
  for (const f of [...TEXT_FIELDS, ...NUMBER_FIELDS]) if (query.has(f)) values[f] = query.get(f);
  const auto = query.get('autologin');
  return { values, autologin: auto === '1' || auto === 'true' };
}

/** Remembers the form (not the token) for the next visit. */
export function saveValues(values) {
  const keep = {};
  for (const f of TEXT_FIELDS) if (!NOT_STORED.has(f) && typeof values[f] === 'string') keep[f] = values[f];
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(keep));
  } catch (_) {
    // Private mode or storage full: the form simply starts empty next time.
  }
}

/**
 * The options object for `new RtVideo(...)`. Empty fields are left out so the
 * SDK applies its defaults; its own validation names any bad field.
 */
export function toOptions(values) {
  const opts = { systemCode: (values.systemCode || '').trim(), account: (values.account || '').trim() };
  for (const f of TEXT_FIELDS) {
    if (f === 'account' || f === 'systemCode') continue;
    const v = typeof values[f] === 'string' ? values[f].trim() : '';
    if (v !== '') opts[f] = v;
  }
  for (const f of NUMBER_FIELDS) {
    if (values[f] === undefined || values[f] === '') continue;
    const n = Number(values[f]);
    opts[f] = Number.isFinite(n) ? n : values[f];
  }
  return opts;
}
