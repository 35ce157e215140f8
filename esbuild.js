// Builds every bundle of Experiment Lens: the extension host bundle, the `xlens` CLI, the child
// processes and workers it spawns, and one browser bundle per webview (webviews/<view>/main.ts).
// Usage: node esbuild.js [--watch] [--production]
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = __dirname;
const dist = path.join(root, 'dist');

/** Node bundles: [entry, output name, banner]. Each runs under Node 20 (extension host or plain node). */
const nodeEntries = [
  ['src/extension.ts', 'extension'],
  ['src/cli/main.ts', 'cli', '#!/usr/bin/env node'],
  ['src/core/train/main.ts', 'trainer'],
  ['src/core/metrics/discovery/worker.ts', 'metricsWorker'],
  ['src/core/drift/job.ts', 'driftJob'],
];

/** Native or optional modules resolved at run time instead of bundled. */
const nodeExternals = ['vscode', '@tensorflow/tfjs-node', 'mocha', '@node-rs/crc32'];

function webviewEntries() {
  const dir = path.join(root, 'webviews');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'shared' && fs.existsSync(path.join(dir, d.name, 'main.ts')))
    .map((d) => ({ in: path.join(dir, d.name, 'main.ts'), out: d.name }));
}

/** Files copied next to the bundles: TensorFlow.js wasm binaries and the sql.js wasm. */
function copyAssets() {
  const copies = [
    ['node_modules/@tensorflow/tfjs-backend-wasm/dist', 'wasm', /\.wasm$/],
    ['node_modules/sql.js/dist', 'wasm', /^sql-wasm\.wasm$/],
  ];
  for (const [from, to, pattern] of copies) {
    const src = path.join(root, from);
    if (!fs.existsSync(src)) continue;
    fs.mkdirSync(path.join(dist, to), { recursive: true });
    for (const name of fs.readdirSync(src).filter((n) => pattern.test(n))) {
      fs.copyFileSync(path.join(src, name), path.join(dist, to, name));
    }
  }
}

/** Logs errors in the `file:line:col: error: msg` shape the VS Code problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

async function main() {
  fs.mkdirSync(dist, { recursive: true });
  copyAssets();
  const common = {
    bundle: true,
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [problemMatcherPlugin],
    legalComments: 'linked',
  };
  const contexts = [];
  for (const [entry, out, banner] of nodeEntries) {
    if (!fs.existsSync(path.join(root, entry))) {
      throw new Error(`esbuild.js: entry ${entry} does not exist; remove it from nodeEntries or create it`);
    }
    contexts.push(
      await esbuild.context({
        ...common,
        entryPoints: { [out]: path.join(root, entry) },
        outdir: dist,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        external: nodeExternals,
        banner: banner ? { js: banner } : undefined,
        // Libraries that ship ESM-only code use import.meta.url; give them the CJS equivalent.
        define: { 'import.meta.url': 'importMetaUrl' },
        inject: [path.join(root, 'scripts/importMetaUrl.js')],
      }),
    );
  }
  const webviews = webviewEntries();
  if (webviews.length > 0) {
    contexts.push(
      await esbuild.context({
        ...common,
        entryPoints: webviews,
        outdir: path.join(dist, 'webviews'),
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        tsconfig: path.join(root, 'webviews/tsconfig.json'),
        loader: { '.css': 'text' },
      }),
    );
  }
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
    if (fs.existsSync(path.join(dist, 'cli.js'))) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
