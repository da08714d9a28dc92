// Compile-time checks of pkg/index.d.ts as a page written in TypeScript uses it.
// Nothing here runs; `tsc --noEmit -p tests/types` is the test (see tsconfig.json).

import RtVideo, { Consts, RtVideo as NamedRtVideo } from 'snk-rt-video-pc';
import type { RtVideoError, RtVideoEvent, RtVideoOptions, ServiceState } from 'snk-rt-video-pc';

/** Fails to compile unless A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

// ---- statics: the constant tables keep their literal values ----
assertType<Equal<typeof RtVideo.Consts.VideoEventType.INCOMING_CALL, 'INCOMING_CALL'>>();
assertType<Equal<typeof RtVideo.Consts.VideoEventType.EXE_ERROR, 'EXE_EVENT'>>();
assertType<Equal<typeof RtVideo.Consts.ServiceFsmState.BUSY, 'busy'>>();
assertType<Equal<typeof RtVideo.Consts.VideoControlCode.INCOMING_CALL, 50200>>();
assertType<Equal<typeof Consts, typeof RtVideo.Consts>>();
assertType<Equal<typeof NamedRtVideo, typeof RtVideo>>();
const version: string = RtVideo.version;
// @ts-expect-error the tables are read-only
RtVideo.Consts.ServiceFsmState.READY = 'busy';

// ---- options: systemCode and account are required, profile is a closed set ----
const options: RtVideoOptions = { systemCode: 'DEMO', account: 'agent1', profile: 'dev' };
// @ts-expect-error systemCode is required
const noSystemCode: RtVideoOptions = { account: 'agent1', profile: 'dev' };
// @ts-expect-error profile is "dev" | "test"
const badProfile: RtVideoOptions = { systemCode: 'DEMO', account: 'agent1', profile: 'staging' };
// @ts-expect-error the timeouts are numbers (ms)
const badTimeout: RtVideoOptions = { systemCode: 'DEMO', account: 'agent1', profile: 'dev', httpTimeout: '10s' };

// ---- events: `type` narrows `data` ----
const seen: string[] = [];
function onEvent(event: RtVideoEvent): void {
  const T = RtVideo.Consts.VideoEventType;
  if (event.type === T.INCOMING_CALL) {
    const sid: string = event.data.sid;
    assertType<Equal<typeof event.data.msgType, 50200>>();
    seen.push(sid, String(event.data.customer?.name));
    rtVideo.answer(event.data.sid);
  } else if (event.type === T.STATE_CHANGE) {
    const state: ServiceState = event.data.state;
    seen.push(state, event.data.from);
    // @ts-expect-error a STATE_CHANGE has no sid: this line fails if narrowing breaks
    seen.push(event.data.sid);
  } else if (event.type === T.EXE_ERROR) {
    // EXE_ERROR is the alias of EXE_EVENT: same narrowing.
    seen.push(String(event.data.code), event.data.msg);
  } else if (event.type === T.HTTP_BACK) {
    const code: number = event.data.code;
    seen.push(event.data.op, String(code));
  } else if (event.type === T.RECOVERY_CALL) {
    assertType<Equal<typeof event.data.role, 'owner' | 'participant'>>();
    seen.push(event.data.streams.pushUrl, ...event.data.streams.playUrls);
  } else if (event.type === T.SNAPSHOT) {
    seen.push(event.data.base64);
  }
  switch (event.type) {
    case 'VIDEOTAPE':
    case 'IMAGE':
      seen.push(event.data.url);
      break;
    case 'INCOMING_CALL_HANGUP':
      // @ts-expect-error a hang-up carries one of the four end codes, not 50200
      if (event.data.msgType === 50200) seen.push('never');
      break;
    default:
      break;
  }
  // @ts-expect-error without narrowing, `data` is a union: not every member has `url`
  seen.push(event.data.url);
}

function onError(err: RtVideoError): void {
  assertType<Equal<Extract<RtVideoError['code'], 'CONFIG' | 'AUTH' | 'DESTROYED'>, 'CONFIG' | 'AUTH' | 'DESTROYED'>>();
  // @ts-expect-error codes are a closed set of strings
  if (err.code === 'NOT_A_CODE') seen.push(err.msg);
}

// ---- the instance ----
const rtVideo = new RtVideo(options, { next: onEvent, error: onError, complete: () => seen.push('done') });
const state: 'disconnected' | 'ready' | 'leave' | 'wait' | 'busy' = rtVideo.state();
rtVideo.rest().catch(() => undefined);
rtVideo.snapshot('pusher').then((shot) => seen.push(shot.type, shot.base64));
rtVideo.askChangePerson({ sid: 'S-1', newer: 'agent2' });
rtVideo.quitAddPerson({ sid: 'S-1' });
// @ts-expect-error askAddPerson needs the colleague (`newer`)
rtVideo.askAddPerson({ sid: 'S-1' });
// @ts-expect-error snapshot takes "pusher" or "player"
rtVideo.snapshot('screen');
const done: Promise<void> = rtVideo.destroy();
const counters: number = RtVideo.debugCounters().instances;

export { version, noSystemCode, badProfile, badTimeout, state, done, counters };

// ---- errors are Error instances with the SDK's code ----
function onSdkError(err: RtVideoError): string {
  return `${err.code}: ${err.msg}`;
}
void onSdkError;

// ---- the self-check: a typed report ----
async function selfCheck(): Promise<void> {
  const report = await RtVideo.preflight(options, { timeout: 5000 });
  const ok: boolean = report.ok;
  for (const c of report.checks) {
    const name: 'engine' | 'config' | 'page' | 'localNetwork' | 'tabs' | 'push' | 'video' | 'state' | 'exe' = c.check;
    const advice: string = c.advice.zh + c.advice.en;
    void [name, advice, ok];
  }
  // @ts-expect-error the options are checked
  await RtVideo.preflight({ account: 'a' });
}
void selfCheck;
