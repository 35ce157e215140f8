// @ts-check
// The esbuild options every bundle of Experiment Lens shares, declared once: the product build
// (esbuild.js), the extension-host test bundles (scripts/build-extension-tests.mjs), the activation test
// (test/unit/extension/activation.test.ts) and the tests that build a webview from its sources.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** The repository root (this file lives in scripts/). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages resolved at run time instead of bundled: `vscode` comes from the editor, `mocha` is the
 * extension-host test runner's own copy, `@tensorflow/tfjs-node` is optional (loaded only when
 * installed), `@node-rs/crc32` carries a native binary per platform (shipped in the VSIX, see
 * .vscodeignore).
 */
export const nodeExternals = ['vscode', '@tensorflow/tfjs-node', 'mocha', '@node-rs/crc32'];

/**
 * Options of a Node bundle (extension host, CLI, child processes, workers, extension-host tests): one
 * CommonJS file for Node 20 with {@link nodeExternals} left out. ESM-only libraries read
 * `import.meta.url`; the injected scripts/importMetaUrl.js gives them the CommonJS equivalent.
 * @param root repository root (default: this checkout)
 * @returns options to spread into `build()` or `context()`, before entry points and output
 */
export function nodeBundleOptions(root = repoRoot) {
  return /** @satisfies {import('esbuild').BuildOptions} */ ({
    bundle: true,
    format: /** @type {const} */ ('cjs'),
    platform: /** @type {const} */ ('node'),
    target: 'node20',
    external: [...nodeExternals],
    define: { 'import.meta.url': 'importMetaUrl' },
    inject: [join(root, 'scripts', 'importMetaUrl.js')],
  });
}

/**
 * Imports ending in `?worker` (`import source from './tileWorker?worker'`) give the text of that module
 * bundled on its own as one classic script for a Web Worker, with the importing build's target and
 * minification; a watch rebuilds when any of its files changes. Declared for TypeScript in
 * webviews/shared/worker.d.ts.
 * @param {string} tsconfig the tsconfig the worker is bundled with
 * @returns {import('esbuild').Plugin}
 */
function workerSourcePlugin(tsconfig) {
  return {
    name: 'worker-source',
    setup(build) {
      build.onResolve({ filter: /\?worker$/ }, async (args) => {
        const resolved = await build.resolve(args.path.slice(0, -'?worker'.length), {
          kind: args.kind,
          resolveDir: args.resolveDir,
        });
        if (resolved.errors.length > 0) {
          return { errors: resolved.errors };
        }
        return { path: resolved.path, namespace: 'worker-source' };
      });
      build.onLoad({ filter: /.*/, namespace: 'worker-source' }, async (args) => {
        const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
        try {
          const result = await esbuild.build({
            entryPoints: [args.path],
            bundle: true,
            format: 'iife',
            platform: 'browser',
            target: build.initialOptions.target ?? 'es2022',
            minify: build.initialOptions.minify ?? false,
            tsconfig,
            write: false,
            metafile: true,
            absWorkingDir: workingDir,
            logLevel: 'silent',
          });
          return {
            contents: result.outputFiles[0].text,
            loader: 'text',
            warnings: result.warnings,
            watchFiles: Object.keys(result.metafile.inputs).map((input) => join(workingDir, input)),
          };
        } catch (error) {
          // The worker's own errors, reported by the importing build; a watch rebuilds once the file changes.
          const failure = /** @type {import('esbuild').BuildFailure} */ (error);
          return {
            errors: failure.errors ?? [{ text: String(error) }],
            warnings: failure.warnings,
            watchFiles: [args.path],
          };
        }
      });
    },
  };
}

/**
 * Options of a webview's browser bundle (webviews/<view>/main.ts): one IIFE for ES2022 browsers,
 * type-checked against webviews/tsconfig.json (DOM lib), CSS imported as text, `?worker` imports as a
 * worker's script ({@link workerSourcePlugin}). A build that adds plugins of its own keeps this one.
 * @param root repository root (default: this checkout)
 * @returns options to spread into `build()` or `context()`, before entry points and output
 */
export function webviewBundleOptions(root = repoRoot) {
  const tsconfig = join(root, 'webviews', 'tsconfig.json');
  return /** @satisfies {import('esbuild').BuildOptions} */ ({
    bundle: true,
    format: /** @type {const} */ ('iife'),
    platform: /** @type {const} */ ('browser'),
    target: 'es2022',
    tsconfig,
    loader: { '.css': /** @type {const} */ ('text') },
    plugins: [workerSourcePlugin(tsconfig)],
  });
}
