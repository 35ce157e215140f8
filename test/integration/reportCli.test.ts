/**
 * `xlens show <run> --html <file>` end to end: a real git repository, a task run by `xlens run` on a dirty
 * tree (so the run has a snapshot), then the report written by the CLI from sources and opened offline in
 * headless Chromium.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { gitTestEnv, makeRepo, tempDir, writeFiles } from '../helpers/gitRepo';
import { buildReportBundle, repoRoot } from '../helpers/reportBundle';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../helpers/reportBrowser';
import { XSS_IMG, XSS_SCRIPT } from '../helpers/reportFixtures';

const tsx = require.resolve('tsx');
const cli = join(repoRoot, 'src/cli/main.ts');

function xlens(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', tsx, cli, ...args], {
    cwd,
    env: gitTestEnv(tempDir('xlens-home-')),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TRAIN = `const fs = require('fs');
for (let epoch = 0; epoch < 30; epoch++) {
  const line = { step: epoch, values: { loss: Math.exp(-epoch / 8), val_loss: Math.exp(-epoch / 10) + 0.05, accuracy: 1 - Math.exp(-epoch / 6) } };
  fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify(line) + '\\n');
}
`;

describe('xlens show --html', { skip: browserSkipReason() }, () => {
  let browser: Browser;
  before(async () => {
    // The CLI run from sources inlines dist/webviews/report.js: build it from the current sources.
    await buildReportBundle(repoRoot, join(repoRoot, 'dist', 'webviews'));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('writes a run report that opens offline with the curves, git state and params as text', async () => {
    const repo = makeRepo({
      'xlens.yaml': `version: 1\ntasks:\n  train:\n    run: node train.js\n    params: { lr: 0.01, ${JSON.stringify(XSS_IMG)}: ${JSON.stringify(XSS_SCRIPT)} }\n`,
      'train.js': TRAIN,
    });
    writeFiles(repo, { 'notes.txt': 'uncommitted change\n' });
    const run = xlens(repo, ['run', 'train']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const shown = xlens(repo, ['show', 'latest', '--html', 'out/report.html', '--json']);
    assert.equal(shown.status, 0, shown.stderr);
    const record = JSON.parse(shown.stdout) as { id: string; git: { commit: string; snapshot: string } };
    assert.match(shown.stderr, /wrote .*out\/report\.html/);
    assert.ok(record.git.snapshot, 'the dirty tree got a snapshot');

    const { page, log } = await openReport(browser, join(repo, 'out/report.html'));
    try {
      assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
      assertCleanLog(log);
      assert.equal(await page.locator('[data-chart="metric:loss"] svg .mark-line path').count(), 2);
      assert.equal(await page.locator('[data-chart="metric:accuracy"] svg .mark-line path').count(), 1);
      const text = await page.evaluate<string>('document.body.innerText');
      assert.ok(text.includes(record.id));
      assert.ok(text.includes(record.git.commit.slice(0, 10)));
      assert.ok(text.includes(record.git.snapshot.slice(0, 10)));
      assert.ok(text.includes(XSS_IMG) && text.includes(XSS_SCRIPT));
      mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'test-results', 'report-cli.png'), fullPage: true });
      copyFileSync(join(repo, 'out/report.html'), join(repoRoot, 'test-results', 'report-cli.html'));
    } finally {
      await page.context().close();
    }
  });

  it('fails with a clear message for an unknown run', () => {
    const repo = makeRepo({ 'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node -e 0\n' });
    const shown = xlens(repo, ['show', 'nope', '--html', 'r.html']);
    assert.equal(shown.status, 2, shown.stderr);
    assert.match(shown.stderr, /nope/);
  });
});
