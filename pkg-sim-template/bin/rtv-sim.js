#!/usr/bin/env node
// `npx rtv-sim [--demo] [rtv-sim flags]`: runs the platform simulator of
// snk-rt-video-pc (push channel, video and dispatch services on 127.0.0.1:8686,
// fake EXE on 127.0.0.1:18686 — the SDK's `profile: 'dev'`) until Ctrl-C or
// SIGTERM. `--demo` adds scripted customers and prints the demo console's
// addresses; every other flag goes to rtv-sim as it is (`--help` lists them).

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { binaryPath, demoDir } from '../lib/binary.js';

const READY = /rtv-sim listening on (http:\/\/\S+?)\/? exe (ws:\/\/\S+)/;

function has(args, flag) {
  return args.some((a) => a === flag || a.startsWith(`${flag}=`));
}

/** The directory of snk-rt-video-pc installed next to the caller, if any (served at /pkg/). */
function sdkDir() {
  try {
    const req = createRequire(path.join(process.cwd(), 'noop.js'));
    return path.dirname(req.resolve('snk-rt-video-pc/package.json'));
  } catch {
    return null;
  }
}

function hints(base, exeUrl, demo) {
  const tab = (a) => `${base}/?account=${a}&systemCode=DEMO&autologin=1`;
  const dev = base === 'http://127.0.0.1:8686' && exeUrl === 'ws://127.0.0.1:18686/rtv';
  const lines = [
    dev
      ? "  new RtVideo({ systemCode, account, profile: 'dev' }, observer)  // 指向本模拟器 / points at this simulator"
      : `  new RtVideo({ systemCode, account, sseServerUrl: '${base}/push-client/', videoServiceUrl: '${base}/rtv/', stateServiceUrl: '${base}/dispatch/', exeUrl: '${exeUrl}' }, observer)`,
    `  控制 API / control API: ${base}/sim/  (GET ${base}/sim/version; SIM-API.md)`,
    `  演示控制台 / demo console: ${tab('agent1')}`,
  ];
  if (demo) lines.push(`                            ${tab('agent2')}`, '  模拟客户每 15 秒来电 / scripted customers call every 15 s');
  lines.push('  按 Ctrl-C 停止 / Ctrl-C stops');
  return `${lines.join('\n')}\n`;
}

function main() {
  let args = process.argv.slice(2);
  const demo = args.includes('--demo');
  args = args.filter((a) => a !== '--demo');
  let bin;
  try {
    bin = binaryPath();
  } catch (e) {
    console.error(`rtv-sim: ${e.message}`);
    process.exit(1);
  }
  const info = has(args, '--help') || has(args, '-h') || has(args, '--version') || has(args, '-V');
  if (!info) {
    if (!has(args, '--www')) args.push('--www', demoDir());
    const sdk = sdkDir();
    if (sdk && !has(args, '--pkg')) args.push('--pkg', sdk);
    if (demo && !has(args, '--call-every')) args.push('--call-every', '15');
    if (demo && !has(args, '--customers')) args.push('--customers', '2');
  }
  if (has(args, '--help') || has(args, '-h')) {
    console.log('npx rtv-sim [--demo] [flags]   (--demo: scripted customers call every 15 s)\n');
  }

  const child = spawn(bin, args, { stdio: ['inherit', 'pipe', 'inherit'] });
  let seen = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (seen === null) return;
    seen += chunk.toString('utf8');
    const m = READY.exec(seen);
    if (m) {
      seen = null;
      process.stdout.write(hints(m[1], m[2], demo));
    }
  });
  child.on('error', (e) => {
    console.error(`rtv-sim: cannot run ${bin}: ${e.message}`);
    process.exit(1);
  });
  // Ctrl-C reaches the whole process group; SIGTERM (a CI job, `kill`) only
  // us: pass both on and leave when rtv-sim has shut down.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig === 'SIGHUP' ? 'SIGTERM' : sig);
    });
  }
  // `npx` passes Ctrl-C on (the terminal signals the whole group) but not a
  // SIGTERM sent to it alone: it exits and leaves us running. When our parent
  // goes away, stop rtv-sim as if we had been told to.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }, 500);
  orphaned.unref();
  child.on('exit', (code, signal) => {
    if (signal) process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[signal] || 1));
    process.exit(code ?? 1);
  });
}

main();
