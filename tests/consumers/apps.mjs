// The consumer apps of tests/consumers/: one per way a web team ships the SDK,
// each a fresh app with the tool's default configuration and nothing
// wasm-specific beyond what `config` says (that text is also the README's
// "Using it in your build" table). Every app runs the same page code (APP_JS):
// one RtVideo against the simulator named in the page's query, answering
// every incoming call.

import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The page code of every app; `from` is how it imports the SDK. */
export function appJs(from = 'snk-rt-video-pc') {
  return `import RtVideo from '${from}';

// Query: sim (the simulator's base URL, ending with "/"), exe (its EXE URL), account.
const q = new URLSearchParams(location.search);
const sim = q.get('sim');
const T = (window.T = { events: [], errors: [], answered: [] });
RtVideo.ready.then(
  () => (T.wasmReady = performance.now()),
  (e) => (T.loadError = e && e.code),
);
const rtVideo = new RtVideo(
  {
    systemCode: 'CONSUMER',
    account: q.get('account'),
    sseServerUrl: sim + 'push-client/',
    videoServiceUrl: sim + 'rtv/',
    stateServiceUrl: sim + 'dispatch/',
    exeUrl: q.get('exe'),
  },
  {
    next(event) {
      T.events.push({ type: event.type, state: event.data && event.data.state, sid: event.data && event.data.sid });
      if (event.type === 'STATE_CHANGE' && event.data.state === 'ready' && T.ready === undefined) T.ready = performance.now();
      if (event.type === RtVideo.Consts.VideoEventType.INCOMING_CALL) {
        rtVideo.answer(event.data.sid).then(
          () => T.answered.push(event.data.sid),
          (e) => T.errors.push({ code: e.code, msg: e.msg }),
        );
      }
    },
    error(err) {
      T.errors.push({ code: err.code, msg: err.msg });
    },
  },
);
document.body.dataset.sdk = RtVideo.version;
`;
}

const html = (script) => `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>坐席控制台</title>
</head>
<body>
  <p>consumer app</p>
  ${script}
</body>
</html>
`;

function write(dir, files) {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/**
 * The consumers. `tool`: the directory of tests/consumers/tools.mjs it runs
 * from (none: the files are served as they are); `config`: what the README
 * says it needs; `files(dir, ctx)`: writes the app; `build`: the command
 * (`bin` under the tool's node_modules/.bin, args); `out`: the directory
 * served; `page`: the page's path under it.
 */
export const CONSUMERS = [
  {
    name: 'vite',
    label: 'Vite 8 (`vite build`)',
    tool: 'vite',
    config: 'none',
    files: (dir) => write(dir, { 'index.html': html('<script type="module" src="/main.js"></script>'), 'main.js': appJs() }),
    build: ['vite', ['build']],
    out: 'dist',
  },
  {
    name: 'webpack',
    label: 'webpack 5 + html-webpack-plugin (`webpack`)',
    tool: 'webpack',
    config: 'none (the usual `plugins: [new HtmlWebpackPlugin()]`, nothing for wasm)',
    files: (dir) =>
      write(dir, {
        'src/index.js': appJs(),
        'webpack.config.js': "const HtmlWebpackPlugin = require('html-webpack-plugin');\n\nmodule.exports = { mode: 'production', plugins: [new HtmlWebpackPlugin()] };\n",
      }),
    build: ['webpack', []],
    out: 'dist',
  },
  {
    name: 'rsbuild',
    label: 'Rsbuild 2 / Rspack (`rsbuild build`)',
    tool: 'rsbuild',
    config: 'none (entry `src/index.js`, the default)',
    files: (dir) => write(dir, { 'src/index.js': appJs() }),
    build: ['rsbuild', ['build']],
    out: 'dist',
  },
  {
    name: 'parcel',
    label: 'Parcel 2 (`parcel build index.html`)',
    tool: 'parcel',
    config: 'none',
    files: (dir) => write(dir, { 'index.html': html('<script type="module" src="./main.js"></script>'), 'main.js': appJs() }),
    build: ['parcel', ['build', 'index.html', '--no-cache']],
    out: 'dist',
  },
  {
    name: 'esbuild',
    label: 'esbuild 0.28 (`--bundle --format=esm --loader:.wasm=file`)',
    tool: 'esbuild',
    config: '`--loader:.wasm=file` (esbuild bundles a `.wasm` only with a loader named; the package gives it an entry that imports the `.wasm`)',
    files: (dir) =>
      write(dir, {
        'main.js': appJs(),
        'public/index.html': html('<script type="module" src="./main.js"></script>'),
      }),
    build: ['esbuild', ['main.js', '--bundle', '--format=esm', '--loader:.wasm=file', '--outdir=dist', '--log-level=warning']],
    after: (dir) => cpSync(path.join(dir, 'public', 'index.html'), path.join(dir, 'dist', 'index.html')),
    out: 'dist',
  },
  {
    name: 'cdn',
    label: 'CDN-style ESM: the installed files served as they are, imported from a module script',
    tool: null,
    config: 'none: `import RtVideo from \'https://<cdn>/snk-rt-video-pc@<version>/index.js\'`',
    files: (dir, { version }) =>
      write(dir, {
        'public/index.html': html('<script type="module" src="./main.js"></script>'),
        'public/main.js': appJs(`/npm/snk-rt-video-pc@${version}/index.js`),
      }),
    build: null,
    out: 'public',
    // /npm/snk-rt-video-pc@<version>/… → the installed package, as a CDN serves it.
    mounts: (dir, { version }) => ({ [`/npm/snk-rt-video-pc@${version}/`]: path.join(dir, 'node_modules', 'snk-rt-video-pc') }),
  },
];
