// Size report of the package: raw and gzip -9 bytes of every shipped .wasm
// and JS file, printed by the build and by `npm run size`, kept in pkg/SIZES.txt.
// And the size budget: the two sizes a user downloads, checked against the
// limits in size-limits.json (`npm test` step `size`, `npm run size`).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './proc.mjs';

/** The limits file, at the repository root. */
export const LIMITS_FILE = path.join(ROOT, 'size-limits.json');

/** The files worth watching, relative to pkg/. */
export const SIZED_FILES = [
  'snk_rt_video_pc_bg.wasm',
  'snk_rt_video_pc.js',
  'index.js',
  'consts.js',
  'support.js',
  'logs.js',
  'push-reader.js',
  'election.js',
  'tab-calls.js',
  'lifecycle.js',
  'tab-page.js',
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

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * The files the npm entry loads, relative to pkg/: index.js, every module it
 * imports (relative `from './x.js'`, followed), and every file they reference
 * with `new URL('x', import.meta.url)` or import as an asset (the .wasm).
 */
export function entryFiles(pkgDir, entry = 'index.js') {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    const file = path.join(pkgDir, rel);
    if (!existsSync(file)) throw new Error(`${file} is missing (referenced by the npm entry): run \`npm run build\` first`);
    seen.add(rel);
    if (!rel.endsWith('.js')) return;
    const text = readFileSync(file, 'utf8');
    const refs = [
      ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/^\s*import\s*['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g),
    ].map((m) => m[1]);
    for (const r of refs) visit(path.posix.normalize(path.posix.join(path.posix.dirname(rel), r)));
  };
  visit(entry);
  return [...seen].sort();
}

/**
 * What the budget measures, gzip -9 bytes (each file compressed alone, then
 * summed): the script-tag build, and the largest of the npm entries (each
 * file package.json `exports["."]` names, with what it loads).
 */
export function budgetSizes(pkgDir) {
  const sum = (rels) => rels.reduce((n, rel) => n + gz(path.join(pkgDir, rel)), 0);
  // Every file `exports["."]` can resolve to (but the types): the largest one counts.
  const pkgJson = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const dot = (pkgJson.exports && pkgJson.exports['.']) || {};
  const entries = [...new Set(Object.entries(dot).filter(([k]) => k !== 'types').map(([, v]) => v.replace(/^\.\//, '')))];
  if (entries.length === 0) entries.push('index.js');
  const npm = entries.map((e) => entryFiles(pkgDir, e)).sort((a, b) => sum(b) - sum(a))[0];
  const script = ['dist/snk-rt-video-pc.js', 'dist/snk-rt-video-pc.sdk.js', 'dist/snk_rt_video_pc_bg.wasm'];
  for (const rel of script) {
    if (!existsSync(path.join(pkgDir, rel))) throw new Error(`${path.join(pkgDir, rel)} is missing: run \`npm run build\` first`);
  }
  return {
    'script-tag': { bytes: sum(script), files: script },
    'npm-entry': { bytes: sum(npm), files: npm },
  };
}

/**
 * Checks pkg/ against size-limits.json: returns the report lines; throws one
 * error naming every size over its limit (and the file, size and limit).
 */
export function checkBudget(pkgDir, limitsFile = LIMITS_FILE) {
  const limits = JSON.parse(readFileSync(limitsFile, 'utf8')).limits;
  const sizes = budgetSizes(pkgDir);
  const rel = path.relative(ROOT, limitsFile) || limitsFile;
  const lines = [];
  const over = [];
  for (const [name, { bytes, files }] of Object.entries(sizes)) {
    const limit = limits[name] && limits[name].gzipBytes;
    if (!Number.isInteger(limit)) throw new Error(`${rel} has no limits["${name}"].gzipBytes`);
    const pct = ((100 * bytes) / limit).toFixed(1);
    lines.push(`${name.padEnd(10)} ${String(bytes).padStart(7)} B gzip -9 of ${String(limit).padStart(7)} B (${pct} %, ${limit - bytes} B left): ${files.join(' + ')}`);
    if (bytes > limit) over.push(`${name} is ${bytes} B gzip -9, over its limit of ${limit} B in ${rel} by ${bytes - limit} B`);
  }
  for (const name of Object.keys(limits)) {
    if (!sizes[name]) throw new Error(`${rel}: unknown size "${name}" (known: ${Object.keys(sizes).join(', ')})`);
  }
  if (over.length) {
    throw new Error(
      `size budget exceeded: ${over.join('; ')}. Make it smaller, or raise the limit in ${rel} ` +
        'in the same commit with a CHANGELOG.md line saying what the bytes buy (docs/DECISIONS.md D85).',
    );
  }
  return lines;
}
