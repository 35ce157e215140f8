/**
 * A fresh build of the report's browser bundle for tests, so they exercise the current sources of
 * webviews/report rather than whatever dist/ holds. Same options as esbuild.js uses for webviews
 * (scripts/esbuildOptions.mjs).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { webviewBundleOptions } from '../../scripts/esbuildOptions.mjs';

export const repoRoot = resolve(__dirname, '../..');

/**
 * Builds `<root>/webviews/report/main.ts` into `outdir` (default: a new temp dir); returns the path of
 * `report.js`.
 */
export async function buildReportBundle(
  root: string = repoRoot,
  outdir: string = mkdtempSync(join(tmpdir(), 'xlens-report-bundle-')),
): Promise<string> {
  await build({
    ...webviewBundleOptions(root),
    entryPoints: { report: join(root, 'webviews/report/main.ts') },
    outdir,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  return join(outdir, 'report.js');
}
