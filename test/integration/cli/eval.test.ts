// `xlens eval` as a real process on predictions written by scikit-learn models (test/fixtures/eval):
// the table, the JSON (compared with scikit-learn's numbers), and the offline HTML report drawn in
// headless Chromium (screenshot in test-results/eval-report.png).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { tempDir } from '../../helpers/gitRepo';
import { buildReportBundle } from '../../helpers/reportBundle';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../../helpers/reportBrowser';
import { repoRoot, xlens } from '../../helpers/xlensProcess';

const FIXTURES = join(repoRoot, 'test/fixtures/eval');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as {
  cases: Record<string, unknown>[];
};
const refCase = (name: string) => reference.cases.find((c) => c.name === name)!;

function near(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12,
    `${what}: ${actual} vs scikit-learn ${expected}`,
  );
}

describe('xlens eval', () => {
  before(async () => {
    // The CLI run from sources inlines dist/webviews/report.js: build it from the current sources.
    await buildReportBundle(repoRoot, join(repoRoot, 'dist', 'webviews'));
  });

  it('finds the columns of a binary predictions file by name, says so, and prints the report', async () => {
    const r = await xlens(FIXTURES, ['eval', 'weather-rain.csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /target: column "y" \(found by name/);
    assert.match(r.stderr, /predicted labels: column "pred"/);
    assert.match(r.stderr, /probabilities: "proba"/);
    assert.match(r.stderr, /positive class: 1 \(the greater label/);
    assert.match(r.stdout, /^class\s+precision\s+recall\s+f1\s+support$/m);
    assert.match(r.stdout, /^ROC AUC \(positive: 1\)\s+0\.8617$/m);
    assert.match(r.stdout, /^best F1 threshold\s+0\.48\d+ \(F1 /m);
    assert.match(r.stdout, /^0\s+339\s+99$/m); // confusion matrix row of class 0
  });

  it("writes JSON whose numbers are scikit-learn's, with curves thinned to 1,000 points", async () => {
    const out = join(tempDir('xlens-eval-'), 'out', 'kind.json');
    const r = await xlens(FIXTURES, ['eval', 'weather-kind.csv', '--json', out]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const want = refCase('weather-kind');
    assert.equal(json.columns.target, 'weather');
    near(json.evaluation.accuracy, want.accuracy as number, 'accuracy');
    near(json.evaluation.scores.rocAuc, want.roc_auc_macro as number, 'roc auc macro');
    near(json.evaluation.scores.logLoss, want.log_loss as number, 'log loss');
    assert.ok(
      json.evaluation.scores.curves.every((c: { roc: { fpr: unknown[] } }) => c.roc.fpr.length <= 1000),
    );
    assert.match(
      r.stdout,
      /Precision and F-score are ill-defined and being set to 0\.0 in labels with no predicted samples/,
    );
  });

  it('evaluates regression and prints it as JSON on stdout with --json -', async () => {
    const r = await xlens(FIXTURES, ['eval', 'cars-mpg.csv', '--json', '-']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    const want = refCase('cars-mpg');
    assert.equal(json.evaluation.problem, 'regression');
    for (const [mine, theirs] of [
      ['mae', 'mae'],
      ['rmse', 'rmse'],
      ['r2', 'r2'],
      ['mape', 'mape'],
      ['medianAbsoluteError', 'median_absolute_error'],
      ['explainedVariance', 'explained_variance'],
    ]) {
      near(json.evaluation[mine], want[theirs] as number, mine);
    }
  });

  it(
    'writes an offline HTML report whose charts render in Chromium',
    { skip: browserSkipReason() },
    async () => {
      const dir = tempDir('xlens-eval-html-');
      const html = join(dir, 'eval.html');
      const r = await xlens(FIXTURES, ['eval', 'weather-rain.csv', '--html', html]);
      assert.equal(r.code, 0, r.stderr);
      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        const { page, log } = await openReport(browser, html);
        assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
        assertCleanLog(log);
        for (const id of ['eval:roc', 'eval:pr', 'eval:calibration', 'eval:threshold']) {
          assert.ok((await page.locator(`[data-chart="${id}"] svg .mark-line path`).count()) > 0, id);
        }
        assert.ok((await page.locator('[data-chart="eval:confusion"] svg .mark-rect path').count()) > 0);
        assert.match(await page.locator('#classification-report').innerText(), /weighted avg/);
        mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
        await page.screenshot({ path: join(repoRoot, 'test-results', 'eval-report.png'), fullPage: true });
        writeFileSync(join(repoRoot, 'test-results', 'eval.html'), readFileSync(html));
      } finally {
        await browser?.close();
      }
    },
  );
});
