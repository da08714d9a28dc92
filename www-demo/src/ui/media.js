// Recordings (VIDEOTAPE links) and the image gallery (IMAGE urls and SNAPSHOT
// thumbnails), plus a lightbox to look at a snapshot full size.

import { byTestId, h, show, clock, fileName, safeUrl, setChildren } from './dom.js';

const SNAP_LABELS = { player: ['客户画面', 'player'], pusher: ['本端画面', 'pusher'] };

function mountLightbox() {
  const box = byTestId('lightbox');
  const img = byTestId('lightbox-img', box);
  const caption = byTestId('lightbox-caption', box);
  const close = () => show(box, false);
  box.addEventListener('click', close);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') close();
  });
  return (src, text) => {
    img.src = src;
    caption.textContent = text;
    show(box, true);
  };
}

function recordingItem(rec) {
  const url = safeUrl(rec.url);
  const link = url
    ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', testid: 'recording-link', text: fileName(url) })
    : h('span', { class: 'bad-url', testid: 'recording-link', text: String(rec.url) });
  return h('li', { class: 'recording' }, [
    h('span', { class: 'file-icon', text: 'REC', attrs: { 'aria-hidden': 'true' } }),
    h('div', { class: 'recording-text' }, [link, h('small', { text: `${clock(new Date(rec.at))} · sid ${rec.sid || '—'}` })]),
  ]);
}

function snapshotItem(snap, openLightbox) {
  const [zh, en] = SNAP_LABELS[snap.type] || [snap.type, ''];
  const src = safeUrl(snap.base64, { allowDataImage: true });
  const caption = `截图 · ${zh} · ${clock(new Date(snap.at))}`;
  const img = h('img', { src: src || '', alt: caption, testid: 'snapshot-img', dataset: { type: snap.type }, loading: 'lazy' });
  return h('li', { class: 'thumb thumb-snapshot' }, [
    h('button', { type: 'button', class: 'thumb-button', title: '查看大图 view', on: { click: () => src && openLightbox(src, caption) } }, [img]),
    h('span', { class: 'thumb-caption' }, [h('span', { class: 'thumb-label', text: `截图 · ${zh}`, title: en }), h('small', { text: clock(new Date(snap.at)) })]),
  ]);
}

function imageItem(image) {
  const url = safeUrl(image.url);
  const img = h('img', { src: url || '', alt: fileName(image.url), loading: 'lazy' });
  const tile = h('span', { class: 'thumb-fallback', text: 'IMG', attrs: { 'aria-hidden': 'true' } });
  // An image the browser cannot load still gets a tidy tile and its link.
  img.addEventListener('error', () => img.replaceWith(tile));
  const link = h('a', { class: 'thumb-button', href: url || '#', target: '_blank', rel: 'noopener noreferrer', testid: 'image-link', title: image.url }, [url ? img : tile]);
  return h('li', { class: 'thumb thumb-image' }, [
    link,
    h('span', { class: 'thumb-caption' }, [h('span', { class: 'thumb-label', text: `图片 · ${fileName(image.url)}`, title: image.url }), h('small', { text: clock(new Date(image.at)) })]),
  ]);
}

export function mountMedia(store) {
  const recordings = byTestId('recordings');
  const recordingsEmpty = byTestId('recordings-empty');
  const images = byTestId('images');
  const imagesEmpty = byTestId('images-empty');
  const openLightbox = mountLightbox();
  let shown = { recordings: null, images: null, snapshots: null };

  store.subscribe((s) => {
    if (shown.recordings !== s.recordings.length) {
      setChildren(recordings, s.recordings.map(recordingItem));
      show(recordingsEmpty, s.recordings.length === 0);
    }
    if (shown.images !== s.images.length || shown.snapshots !== s.snapshots.length) {
      const items = [
        ...s.snapshots.map((x) => ({ at: x.at, el: () => snapshotItem(x, openLightbox) })),
        ...s.images.map((x) => ({ at: x.at, el: () => imageItem(x) })),
      ].sort((a, b) => b.at - a.at);
      setChildren(images, items.map((x) => x.el()));
      show(imagesEmpty, items.length === 0);
    }
    shown = { recordings: s.recordings.length, images: s.images.length, snapshots: s.snapshots.length };
  });
}
