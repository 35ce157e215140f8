// @ts-check
// The esbuild options every bundle of Experiment Lens shares, declared once: the product build
// (esbuild.js), the extension-host test bundles (scripts/build-extension-tests.mjs), the activation test
// (test/unit/extension/activation.test.ts) and the tests that build a webview from its sources.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * Options of a webview's browser bundle (webviews/<view>/main.ts): one IIFE for ES2022 browsers,
 * type-checked against webviews/tsconfig.json (DOM lib), CSS imported as text.
 * @param root repository root (default: this checkout)
 * @returns options to spread into `build()` or `context()`, before entry points and output
 */
export function webviewBundleOptions(root = repoRoot) {
  return /** @satisfies {import('esbuild').BuildOptions} */ ({
    bundle: true,
    format: /** @type {const} */ ('iife'),
    platform: /** @type {const} */ ('browser'),
    target: 'es2022',
    tsconfig: join(root, 'webviews', 'tsconfig.json'),
    loader: { '.css': /** @type {const} */ ('text') },
  });
}
