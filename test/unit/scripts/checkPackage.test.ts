/**
 * The package file-list check of CI (scripts/check-package.mjs) on lists shaped like `vsce ls` output:
 * what must ship, what must not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPackageFiles, requiredFiles, webviewNames } from '../../../scripts/check-package.mjs';

const views = webviewNames();

describe('package file-list check', () => {
  it('finds a bundle for every webview folder with a main.ts', () => {
    assert.ok(views.includes('dashboard') && views.includes('drift'), views.join(', '));
  });

  it('passes the list the packaging gives today', () => {
    const files = [
      ...requiredFiles(views),
      'dist/cli.js.LEGAL.txt',
      'dist/wasm/tfjs-backend-wasm-simd.wasm',
      'node_modules/@node-rs/crc32-linux-x64-gnu/crc32.linux-x64-gnu.node',
    ];
    assert.deepEqual(checkPackageFiles(files, views), []);
  });

  it('names each required file that is missing', () => {
    const files = requiredFiles(views).filter(
      (f) => f !== 'dist/cli.js' && f !== 'schemas/xlens.schema.json',
    );
    assert.deepEqual(checkPackageFiles(files, views), [
      'missing: dist/cli.js',
      'missing: schemas/xlens.schema.json',
    ]);
  });

  it('names sources, tests, source maps, run stores and bundled packages that would ship', () => {
    const leaked = [
      'src/extension.ts',
      'webviews/dashboard/main.ts',
      'test/unit/base/emitter.test.ts',
      'test-results/e2e.png',
      'dist/extension.js.map',
      '.xlens/runs/r1/run.json',
      'node_modules/vega/build/vega.js',
      'tsconfig.json',
    ];
    const problems = checkPackageFiles([...requiredFiles(views), ...leaked], views);
    assert.deepEqual(
      problems.map((p) => /^must not ship: (\S+)/.exec(p)?.[1]),
      leaked,
    );
  });
});
