// @ts-check
// Checks the file list of the packaged extension (what `vsce package` puts in the VSIX, as `vsce ls`
// prints it, dependencies included as packaging does; .vscodeignore decides): every file the editor loads
// at run time is there, and nothing that must stay out (sources, tests, source maps, other packages'
// sources, the run store, test results) is.
// Usage: node scripts/check-package.mjs          (after `npm run build`; runs `vsce ls`)
//        node scripts/check-package.mjs <file>   (checks a saved `vsce ls` listing instead)
// Exit code: 0 when the list passes, 1 with one line per problem otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files the VSIX must hold: the manifest and its documents, every bundle (esbuild.js), the icon and
 * schema the manifest names, the wasm files loaded at run time, and the one runtime package the bundles
 * keep external (`@node-rs/crc32`, see .vscodeignore).
 * @param {string[]} webviews names of the webview bundles (webviews/<view>/main.ts)
 * @returns {string[]} paths relative to the extension root
 */
export function requiredFiles(webviews) {
  return [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/extension.js',
    'dist/cli.js',
    'dist/trainer.js',
    'dist/metricsWorker.js',
    'dist/driftJob.js',
    'dist/evalJob.js',
    'dist/monitorJob.js',
    ...webviews.map((view) => `dist/webviews/${view}.js`),
    'dist/wasm/sql-wasm.wasm',
    'dist/wasm/tfjs-backend-wasm.wasm',
    'media/experiments.svg',
    'schemas/xlens.schema.json',
    'node_modules/@node-rs/crc32/package.json',
    'node_modules/@node-rs/crc32/index.js',
  ];
}

/** Paths that must not ship, each with the reason printed when one does. */
export const FORBIDDEN = [
  { pattern: /^src\//, why: 'TypeScript sources (the bundles in dist/ carry the code)' },
  { pattern: /^webviews\//, why: 'webview sources (dist/webviews holds the bundles)' },
  { pattern: /^(test|out|bench|scripts|examples|\.ci|\.vscode-test)\//, why: 'tests and tools' },
  { pattern: /^test-results\//, why: 'test results' },
  { pattern: /(^|\/)\.xlens\//, why: 'a run store' },
  { pattern: /\.map$/, why: 'source maps' },
  { pattern: /^(?!node_modules\/).*\.tsx?$/, why: 'TypeScript sources' },
  { pattern: /\.vsix$/, why: 'a packaged extension' },
  { pattern: /^(tsconfig.*\.json|eslint\.config\.mjs|esbuild\.js|package-lock\.json)$/, why: 'build files' },
  {
    pattern: /^node_modules\/(?!@node-rs\/crc32(-[^/]+)?\/)/,
    why: 'a package the bundles already contain (only @node-rs/crc32 is loaded at run time)',
  },
];

/**
 * The problems of a VSIX file list: required files missing, forbidden files present.
 * @param {string[]} files paths relative to the extension root, as `vsce ls` prints them
 * @param {string[]} webviews names of the webview bundles
 * @returns {string[]} one line per problem; empty when the list is right
 */
export function checkPackageFiles(files, webviews) {
  const listed = new Set(files);
  const problems = requiredFiles(webviews)
    .filter((file) => !listed.has(file))
    .map((file) => `missing: ${file}`);
  for (const file of files) {
    const rule = FORBIDDEN.find(({ pattern }) => pattern.test(file));
    if (rule) {
      problems.push(`must not ship: ${file} (${rule.why})`);
    }
  }
  return problems;
}

/**
 * Names of the webviews that get a bundle: folders of webviews/ with a main.ts (as in esbuild.js).
 * @returns {string[]}
 */
export function webviewNames() {
  const dir = join(root, 'webviews');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'shared' && existsSync(join(dir, d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/**
 * The VSIX file list as `vsce ls` prints it (dependencies included, as `vsce package` does).
 * @returns {string[]}
 */
function vsceList() {
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'ls'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(result.stderr || result.stdout);
    throw new Error(`vsce ls exited with ${result.status ?? result.signal}`);
  }
  return result.stdout.split('\n').filter((line) => line.trim() !== '');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const from = process.argv[2];
  const files = from
    ? readFileSync(from, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
    : vsceList();
  const problems = checkPackageFiles(files, webviewNames());
  if (problems.length > 0) {
    console.error(`The packaged extension's file list is wrong (${problems.length} problem(s)):`);
    problems.forEach((p) => console.error(`  ${p}`));
    console.error('Fix .vscodeignore (or run `npm run build` first for missing dist/ files).');
    process.exit(1);
  }
  console.log(`Package file list OK: ${files.length} files, every required file present, nothing forbidden.`);
}
