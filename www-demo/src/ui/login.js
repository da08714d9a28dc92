// The log-in form: filled from config.js, submits the values to main.js.

import { byTestId, show } from './dom.js';
import { TEXT_FIELDS } from '../config.js';

const ADVANCED = ['sseServerUrl', 'videoServiceUrl', 'stateServiceUrl', 'exeUrl', 'token'];

export function mountLogin(store, { values, onSubmit }) {
  const view = document.getElementById('login-view');
  const form = document.getElementById('login-form');
  const submit = byTestId('login-submit', form);
  const errorLine = byTestId('login-error', form);
  const version = byTestId('sdk-version', form);
  const extra = {}; // query-only values (timeouts) travel with the form's values

  for (const [name, value] of Object.entries(values)) {
    const input = form.elements.namedItem(name);
    if (input) input.value = value;
    else extra[name] = value;
  }
  // Open "advanced" when it holds something the user set, so nothing is hidden.
  if (ADVANCED.some((f) => values[f])) document.getElementById('login-advanced').open = true;

  function read() {
    const out = Object.assign({}, extra);
    for (const f of TEXT_FIELDS) {
      const input = form.elements.namedItem(f);
      if (input) out[f] = input.value;
    }
    return out;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = read();
    const missing = !v.account.trim() ? 'account' : !v.systemCode.trim() ? 'systemCode' : '';
    if (missing) {
      store.update((s) => (s.loginError = missing === 'account' ? '请填写坐席账号 (account)' : '请填写系统编码 (systemCode)'));
      form.elements.namedItem(missing).focus();
      return;
    }
    onSubmit(v);
  });

  store.subscribe((s) => {
    show(view, s.phase !== 'online');
    const starting = s.phase === 'starting';
    submit.disabled = starting;
    submit.firstChild.textContent = starting ? '正在连接…' : '登录';
    errorLine.textContent = s.loginError;
    show(errorLine, Boolean(s.loginError));
    version.textContent = s.sdkVersion ? `SDK ${s.sdkVersion}` : '';
  });

  return { submit: () => form.requestSubmit() };
}
