// Breaks each rule of the tab layer once on purpose and runs the shell's
// unit tests: every break must fail at least one test (docs/DECISIONS.md D94).
// The template files are restored after each run.
//
//   node tests/shell/breaks.mjs [B1 B7 ...]

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TESTS = ['election', 'tab-group', 'tab-calls', 'lifecycle'].map((f) => path.join('tests', 'shell', `${f}.test.mjs`));

// [name, pkg-template file, the rule's text, the break]
const BREAKS = [
  ["B1 older-stays rule reversed", 'election.js', "return born < me.born || (born === me.born && from < me.id);", "return born > me.born || (born === me.born && from > me.id);"],
  ["B2 a silent leader is never given up", 'election.js', "} else if (this.leader && now - this.heard < TAB_SILENT_MS) {", "} else if (this.leader) {"],
  ["B3 a claim leads without waiting for answers", 'election.js', "env.post({ t: 'claim', from: env.id, born: env.born });\n      this.tick(TAB_CLAIM_MS);", "env.post({ t: 'claim', from: env.id, born: env.born });\n      this.tick(1);"],
  ["B4 a leader does not answer claims", 'election.js', "if (this.leading) env.post({ t: 'leader', from: env.id, born: env.born });", ";"],
  ["B5 a returning leader's beat is ignored by the other leader", 'election.js', "if (!tabOutranks(m.born, m.from, env)) return;\n          this.yieldTo();", "return;"],
  ["B6 a lock granted after stop() is kept", 'election.js', "if (!this.live || this.abort !== request) {", "if (false) {"],
  ["B7 stop() keeps the lock", 'election.js', "    if (this.release) this.release();\n    this.release = null;\n    if (this.abort)", "    if (this.abort)"],
  ["B8 sent calls are sent again to the new leader", 'tab-calls.js', "    this.fail('DISCONNECTED', TAB_UNKNOWN, true);\n    var self = this;", "    var self = this;\n    Object.keys(this.calls).forEach(function (n) { self.calls[n].sent = false; });"],
  ["B9 unsent calls are dropped when this tab leads", 'tab-calls.js', "    var rest = this.calls;\n    this.calls = {};", "    var rest = {};"],
  ["B10 a call's failure goes to every tab (issue 19 undone)", 'tabs.js', "self._post({ t: 'err', to: id, err: tabPlain(err) });", "self._post({ t: 'err', err: tabPlain(err) });"],
  ["B11 one error for a tab's two calls reaches it twice", 'tab-calls.js', "else if (tabs.indexOf(o) < 0) tabs.push(o);", "else tabs.push(o);"],
  ["B12 the leader's page gets its followers' call errors", 'tabs.js', "if (to.here) self._view.error(err);", "self._view.error(err);"],
  ["B13 a fresh pageshow counts as a return", 'lifecycle.js', "!(!ev || ev.type === 'resume' || ev.persisted)", "false"],
  ["B14 freeze after pagehide hides twice", 'lifecycle.js', "      if (self.hidden) return;\n      self.hidden = true;", "      self.hidden = true;"],
  ["B15 the last tab's pagehide does not go offline", 'tabs.js', "this._endReal(this._alone());\n      // Back", "this._endReal(false);\n      // Back"],
];

const only = process.argv.slice(2);
let missed = 0;
for (const [name, file, rule, broken] of BREAKS) {
  if (only.length && !only.includes(name.split(' ')[0])) continue;
  const at = path.join(ROOT, 'pkg-template', file);
  const text = readFileSync(at, 'utf8');
  if (!text.includes(rule)) throw new Error(`${name}: the rule's text is no longer in pkg-template/${file}`);
  writeFileSync(at, text.replace(rule, broken));
  let out;
  try {
    out = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...TESTS], { cwd: ROOT, encoding: 'utf8' }).stdout;
  } finally {
    writeFileSync(at, text);
  }
  const failed = [...out.matchAll(/^not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  console.log(`${name}: ${failed.length} failed`);
  for (const f of failed) console.log(`   - ${f}`);
  if (failed.length === 0) missed += 1;
}
if (missed) {
  console.error(`${missed} break(s) failed no test`);
  process.exit(1);
}
