// `npm start`: builds the SDK and the demo console, then runs the platform
// simulator on the ports the `dev` profile expects (HTTP 8686, fake EXE
// 18686) with scripted customers calling in. Ctrl-C stops it.
//
//   npm start                      customers call every 15 s, at most 2 at once
//   npm start -- --call-every 5    extra arguments go to rtv-sim (see rtv-sim --help)

import net from 'node:net';
import path from 'node:path';
import { logger, run, runMain } from './lib/proc.mjs';
import { startSim } from './lib/sim.mjs';
import { build } from './build.mjs';
import { setup } from './setup.mjs';

const log = logger('start');
const HOST = '127.0.0.1';
const HTTP_PORT = 8686;
const EXE_PORT = 18686;

/** Resolves when `port` can be bound on 127.0.0.1, rejects with a clear message when it is taken. */
function checkPortFree(port, what) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e) => {
      if (e.code === 'EADDRINUSE') {
        reject(
          new Error(
            `端口 ${port} 已被占用（${what}）/ port ${port} (${what}) is already in use on ${HOST}.\n` +
              `  Another \`npm start\` or rtv-sim may be running: stop it (e.g. \`ss -ltnp 'sport = :${port}'\` shows which process), then retry.`,
          ),
        );
      } else {
        reject(new Error(`cannot check port ${port}: ${e.message}`));
      }
    });
    server.listen(port, HOST, () => server.close(resolve));
  });
}

function banner(base, exeUrl) {
  const url = `${base}`;
  const tab = (account) => `${url}?account=${account}&systemCode=DEMO&autologin=1`;
  const lines = [
    '',
    '================================================================================',
    ` 平台模拟器已启动 / Platform simulator running: ${url}`,
    ` 模拟视频客户端 (EXE) / fake video client (EXE): ${exeUrl}`,
    '',
    ' 用两个标签页分别以两个坐席登录 / open two tabs, one agent each:',
    `   坐席 1 / agent 1:  ${tab('agent1')}`,
    `   坐席 2 / agent 2:  ${tab('agent2')}`,
    ` 旧式页面 (script 标签) / legacy script-tag page: ${url}legacy.html?account=agent3&systemCode=DEMO`,
    '',
    ' 模拟客户每 15 秒来电（最多同时 2 个）/ scripted customers call every 15 s (at most 2 at once).',
    ' 按 Ctrl-C 停止 / press Ctrl-C to stop.',
    '================================================================================',
    '',
  ];
  console.log(lines.join('\n'));
}

async function main() {
  const extra = process.argv.slice(2);
  // Fail before a minute of building if the simulator could not start anyway.
  await checkPortFree(HTTP_PORT, 'HTTP');
  await checkPortFree(EXE_PORT, 'EXE');

  await setup({ browser: false });
  await build({ simPackages: false });
  log('building the demo console (webpack)');
  await run('npm', ['run', '--silent', 'build:demo']);
  await run('cargo', ['build', '--release', '-p', 'rtv-sim']);

  const args = [
    '--host', HOST,
    '--port', String(HTTP_PORT),
    '--exe-port', String(EXE_PORT),
    '--pkg', 'pkg',
    '--www', path.join('www-demo', 'dist'),
    '--call-every', '15',
    '--customers', '2',
    ...extra,
  ];
  const sim = await startSim(args, { profile: 'release' });
  banner(sim.base, sim.exeUrl);

  let stopping = false;
  const stop = (sig) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping the simulator`);
    sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const { code, signal } = await sim.exited;
  if (!stopping) {
    throw new Error(`the simulator stopped on its own (${signal ? `signal ${signal}` : `exit code ${code}`})`);
  }
}

runMain('start', main);
