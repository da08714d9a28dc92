// Bundles the agent console demo (www-demo/) against the SDK package built
// into pkg/ (the package's ESM entry, which loads the wasm-bindgen `web`
// glue; the .wasm is an asset found through `new URL(..., import.meta.url)`).
//
//   npx webpack                      production build -> www-demo/dist/
//   npx webpack --mode development   readable build with source maps
//   RTV_PKG_DIR=/some/pkg npx webpack  build against another package directory
//
// No loaders or plugins from npm: the static files (index.html, styles.css,
// legacy.html, legacy.js) are copied by the small plugin below, which also
// points index.html at the hashed bundle names.
'use strict';

const fs = require('fs');
const path = require('path');
const { Compilation, sources } = require('webpack');

const demoDir = path.resolve(__dirname, 'www-demo');
const pkgDir = path.resolve(process.env.RTV_PKG_DIR || path.join(__dirname, 'pkg'));

// Files served as they are, next to the bundle.
const STATIC_FILES = ['styles.css', 'legacy.html', 'legacy.js', 'selfcheck.html', 'selfcheck.js'];
// The page whose `<script src="main.js">` is rewritten to the emitted entry files.
const INDEX_HTML = 'index.html';
const ENTRY_NAME = 'main';

class StaticPagesPlugin {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('StaticPagesPlugin', (compilation) => {
      // After OPTIMIZE_HASH: in production the real content hash renames the
      // chunk files, and index.html must name the final files.
      compilation.hooks.processAssets.tap(
        { name: 'StaticPagesPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER },
        () => {
          for (const name of [INDEX_HTML, ...STATIC_FILES]) {
            const file = path.join(demoDir, name);
            compilation.fileDependencies.add(file); // rebuild on change in watch mode
            let text;
            try {
              text = fs.readFileSync(file, 'utf8');
            } catch (e) {
              compilation.errors.push(new Error(`StaticPagesPlugin: cannot read ${file}: ${e.message}`));
              continue;
            }
            if (name === INDEX_HTML) text = this.linkEntry(compilation, text);
            // `minimized`: served byte for byte as written (legacy.js stands for a
            // hand-written old page), and no minimizer runs on late assets.
            compilation.emitAsset(name, new sources.RawSource(text), { minimized: true });
          }
        },
      );
    });
  }

  linkEntry(compilation, html) {
    const entry = compilation.entrypoints.get(ENTRY_NAME);
    const files = entry ? entry.getFiles().filter((f) => f.endsWith('.js')) : [];
    const placeholder = /<script defer src="main\.js"><\/script>/;
    if (!placeholder.test(html) || files.length === 0) {
      compilation.errors.push(new Error('StaticPagesPlugin: index.html needs <script defer src="main.js"></script>'));
      return html;
    }
    const tags = files.map((f) => `<script defer src="${f}"></script>`).join('\n    ');
    return html.replace(placeholder, tags);
  }
}

function pickMode(env, argv) {
  if (argv && argv.mode) return argv.mode;
  if (env && env.development) return 'development';
  if (process.env.NODE_ENV === 'development') return 'development';
  return 'production';
}

module.exports = (env, argv) => {
  const mode = pickMode(env, argv);
  return {
    mode,
    context: __dirname,
    entry: { [ENTRY_NAME]: path.join(demoDir, 'src', 'main.js') },
    output: {
      path: path.join(demoDir, 'dist'),
      filename: '[name].[contenthash:10].js',
      chunkFilename: '[name].[contenthash:10].js',
      assetModuleFilename: '[name].[contenthash:10][ext]',
      publicPath: 'auto',
      clean: true,
    },
    resolve: {
      alias: {
        // The package's ESM entry exactly (its package.json `main` is the
        // script-tag build), and the directory for any sub-path import.
        'snk-rt-video-pc$': path.join(pkgDir, 'index.js'),
        'snk-rt-video-pc': pkgDir,
      },
    },
    // The page runs under `script-src 'self' 'wasm-unsafe-eval'`: no eval-based source maps.
    devtool: mode === 'development' ? 'source-map' : false,
    performance: { hints: false },
    plugins: [new StaticPagesPlugin()],
    stats: 'errors-warnings',
  };
};
