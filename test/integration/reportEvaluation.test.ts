/**
 * The run report of a real built-in training run in headless Chromium: the trainer child process
 * trains on the penguins example, and the report of that run folder shows the evaluation's single
 * values as tiles (no one-dot charts), the confusion matrix as a heatmap with a per-class table, and
 * curves with whole-number epoch ticks. Screenshot in test-results/report-evaluation.png.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { resolveEntrypoint } from '../../src/core/base/entrypoints';
import { loadProjectOrThrow } from '../../src/core/config/load';
import type { TfjsTrainTask } from '../../src/core/config/types';
import { type MetricLine, parseMetricLine } from '../../src/core/metrics/jsonl';
import { renderRunReportHtml } from '../../src/core/report/runReport';
import { seriesFromLines } from '../../src/core/report/writeRunReport';
import { buildReportBundle } from '../helpers/reportBundle';
import { browserSkipReason, launchChromium, openReport } from '../helpers/reportBrowser';
import { runRecord } from '../helpers/reportFixtures';

const root = resolve(__dirname, '../..');
const example = join(root, 'examples/penguins');
const results = join(root, 'test-results');
const skip = browserSkipReason();

async function trainPenguins(runDir: string): Promise<void> {
  const project = await loadProjectOrThrow(example);
  const task = { ...(project.tasks.get('train') as TfjsTrainTask), epochs: 12, earlyStopping: undefined };
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'task.json'), JSON.stringify(task));
  const entry = resolveEntrypoint('trainer');
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, join(runDir, 'task.json')], {
    cwd: example,
    env: { ...process.env, XLENS_RUN_DIR: runDir, XLENS_METRICS_FILE: join(runDir, 'metrics.jsonl') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.equal(code, 0, stderr);
}

describe('run report of a built-in training run in headless Chromium', { skip }, () => {
  let browser: Browser;
  let bundlePath: string;
  const runDir = join(mkdtempSync(join(tmpdir(), 'xlens-report-eval-')), 'run');

  before(async () => {
    mkdirSync(results, { recursive: true });
    [bundlePath] = await Promise.all([buildReportBundle(root), trainPenguins(runDir)]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  it('shows eval values as tiles, the confusion matrix as a heatmap and integer epoch ticks', async () => {
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((text, i) => ({ ...(parseMetricLine(text, i + 1) as Omit<MetricLine, 'line'>), line: i + 1 }));
    const series = seriesFromLines(lines);
    const evaluation = JSON.parse(readFileSync(join(runDir, 'artifacts', 'evaluation.json'), 'utf8')) as {
      confusionMatrix: { labels: string[] };
      perClass: unknown[];
    };
    const html = renderRunReportHtml(runRecord(series), series, { bundlePath, xTitle: 'epoch', evaluation });
    const file = join(results, 'report-evaluation.html');
    writeFileSync(file, html);
    const { page, log } = await openReport(browser, file);
    try {
      assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
      assert.deepEqual(
        [log.pageErrors, log.consoleErrors, log.cspViolations, log.blockedRequests],
        [[], [], [], []],
      );
      const charts = await Promise.all(
        (await page.locator('[data-chart]').all()).map((l) => l.getAttribute('data-chart')),
      );
      assert.deepEqual(charts.sort(), ['confusion:validation', 'metric:accuracy', 'metric:loss']);
      const evalNames = [...series.keys()].filter((n) => n.startsWith('eval/'));
      // accuracy, macro precision/recall/F1, and from the softmax output log loss, ROC AUC, average precision.
      assert.deepEqual(evalNames, [
        'eval/accuracy',
        'eval/precision_macro',
        'eval/recall_macro',
        'eval/f1_macro',
        'eval/log_loss',
        'eval/roc_auc',
        'eval/average_precision',
      ]);
      assert.deepEqual(
        await Promise.all((await page.locator('.tile').all()).map((t) => t.getAttribute('title'))),
        evalNames,
      );
      const k = evaluation.confusionMatrix.labels.length;
      assert.equal(
        await page.locator('[data-chart="confusion:validation"] svg .mark-rect path').count(),
        k * k,
      );
      assert.equal(await page.locator('table.per-class tbody tr').count(), evaluation.perClass.length);
      const ticks = await page
        .locator('[data-chart="metric:loss"] svg g.role-axis[aria-label^="X-axis"] .role-axis-label text')
        .allTextContents();
      assert.ok(ticks.length >= 5, ticks.join(' '));
      assert.ok(
        ticks.every((t) => /^\d+$/.test(t)),
        `whole-number epoch ticks: ${ticks.join(' ')}`,
      );
      await page.screenshot({ path: join(results, 'report-evaluation.png'), fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});
