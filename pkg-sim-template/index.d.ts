// Types of snk-rt-video-pc-sim (control API v1, SIM-API.md).

/** The control API version this client speaks. */
export declare const API_VERSION: 1;

/** `process.platform-process.arch` → the package with that rtv-sim binary. */
export declare const PLATFORM_PACKAGES: Readonly<Record<string, string>>;
/** This machine's key, e.g. `linux-x64`. */
export declare function platformKey(): string;
/** The rtv-sim binary for this machine (or `RTV_SIM_BINARY`); throws naming the platform when none fits. */
export declare function binaryPath(): string;

export interface StartOptions {
  /** HTTP port; 0 (default) = any free port. */
  port?: number;
  /** Fake EXE port; 0 (default) = any free port. */
  exePort?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Seed of the scripted customers. */
  seed?: number;
  /** Seconds between scripted customers' calls (off by default). */
  callEvery?: number;
  /** Most scripted customers at once. */
  customers?: number;
  /** A trace (`rtVideo.exportTrace()` saved as JSON) to replay. */
  replay?: string;
  /** Serve the demo console at `/` (default true). */
  demo?: boolean;
  /** More rtv-sim flags (`npx rtv-sim --help`). */
  args?: string[];
  /** true: rtv-sim's log to stderr; a function: gets each chunk. */
  log?: boolean | ((text: string) => void);
  /** Another rtv-sim binary. */
  binary?: string;
}

/** Options for `new RtVideo(...)` pointing at the simulator. */
export interface SimRtVideoOptions {
  systemCode: string;
  account: string;
  sseServerUrl: string;
  videoServiceUrl: string;
  stateServiceUrl: string;
  exeUrl: string;
  [option: string]: unknown;
}

/** Per-account link counts (`GET /sim/links`). */
export interface Links {
  subscriptions: number;
  subscribesTotal: number;
  exeLinks: number;
  exeHellos: number;
}

/** One request in the log (`GET /sim/log`). */
export interface LogEntry {
  /** Epoch milliseconds. */
  t: number;
  kind: 'http' | 'subscribe' | 'exe';
  /** `rtv/call/answer`, `push-client/subscribe`, or the EXE command. */
  path: string;
  /** The JSON body (the query of a subscribe). */
  body: unknown;
  authorization: string | null;
  lastEventId: string | null;
  contentType: string | null;
}

export interface Customer {
  name?: string;
  [field: string]: unknown;
}

export interface Fault {
  /** Only this agent's requests (any when absent). */
  account?: string;
  /** How many requests (default 1). */
  times?: number;
  /** Business code of the envelope, e.g. 400002. */
  code?: number;
  /** HTTP status, 200..599. */
  status?: number;
  /** Wait this long first (alone: then normal processing). */
  delayMs?: number;
  /** Raw response body. */
  body?: string;
}

export type PushChannelAction = 'drop' | 'stall' | 'reject' | 'error500' | 'wrongType' | 'restore';
export type ExeAction =
  | 'crash' | 'close' | 'refuse' | 'silence' | 'garbage' | 'restore' | 'failStart'
  | 'snapshotPng' | 'snapshotRaw' | 'snapshotJpeg' | 'snapshotRawJpeg';

export interface Timings {
  ringTimeoutMs: number;
  recordingDelayMs: number;
  pingIntervalMs: number;
  heartbeatTimeoutMs: number;
  maxCallMs: number;
}

/** A control request the simulator refused. */
export declare class SimError extends Error {
  readonly status: number;
  /** The simulator's `error` text. */
  readonly reason: string;
}

export declare class Sim {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly platformUrl: string;
  /** `ws://127.0.0.1:<port>/rtv`. */
  readonly exeUrl: string;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  options(account: string, extra?: Record<string, unknown>): SimRtVideoOptions;
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any>;
  version(): Promise<{ api: number; sim: string }>;
  call(account?: string, opts?: { customer?: Customer; sid?: string }): Promise<string>;
  hangUp(sid: string, opts?: { msgType?: 30000 | 30017 | 30019 }): Promise<{ ok: true }>;
  push(account: string, message: { msgType?: number | string; sid?: string; data?: unknown; raw?: string; id?: string }): Promise<string>;
  fail(path: string, fault?: Fault): Promise<{ ok: true }>;
  pushChannel(account: string | undefined, action: PushChannelAction): Promise<{ ok: true; streams?: number }>;
  dropPush(account?: string): Promise<{ ok: true; streams: number }>;
  stallPush(account?: string): Promise<{ ok: true }>;
  restorePush(account?: string): Promise<{ ok: true }>;
  exe(account: string | undefined, action: ExeAction, params?: { code?: number; msg?: string; times?: number }): Promise<{ ok: true; sockets: number }>;
  closeExe(account?: string): Promise<{ ok: true; sockets: number }>;
  crashExe(account?: string): Promise<{ ok: true; sockets: number }>;
  restoreExe(account?: string): Promise<{ ok: true; sockets: number }>;
  exeSend(account: string | undefined, text: string): Promise<{ ok: true; sockets: number }>;
  links(): Promise<Record<string, Links>>;
  links(account: string): Promise<Links>;
  log(account?: string): Promise<LogEntry[]>;
  clearLog(account?: string): Promise<{ ok: true }>;
  agents(): Promise<unknown[]>;
  sessions(): Promise<unknown[]>;
  config(): Promise<Timings>;
  config(timings: Partial<Timings>): Promise<Timings>;
  rejectTokens(tokens: string[]): Promise<{ ok: true }>;
  reset(): Promise<{ ok: true }>;
  stop(): Promise<void>;
}

export declare function startSim(options?: StartOptions): Promise<Sim>;
