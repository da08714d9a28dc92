// Small DOM helpers: the console is plain DOM, no framework.

/** The element with `data-testid="id"` (or null). */
export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${id}"]`);
}

/**
 * Creates an element. `props`: `class`, `text`, `testid`, `dataset`, `attrs`,
 * `on` (event name -> handler), and any other key set as a property.
 */
export function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'testid') el.dataset.testid = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'attrs') for (const [a, v] of Object.entries(value)) el.setAttribute(a, v);
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else el[key] = value;
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A bilingual label: Chinese first, English in small text. */
export function bi(zh, en) {
  const frag = document.createDocumentFragment();
  frag.append(document.createTextNode(zh));
  if (en) frag.append(h('small', { class: 'en', text: en }));
  return frag;
}

/** Replaces an element's children. */
export function setChildren(el, children) {
  el.replaceChildren(...[].concat(children).filter((c) => c !== null && c !== undefined && c !== false));
}

/** Sets `hidden` only when it changes (keeps focus and transitions intact). */
export function show(el, visible) {
  if (el.hidden === visible) el.hidden = !visible;
}

/** `HH:MM:SS` of a Date. */
export function clock(date = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** `HH:MM:SS.mmm` of a Date. */
export function clockMs(date = new Date()) {
  return `${clock(date)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** `M:SS` or `H:MM:SS` for a duration in milliseconds. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const p = (n) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${p(m)}:${p(s)}` : `${m}:${p(s)}`;
}

/** The last path segment of a URL, for link captions. */
export function fileName(url) {
  try {
    const u = new URL(url, location.href);
    const last = u.pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : u.host;
  } catch (_) {
    return String(url);
  }
}

/** Only http(s) and data:image URLs may become links or image sources. */
export function safeUrl(url, { allowDataImage = false } = {}) {
  if (typeof url !== 'string') return null;
  if (allowDataImage && /^data:image\/[a-z0-9.+-]+;base64,/i.test(url)) return url;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch (_) {
    return null;
  }
}
