// Colleague picker for transfer and add-person: a <select> of the other
// agents the simulator knows, or a free-text account field when that list is
// not available (a real platform has no such endpoint).

import { h } from './dom.js';
import { stateLabel } from '../labels.js';

function agentLabel(agent) {
  if (agent.presence === 'offline') return `${agent.account} · 离线`;
  const [zh] = stateLabel(agent.state || '');
  return `${agent.account} · ${zh || '?'}`;
}

function isAvailable(agent) {
  return agent.state === 'ready';
}

export class Picker {
  /** `slot`: container element; `testid`: of the select/input; `onChange()` after any edit. */
  constructor(slot, testid, onChange) {
    this.slot = slot;
    this.testid = testid;
    this.onChange = onChange;
    this.mode = null; // 'select' | 'input'
    this.el = null;
    this.signature = '';
    this.useInput();
  }

  /** The chosen account ('' when none). */
  value() {
    return this.el ? this.el.value.trim() : '';
  }

  setDisabled(disabled) {
    if (this.el.disabled !== disabled) this.el.disabled = disabled;
  }

  /** Clears the choice (after a successful ask). */
  clear() {
    if (this.mode === 'input') this.el.value = '';
    this.onChange();
  }

  /** `agents`: array from /sim/agents (null = not available); `self`: own account. */
  setAgents(agents, self) {
    if (!Array.isArray(agents)) {
      if (this.mode !== 'input') this.useInput();
      return;
    }
    const others = agents.filter((a) => a.account !== self);
    const signature = JSON.stringify(others.map((a) => [a.account, a.state, a.presence]));
    if (this.mode === 'select' && signature === this.signature) return;
    this.signature = signature;
    const previous = this.value();
    if (this.mode !== 'select') this.useSelect();
    const options = [h('option', { value: '', text: others.length ? '选择同事…' : '没有其他在线坐席' })];
    for (const a of others) options.push(h('option', { value: a.account, text: agentLabel(a), dataset: { state: a.state || '' } }));
    if (previous && !others.some((a) => a.account === previous)) options.push(h('option', { value: previous, text: `${previous} · 离线` }));
    this.el.replaceChildren(...options);
    const firstFree = others.find(isAvailable);
    this.el.value = previous || (firstFree ? firstFree.account : '');
    this.onChange();
  }

  useSelect() {
    this.mode = 'select';
    this.el = h('select', { class: 'picker', testid: this.testid, attrs: { 'aria-label': '选择同事 colleague' }, on: { change: () => this.onChange() } });
    this.slot.replaceChildren(this.el);
  }

  useInput() {
    const previous = this.el ? this.el.value : '';
    this.mode = 'input';
    this.signature = '';
    this.el = h('input', {
      class: 'picker',
      testid: this.testid,
      value: previous,
      placeholder: '同事账号 colleague account',
      attrs: { 'aria-label': '同事账号 colleague account', autocomplete: 'off' },
      on: { input: () => this.onChange() },
    });
    this.slot.replaceChildren(this.el);
  }
}
