// The bundlers of the consumer tests (tests/consumers/), at pinned versions,
// each installed once from the npm registry into its own directory under
// .tools/consumers/<name>/ (gitignored), so a repeat run installs nothing and
// needs no network. A stamp file records what was installed; a changed pin
// installs that tool again.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, run } from '../../scripts/lib/proc.mjs';

export const TOOLS_DIR = path.join(ROOT, '.tools', 'consumers');

/** What each consumer app installs next to the SDK, exactly these versions. */
export const TOOLS = {
  vite: { vite: '8.4.0' },
  webpack: { webpack: '5.113.0', 'webpack-cli': '7.3.1', 'html-webpack-plugin': '5.6.8' },
  rsbuild: { '@rsbuild/core': '2.3.2' },
  parcel: { parcel: '2.16.4' },
  esbuild: { esbuild: '0.28.2' },
};

const STAMP = '.installed.json';

/** The directory of tool `name`; installs it first when missing or at another version. */
export async function ensureTool(name, log = () => {}) {
  const deps = TOOLS[name];
  if (!deps) throw new Error(`no consumer tool ${name}`);
  const dir = path.join(TOOLS_DIR, name);
  const stamp = path.join(dir, STAMP);
  const want = JSON.stringify(deps);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return dir;
  log(`installing ${Object.entries(deps).map(([k, v]) => `${k}@${v}`).join(' ')} into ${path.relative(ROOT, dir)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: `rtv-consumer-${name}`, private: true, devDependencies: deps }, null, 2)}\n`,
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
  writeFileSync(stamp, want);
  return dir;
}
