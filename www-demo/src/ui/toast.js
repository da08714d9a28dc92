// Toast notifications (top right). The same failure often arrives twice — a
// rejected promise and the `error` callback — so identical toasts within a
// short window are merged into one.

import { h } from './dom.js';

const MAX_VISIBLE = 4;
const DEDUPE_MS = 2000;
const TTL = { info: 4000, success: 4000, warn: 7000, error: 8000, http: 10000 };

let container = null;
const recent = new Map(); // key -> { el, at }

export function mountToasts(el) {
  container = el;
}

/**
 * Shows a toast. `kind`: info | success | warn | error | http (a platform
 * business failure, shown larger). `title` is the main text, `detail` small.
 */
export function toast(kind, title, detail = '', { key } = {}) {
  if (!container) return;
  const dedupeKey = key || `${kind}|${title}|${detail}`;
  const now = Date.now();
  const prev = recent.get(dedupeKey);
  if (prev && now - prev.at < DEDUPE_MS && prev.el.isConnected) {
    prev.at = now;
    prev.el.dataset.count = String(Number(prev.el.dataset.count || 1) + 1);
    return prev.el;
  }
  const close = h('button', { class: 'toast-close', type: 'button', text: '×', title: '关闭 close', attrs: { 'aria-label': '关闭' } });
  const el = h('div', { class: `toast toast-${kind}`, testid: 'toast', dataset: { kind }, attrs: { role: kind === 'error' || kind === 'http' ? 'alert' : 'status' } }, [
    h('div', { class: 'toast-body' }, [h('div', { class: 'toast-title', text: title }), detail ? h('div', { class: 'toast-detail', text: detail }) : null]),
    close,
  ]);
  const dismiss = () => {
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 180);
  };
  close.addEventListener('click', dismiss);
  const timer = setTimeout(dismiss, TTL[kind] || 5000);
  el.addEventListener('mouseenter', () => clearTimeout(timer), { once: true });
  el.addEventListener('mouseleave', () => setTimeout(dismiss, 2000), { once: true });
  container.prepend(el);
  while (container.children.length > MAX_VISIBLE) container.lastElementChild.remove();
  recent.set(dedupeKey, { el, at: now });
  for (const [k, v] of recent) if (now - v.at > DEDUPE_MS) recent.delete(k);
  return el;
}

/** Toast for a failure `{code, msg}` (an `error` callback or a rejected command). */
export function toastError(err, context = '') {
  const code = err && err.code !== undefined ? String(err.code) : 'ERROR';
  const msg = (err && (err.msg || err.message)) || String(err);
  return toast('error', msg, context ? `${context} · ${code}` : code, { key: `error|${code}|${msg}` });
}
