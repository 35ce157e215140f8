// Bundles the extension-host suite (test/extension/suite) to out/test/extension: the extension host loads
// JavaScript only. Each *.vscode.test.ts becomes one CommonJS file beside index.js; `vscode` and `mocha`
// stay external (the host provides vscode; mocha is the runner's own copy in node_modules).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suiteDir = join(root, 'test', 'extension', 'suite');
const outdir = join(root, 'out', 'test', 'extension');
const entryPoints = readdirSync(suiteDir)
  .filter((name) => name === 'index.ts' || name.endsWith('.vscode.test.ts'))
  .map((name) => join(suiteDir, name));

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
  // Libraries that ship ESM-only code use import.meta.url; give them the CJS equivalent.
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [join(root, 'scripts', 'importMetaUrl.js')],
});
console.log(`extension-host suite: ${entryPoints.length - 1} test file(s) bundled to ${outdir}`);
