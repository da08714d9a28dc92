// Process helpers shared by the build, set-up, start and test scripts.
// Node builtins only: these run before `npm ci` has installed anything.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is scripts/lib/proc.mjs). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Binaries installed by `npm ci` (wasm-opt, tsc, webpack). */
export const NODE_BIN = path.join(ROOT, 'node_modules', '.bin');

/** Where `cargo install` puts wasm-bindgen; put on PATH in case the shell did not. */
export const CARGO_BIN = path.join(process.env.CARGO_HOME || path.join(homedir(), '.cargo'), 'bin');
if (!(process.env.PATH || '').split(path.delimiter).includes(CARGO_BIN)) {
  process.env.PATH = `${CARGO_BIN}${path.delimiter}${process.env.PATH || ''}`;
}

/** Prints a line prefixed with the script's tag, e.g. `[build] ...`. */
export function logger(tag) {
  return (...parts) => console.log(`[${tag}]`, ...parts);
}

/** A command line as a shell user would type it (for logs and errors). */
export function showCmd(cmd, args) {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/**
 * Runs a command with inherited stdio (or `opts.stdio`); resolves when it
 * exits with 0, rejects with an Error naming the command otherwise.
 */
export function run(cmd, args = [], opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
    child.on('error', (e) => reject(new Error(`${showCmd(cmd, args)}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${showCmd(cmd, args)} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}

/** Runs a command and returns its stdout; stderr goes to ours. Rejects on failure. */
export function capture(cmd, args = [], opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.on('error', (e) => reject(new Error(`${showCmd(cmd, args)}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      const out = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(out);
      else reject(new Error(`${showCmd(cmd, args)} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}

/** stdout of a quick command, or null when it is missing or fails. */
export function probe(cmd, args = []) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout : null;
}

/** Path of an npm-installed binary; throws a clear error when npm deps are missing. */
export function nodeBin(name) {
  const p = path.join(NODE_BIN, name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run setup\` (or \`npm ci\`) first`);
  return p;
}

/** Seconds with one decimal, for step timings. */
export function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** True when the module with this import.meta.url is the script node was started with. */
export function isMain(metaUrl) {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

/** Runs `main` as a script: prints the error (without a stack for expected failures) and exits 1. */
export function runMain(tag, main) {
  main().catch((e) => {
    console.error(`[${tag}] FAILED: ${e && e.message ? e.message : e}`);
    if (process.env.RTV_DEBUG && e && e.stack) console.error(e.stack);
    process.exit(1);
  });
}
