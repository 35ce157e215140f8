/**
 * The compare view's imported runs (features/compare/comparedRuns.ts): a W&B run (the real offline run in
 * test/fixtures/wandb/git) found by its record id, after the workspace scan that a window reload makes
 * it wait for, followed through a real metrics watcher, and compared with an own run: its metric
 * summaries come from the series read, and the snapshot draws both runs. A run the scan has not (scanning
 * turned off, a failed scan, deleted logs) is not available, with the reason among the snapshot's notes.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { seriesPoints } from '../../../src/core/metrics/metricColumns';
import { MetricsWatcher } from '../../../src/core/metrics/watch';
import type { WatchSources } from '../../../src/core/runs/importedFollower';
import { importedRecordId } from '../../../src/core/runs/importedRecord';
import type { RunRecord } from '../../../src/core/runs/types';
import { ImportedComparedRun } from '../../../src/features/compare/comparedRuns';
import { buildCompareSnapshot } from '../../../src/features/compare/viewModel';
import { ImportedRunsModel } from '../../../src/features/imported/importedModel';
import { DEFAULT_COMPARE_OPTIONS } from '../../../src/protocol/compare';
import { tempDir } from '../../helpers/gitRepo';
import { run } from '../../unit/compare/runs';

const FIXTURE = join(__dirname, '../../fixtures/wandb/git');

const watch = (): Promise<WatchSources> =>
  Promise.resolve((sources, listener) => {
    const watcher = new MetricsWatcher({ pollMs: 200 });
    watcher.onDidUpdate(listener);
    for (const source of sources) {
      void watcher.add(source);
    }
    return watcher;
  });

describe('compare: an imported run beside an own run', () => {
  it('waits for the scan, follows the W&B run and compares it with summaries of what was logged', async () => {
    const ws = tempDir('xlens-compare-imported-');
    cpSync(join(FIXTURE, 'wandb'), join(ws, 'wandb'), { recursive: true });
    const logged = (
      JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
        logged: Record<string, number>[];
      }
    ).logged;
    const result = await discoverImportedRuns(ws, { taskSources: false });
    assert.equal(result.runs.length, 1);
    const id = importedRecordId(result.runs[0]);

    // As after a window reload: the compare view is restored before the first scan finished.
    const model = new ImportedRunsModel();
    const compared = new ImportedComparedRun(id, model, watch);
    try {
      assert.equal(compared.record, undefined);
      model.setResult(result, 1);
      await compared.ready;
      const record = compared.record!;
      assert.equal(record.id, id);
      assert.equal(record.imported?.label, 'W&B');
      const losses = logged.map((line) => line['val/loss']);
      assert.deepEqual(
        seriesPoints(compared.series.get('val/loss') ?? []).map((p) => p.value),
        losses,
      );
      assert.equal(record.metrics['val/loss'].min, Math.min(...losses));
      assert.equal(record.metrics['val/loss'].last, losses[losses.length - 1]);

      const own = run('20261206T100300Z-00000003', { metrics: { 'val/loss': [2.5, 1.5, 0.5] } });
      const snapshot = buildCompareSnapshot(
        [
          {
            record: own,
            series: new Map([
              ['val/loss', [0, 1, 2].map((step) => ({ step, value: [2.5, 1.5, 0.5][step] }))],
            ]),
          },
          { record, series: compared.series },
        ],
        DEFAULT_COMPARE_OPTIONS,
      );
      assert.deepEqual(
        snapshot.runs.map((r) => r.id),
        [own.id, id],
      );
      assert.ok(snapshot.charts.some((chart) => chart.title.includes('val/loss')));
      const row = snapshot.metrics.find((m) => m.name === 'val/loss');
      assert.ok(row, JSON.stringify(snapshot.metrics.map((m) => m.name)));
    } finally {
      compared.dispose();
    }
  });

  it('settles as not available while scanning is off, says how to turn it on, draws the rest, then follows it once on', async () => {
    const ws = tempDir('xlens-compare-imported-off-');
    cpSync(join(FIXTURE, 'wandb'), join(ws, 'wandb'), { recursive: true });
    const result = await discoverImportedRuns(ws, { taskSources: false });
    const id = importedRecordId(result.runs[0]);

    // A compare view restored after a window reload with xlens.imported.enabled off: no scan comes.
    const model = new ImportedRunsModel();
    const compared = new ImportedComparedRun(id, model, watch);
    try {
      model.setOff();
      await compared.ready;
      assert.equal(compared.record, undefined);
      assert.match(compared.unavailable ?? '', new RegExp(`Run ${id} is not shown: .*turned off`));
      assert.match(compared.unavailable ?? '', /Turn on the setting xlens\.imported\.enabled/);

      const own = run('20261206T100300Z-00000003', { metrics: { 'val/loss': [2.5, 1.5] } });
      const points = [0, 1].map((step) => ({ step, value: [2.5, 1.5][step] }));
      const snapshot = buildCompareSnapshot(
        [{ record: own, series: new Map([['val/loss', points]]) }],
        DEFAULT_COMPARE_OPTIONS,
        [compared.unavailable!],
      );
      assert.deepEqual(
        snapshot.runs.map((r) => r.id),
        [own.id],
      );
      assert.equal(snapshot.charts.length, 1);
      assert.equal(snapshot.notes[0], compared.unavailable);

      // Scanning turned back on: the next scan finds the run and the view follows it.
      const followed = new Promise<void>((resolve) => {
        const listener = compared.onDidChange(() => {
          if (compared.record !== undefined && compared.series.size > 0) {
            listener.dispose();
            resolve();
          }
        });
      });
      model.setResult(result, 1);
      await followed;
      assert.equal(compared.unavailable, undefined);
      assert.equal((compared.record as RunRecord | undefined)?.id, id);
    } finally {
      compared.dispose();
    }
  });

  it('settles as not available when the first scan failed', async () => {
    const model = new ImportedRunsModel();
    const compared = new ImportedComparedRun('wandb-gone-0123456789', model, watch);
    model.setFailed('the metrics worker stopped');
    await compared.ready;
    assert.equal(compared.record, undefined);
    assert.match(compared.unavailable ?? '', /scanning .* failed \(the metrics worker stopped\)/);
    compared.dispose();
  });

  it('has no record when the finished scan does not hold the run (its logs were deleted)', async () => {
    const model = new ImportedRunsModel();
    const compared = new ImportedComparedRun('wandb-gone-0123456789', model, watch);
    model.setResult({ runs: [], sources: [], warnings: [], warningCount: 0 }, 1);
    await compared.ready;
    assert.equal(compared.record, undefined);
    assert.match(compared.unavailable ?? '', /no longer finds its logs/);
    assert.deepEqual(compared.dashboardArgs(), []);
    compared.dispose();
  });
});
