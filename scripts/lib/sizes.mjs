// Size report of the package: raw and gzip -9 bytes of every shipped .wasm
// and JS file, printed by the build and by `npm run size`, kept in pkg/SIZES.txt.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The files worth watching, relative to pkg/. */
export const SIZED_FILES = [
  'snk_rt_video_pc_bg.wasm',
  'snk_rt_video_pc.js',
  'index.js',
  'consts.js',
  'support.js',
  'logs.js',
  'tabs.js',
  'preflight.js',
  'dist/snk_rt_video_pc_bg.wasm',
  'dist/snk-rt-video-pc.js',
  'dist/snk-rt-video-pc.sdk.js',
];

function kb(n) {
  return `${(n / 1024).toFixed(1)} KiB`;
}

/** The report text for the package in `pkgDir`; throws when a file is missing. */
export function sizeReport(pkgDir) {
  const rows = SIZED_FILES.map((rel) => {
    const file = path.join(pkgDir, rel);
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
    const bytes = readFileSync(file);
    return { rel, raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  });
  const total = (pick) => rows.filter(pick).reduce((a, r) => ({ raw: a.raw + r.raw, gz: a.gz + r.gz }), { raw: 0, gz: 0 });
  const bundler = total((r) => !r.rel.startsWith('dist/'));
  const dist = total((r) => r.rel.startsWith('dist/'));
  const width = Math.max(...SIZED_FILES.map((f) => f.length), 'total script-tag (dist/)'.length);
  const line = (name, raw, gz) => `${name.padEnd(width)}  ${String(raw).padStart(8)} B  ${kb(raw).padStart(10)}  ${String(gz).padStart(8)} B gzip -9  ${kb(gz).padStart(10)}`;
  return [
    `${'file (pkg/)'.padEnd(width)}  ${'raw'.padStart(21)}  ${'gzip -9'.padStart(30)}`,
    ...rows.map((r) => line(r.rel, r.raw, r.gz)),
    line('total npm (pkg/)', bundler.raw, bundler.gz),
    line('total script-tag (dist/)', dist.raw, dist.gz),
  ].join('\n');
}

/** Prints the report and writes it to pkg/SIZES.txt. */
export function writeSizes(pkgDir) {
  const text = sizeReport(pkgDir);
  writeFileSync(path.join(pkgDir, 'SIZES.txt'), `${text}\n`);
  console.log(text);
  return text;
}
