// @ts-check
// Bundles the extension-host suite (test/extension/suite) to out/test/extension: the extension host loads
// JavaScript only. Each *.vscode.test.ts becomes one CommonJS file beside index.js, built with the Node
// bundle options of the product (scripts/esbuildOptions.mjs): `vscode` and `mocha` stay external (the
// host provides vscode; mocha is the runner's own copy in node_modules).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBundleOptions, repoRoot } from './esbuildOptions.mjs';

const suiteDir = join(repoRoot, 'test', 'extension', 'suite');
const outdir = join(repoRoot, 'out', 'test', 'extension');
const entryPoints = readdirSync(suiteDir)
  .filter((name) => name === 'index.ts' || name.endsWith('.vscode.test.ts'))
  .map((name) => join(suiteDir, name));

rmSync(outdir, { recursive: true, force: true });
await build({
  ...nodeBundleOptions(),
  entryPoints,
  outdir,
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(`extension-host suite: ${entryPoints.length - 1} test file(s) bundled to ${outdir}`);
