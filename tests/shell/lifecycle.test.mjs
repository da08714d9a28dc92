// The page lifecycle of a tab (pkg-template/lifecycle.js) on a stand-in
// window and document: which page events hide and show the page, once each.
//
//   node --test tests/shell/lifecycle.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, page, pageshow } from './support/world.mjs';

const { PageLifecycle } = load(['lifecycle.js'], ['PageLifecycle']);

function watch() {
  const p = page();
  const seen = [];
  const life = new PageLifecycle(p.win, p.doc, { hide: () => seen.push('hide'), show: () => seen.push('show') });
  const fire = (target, ev) => (target === 'win' ? p.win : p.doc).dispatchEvent(typeof ev === 'string' ? new Event(ev) : ev);
  return { life, seen, fire };
}

test('pagehide hides; a persisted pageshow (back/forward cache) shows again', () => {
  const { seen, fire } = watch();
  fire('win', 'pagehide');
  fire('win', pageshow(true));
  assert.deepEqual(seen, ['hide', 'show']);
});

test('freeze and pagehide together hide once; resume and pageshow together show once', () => {
  const { seen, fire } = watch();
  fire('doc', 'freeze');
  fire('win', 'pagehide');
  fire('doc', 'resume');
  fire('win', pageshow(true));
  assert.deepEqual(seen, ['hide', 'show']);
});

test('a pageshow that is not from the cache, or one while shown, changes nothing', () => {
  const { seen, fire } = watch();
  fire('win', pageshow(true)); // the first load's (shown already)
  fire('win', 'pagehide');
  fire('win', pageshow(false));
  assert.deepEqual(seen, ['hide']);
  fire('doc', 'resume');
  assert.deepEqual(seen, ['hide', 'show']);
});

test('hidden and shown again, several times', () => {
  const { seen, fire } = watch();
  for (let i = 0; i < 3; i++) {
    fire('doc', 'freeze');
    fire('doc', 'resume');
  }
  assert.deepEqual(seen, ['hide', 'show', 'hide', 'show', 'hide', 'show']);
});

test('stop() removes every listener', () => {
  const { life, seen, fire } = watch();
  life.stop();
  fire('win', 'pagehide');
  fire('doc', 'freeze');
  fire('doc', 'resume');
  fire('win', pageshow(true));
  assert.deepEqual(seen, []);
});
