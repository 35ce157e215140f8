/**
 * `xlens compare` and `xlens diff` on real runs recorded by the runner in a temp git repository: a clean
 * run, then a run after the code, a param and the data changed (a dirty tree, so its code is a snapshot).
 * The HTML page is checked for its marker and charts; terminal output keeps names inert.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { makeRepo } from '../../helpers/gitRepo';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../../helpers/reportBrowser';
import { buildReportBundle, repoRoot } from '../../helpers/reportBundle';
import { runIds, xlens } from '../../helpers/xlensProcess';

const train = (scale: number): string => `const { appendFileSync } = require('node:fs');
const lr = Number(process.argv[2]);
for (let step = 0; step < 4; step++) {
\tconst values = { loss: ${scale} / (step + 1) + lr, val_accuracy: 0.5 + lr + step / 10, '\\u001b[2Jodd': step };
  appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values }) + '\\n');
}
`;

describe('xlens compare and xlens diff (real CLI process)', () => {
  let root: string;
  let ids: string[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml':
        'version: 1\ntasks:\n  train:\n    run: node train.js ${params.lr}\n    params: { lr: 0.1, seed: 7 }\n    data: [data.csv]\n',
      'train.js': train(1),
      'data.csv': 'x,y\n1,2\n',
      '.gitignore': '.xlens/\n',
    });
    assert.equal((await xlens(root, ['run', 'train'])).code, 0);
    writeFileSync(join(root, 'train.js'), train(2));
    writeFileSync(join(root, 'data.csv'), 'x,y\n1,2\n3,4\n');
    const second = await xlens(root, ['run', 'train', '--set', 'lr=0.3']);
    assert.equal(second.code, 0, second.stderr);
    ids = runIds(root);
    assert.equal(ids.length, 2);
  });

  it('compares params, metrics with deltas against the first run, and data', async () => {
    const result = await xlens(root, ['compare', ids[0], ids[1]]);
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /Params \(1 of 2 differ; --all-params lists all\):\nNAME\s+#1\s+#2\nlr\s+0\.1\s+0\.3/);
    assert.match(
      text,
      /val_accuracy \(higher is better\):\n\s+RUN\s+LAST\s+MIN\s+MAX\s+BEST\s+BEST STEP\s+Δ LAST\s+Δ BEST\n\s+#1\s+0\.9\s+0\.6\s+0\.9\s+0\.9\s+3\s*\n\s+#2\s+1\.1\s+0\.8\s+1\.1\s+1\.1\s+3\s+\+0\.2\s+\+0\.2/,
    );
    assert.match(
      text,
      /loss \(lower is better\):[\s\S]*#2\s+0\.8\s+0\.8\s+2\.3\s+0\.8\s+3\s+\+0\.45\s+\+0\.45/,
    );
    assert.match(text, /Data:\nPATH\s+#1\s+#2\ndata\.csv\s+[0-9a-f]{12} same\s+[0-9a-f]{12} changed/);
    assert.ok(!text.includes('\u001b'), 'a metric name with an escape sequence is printed inert');
    assert.match(text, /\\x1b\[2Jodd/);

    const json = JSON.parse(
      (await xlens(root, ['compare', ids[0], ids[1], '--json', '--metrics', 'loss'])).stdout,
    ) as {
      runIds: string[];
      metrics: { name: string; runs: { deltaLast: number | null }[] }[];
    };
    assert.deepEqual(json.runIds, ids);
    assert.deepEqual(
      json.metrics.map((m) => m.name),
      ['loss'],
    );
    assert.equal(json.metrics[0].runs[1].deltaLast, 2 / 4 + 0.3 - (1 / 4 + 0.1));
  });

  it('writes an offline HTML page with one overlaid chart per metric', async () => {
    const result = await xlens(root, ['compare', ids[0], ids[1], '--html', 'compare.html']);
    assert.equal(result.code, 0, result.stderr);
    const html = readFileSync(join(root, 'compare.html'), 'utf8');
    assert.match(html, /<meta name="generator" content="Experiment Lens">/);
    assert.equal(html.match(/data-chart="compare:/g)?.length, 3);
    assert.ok(html.includes(`#2 train · ${ids[1]}`), 'runs are labelled in the legend data');
    assert.ok(!html.includes('\u001b[2J<'), 'names are escaped');
    // Our own report may be replaced; the workspace's config may not.
    assert.equal((await xlens(root, ['compare', ids[0], ids[1], '--html', 'compare.html'])).code, 0);
    const refused = await xlens(root, ['compare', ids[0], ids[1], '--html', 'xlens.yaml']);
    assert.equal(refused.code, 2);
  });

  describe('in a browser', { skip: browserSkipReason() }, () => {
    let browser: Browser;
    before(async () => {
      // The CLI run from sources inlines dist/webviews/report.js: build it from the current sources.
      await buildReportBundle(repoRoot, join(repoRoot, 'dist', 'webviews'));
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
    });

    it('the HTML page opens offline with one line per run in each chart', async () => {
      assert.equal((await xlens(root, ['compare', ids[0], ids[1], '--html', 'page.html'])).code, 0);
      const { page, log } = await openReport(browser, join(root, 'page.html'));
      try {
        assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
        assertCleanLog(log);
        assert.equal(await page.locator('[data-chart="compare:loss"] svg .mark-line path').count(), 2);
        const text = await page.evaluate<string>('document.body.innerText');
        assert.ok(text.includes('\u001b[2Jodd'), 'the odd metric name is shown as text');
        mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
        await page.screenshot({ path: join(repoRoot, 'test-results', 'compare-cli.png'), fullPage: true });
      } finally {
        await page.context().close();
      }
    });
  });

  it('diffs params, data and code between the runs (stat and patch)', async () => {
    const result = await xlens(root, ['diff', ids[0], ids[1]]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Params:\n {2}~ lr: 0\.1 → 0\.3\n/);
    assert.match(result.stdout, /Data:\n {2}~ data\.csv: changed \([0-9a-f]{12} → [0-9a-f]{12}\)/);
    assert.match(
      result.stdout,
      /Code: [0-9a-f]{7} → [0-9a-f]{7} \(snapshot of uncommitted changes on [0-9a-f]{7}\)/,
    );
    assert.match(result.stdout, /\n {2}data\.csv +\| 1 \+\n {2}train\.js +\| 2 \+-\n {2}2 files changed/);
    const patch = await xlens(root, ['diff', ids[0], ids[1], '--patch']);
    assert.equal(patch.code, 0, patch.stderr);
    assert.match(patch.stdout, /-\s+const values = \{ loss: 1 \//);
    assert.match(patch.stdout, /\+\s+const values = \{ loss: 2 \//);
    assert.ok(
      patch.stdout.includes('\n+\tconst values = { loss: 2 /'),
      'the patch keeps the tab of the code',
    );
  });

  it('refuses unknown runs and too few runs with exit 2', async () => {
    const one = await xlens(root, ['compare', ids[0]]);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /needs at least two runs/);
    const unknown = await xlens(root, ['diff', ids[0], 'nosuchrun']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run matches "nosuchrun"/);
    const metric = await xlens(root, ['compare', ids[0], ids[1], '--metrics', 'los']);
    assert.equal(metric.code, 2);
    assert.match(metric.stderr, /no compared run has "los"/);
  });
});
