// @ts-check
// Builds every bundle of Experiment Lens: the extension host bundle, the `xlens` CLI, the child
// processes and workers it spawns, and one browser bundle per webview (webviews/<view>/main.ts).
// Usage: node esbuild.js [--watch] [--production]
// Target, platform, externals, define and loaders are shared with the test builds: scripts/esbuildOptions.mjs.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = __dirname;
const dist = path.join(root, 'dist');

/**
 * Node bundles: [entry, output name, banner]. Each runs under Node 20 (extension host or plain node).
 * @type {[string, string, string?][]}
 */
const nodeEntries = [
  ['src/extension.ts', 'extension'],
  ['src/cli/main.ts', 'cli', '#!/usr/bin/env node'],
  ['src/core/train/main.ts', 'trainer'],
  ['src/core/metrics/discovery/worker.ts', 'metricsWorker'],
  ['src/core/drift/job.ts', 'driftJob'],
  ['src/core/eval/job.ts', 'evalJob'],
  ['src/core/monitor/job.ts', 'monitorJob'],
];

function webviewEntries() {
  const dir = path.join(root, 'webviews');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'shared' && fs.existsSync(path.join(dir, d.name, 'main.ts')))
    .map((d) => ({ in: path.join(dir, d.name, 'main.ts'), out: d.name }));
}

/** Files copied next to the bundles: TensorFlow.js wasm binaries and the sql.js wasm. */
function copyAssets() {
  /** @type {[string, string, RegExp][]} */
  const copies = [
    ['node_modules/@tensorflow/tfjs-backend-wasm/dist', 'wasm', /\.wasm$/],
    ['node_modules/sql.js/dist', 'wasm', /^sql-wasm\.wasm$/],
  ];
  for (const [from, to, pattern] of copies) {
    const src = path.join(root, from);
    if (!fs.existsSync(src)) {
      continue;
    }
    fs.mkdirSync(path.join(dist, to), { recursive: true });
    for (const name of fs.readdirSync(src).filter((n) => pattern.test(n))) {
      fs.copyFileSync(path.join(src, name), path.join(dist, to, name));
    }
  }
}

/**
 * Logs errors in the `file:line:col: error: msg` shape the VS Code problem matcher reads.
 * @type {import('esbuild').Plugin}
 */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) {
        console.log('[watch] build started');
      }
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
      if (watch) {
        console.log('[watch] build finished');
      }
    });
  },
};

async function main() {
  // An ES module: loaded with import() from this CommonJS script.
  const { nodeBundleOptions, webviewBundleOptions } = await import('./scripts/esbuildOptions.mjs');
  fs.mkdirSync(dist, { recursive: true });
  copyAssets();
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [problemMatcherPlugin],
    legalComments: 'linked',
  };
  /** @type {import('esbuild').BuildContext[]} */
  const contexts = [];
  for (const [entry, out, banner] of nodeEntries) {
    if (!fs.existsSync(path.join(root, entry))) {
      throw new Error(`esbuild.js: entry ${entry} does not exist; remove it from nodeEntries or create it`);
    }
    contexts.push(
      await esbuild.context({
        ...common,
        ...nodeBundleOptions(root),
        entryPoints: { [out]: path.join(root, entry) },
        outdir: dist,
        banner: banner ? { js: banner } : undefined,
      }),
    );
  }
  const webviews = webviewEntries();
  if (webviews.length > 0) {
    const options = webviewBundleOptions(root);
    contexts.push(
      await esbuild.context({
        ...common,
        ...options,
        plugins: [...(common.plugins ?? []), ...options.plugins],
        entryPoints: webviews,
        outdir: path.join(dist, 'webviews'),
      }),
    );
  }
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
    if (fs.existsSync(path.join(dist, 'cli.js'))) {
      fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
