// Starts the platform simulator (target/<profile>/rtv-sim) and waits for its
// "rtv-sim listening on http://127.0.0.1:P exe ws://127.0.0.1:Q/rtv" line,
// for `npm start` (fixed ports) and `npm test` (port 0: any free port).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, showCmd } from './proc.mjs';

const READY = /rtv-sim listening on (http:\/\/\S+?)\/? exe (ws:\/\/\S+)/;
const START_TIMEOUT_MS = 30_000;

/** Path of the simulator binary built with `cargo build [--release] -p rtv-sim`. */
export function simBinary(profile = 'debug') {
  return path.join(ROOT, 'target', profile, process.platform === 'win32' ? 'rtv-sim.exe' : 'rtv-sim');
}

/**
 * Runs the simulator with `args`. Resolves with `{ base, exeUrl, child, stop }`
 * once it listens (`base` ends with `/`); rejects with its output when it exits
 * first (e.g. a port in use) or does not start within 30 s.
 * Its output is forwarded to ours unless `quiet`.
 */
export function startSim(args, { profile = 'debug', quiet = false } = {}) {
  const bin = simBinary(profile);
  if (!existsSync(bin)) {
    return Promise.reject(new Error(`${bin} is missing: cargo build${profile === 'release' ? ' --release' : ''} -p rtv-sim`));
  }
  const child = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let settled = false;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    const fail = (why) => {
      if (settled) return;
      settled = true;
      stop().finally(() => reject(new Error(`${showCmd(bin, args)}: ${why}\n${output.trim()}`)));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const onData = (stream) => (chunk) => {
      const text = chunk.toString('utf8');
      if (!quiet) stream.write(text);
      if (settled) return;
      output += text;
      const m = READY.exec(output);
      if (m) {
        settled = true;
        clearTimeout(timer);
        resolve({ base: `${m[1]}/`, exeUrl: m[2], child, stop, exited });
      }
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('error', (e) => fail(e.message));
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(`exited before listening (${signal ? `signal ${signal}` : `exit code ${code}`})`);
    });
  });
}
