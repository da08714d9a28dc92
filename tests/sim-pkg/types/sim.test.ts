// Compiles against pkg-sim/index.d.ts: the test client as the README and
// docs/SIM-API.md show it.
import { API_VERSION, SimError, startSim, type Links, type SimRtVideoOptions } from 'snk-rt-video-pc-sim';

export async function scenario(): Promise<void> {
  const sim = await startSim({ port: 0, exePort: 0, seed: 7, log: (t: string) => void t });
  const o: SimRtVideoOptions = sim.options('agent1', { systemCode: 'CLAIMS' });
  const url: string = o.sseServerUrl + sim.platformUrl + sim.exeUrl;
  const sid: string = await sim.call('agent1', { customer: { name: '张三', claimNo: 'LP-1' } });
  await sim.hangUp(sid, { msgType: 30019 });
  const id: string = await sim.push('agent1', { msgType: 50203, sid, data: { url } });
  await sim.fail('rtv/change/ask', { account: 'agent1', code: 400002, times: 2 });
  await sim.dropPush('agent1');
  await sim.pushChannel(undefined, 'error500');
  await sim.closeExe('agent1');
  await sim.exe('agent1', 'failStart', { code: 500, msg: 'x', times: 1 });
  const one: Links = await sim.links('agent1');
  const all: Record<string, Links> = await sim.links();
  const log = await sim.log('agent1');
  const kind: 'http' | 'subscribe' | 'exe' | undefined = log[0]?.kind;
  const v: { api: number; sim: string } = await sim.version();
  const n: 1 = API_VERSION;
  void [id, one, all, kind, v, n];
  // @ts-expect-error: not a push-channel action
  await sim.pushChannel('agent1', 'explode');
  // @ts-expect-error: not an EXE action
  await sim.exe('agent1', 'explode');
  // @ts-expect-error: the fault's fields are typed
  await sim.fail('rtv/call/answer', { code: '400002' });
  try {
    await sim.fail('rtv/nope', { code: 1 });
  } catch (e) {
    if (e instanceof SimError) void [e.status + 1, e.reason.length];
  }
  await sim.stop();
}
