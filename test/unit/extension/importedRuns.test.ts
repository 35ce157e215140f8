import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import type { ImportedRunsResult } from '../../../src/core/metrics/discovery/importedRun';
import { MetricsWatcher } from '../../../src/core/metrics/watch';
import { ImportedFollower, importedRunState } from '../../../src/core/runs/importedFollower';
import { importedRunRecord, isImportedRecordId } from '../../../src/core/runs/importedRecord';
import type { RunChange } from '../../../src/core/runs/runFollower';
import { buildHeader, buildParams, buildSnapshot } from '../../../src/features/dashboard/viewModel';
import { ViewItems } from '../../../src/features/ids';
import {
  describeImportedRun,
  ImportedRunsModel,
  isImportedElement,
  type ImportedElement,
} from '../../../src/features/imported/importedModel';
import { comparedIdsFromArgs, importedRunsFromArgs, runsFromArgs } from '../../../src/features/runSelection';
import { RunsModel } from '../../../src/features/runs/runsModel';
import { run as ownRun } from '../compare/runs';

const FIXTURES = '/work/shared/fixtures';
const KERAS = join(
  FIXTURES,
  'keras_csv/Aitzaz-Saleem__Detection-of-Tomato-Leaf-Diseases-Using-CNN/training_log.csv',
);
const TENSORBOARD = join(FIXTURES, 'tensorboard/brianjsl__ndf_mnist/runs');
const MLFLOW = join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns');

/** A workspace holding real logs of three tools, as a user's project would. */
const root = mkdtempSync(join(tmpdir(), 'xlens-imported-'));
after(() => rmSync(root, { recursive: true, force: true }));
let scan: ImportedRunsResult;

before(async () => {
  mkdirSync(join(root, 'logs'));
  cpSync(KERAS, join(root, 'logs', 'training_log.csv'));
  cpSync(TENSORBOARD, join(root, 'runs'), { recursive: true });
  cpSync(MLFLOW, join(root, 'mlruns'), { recursive: true });
  // Our own store is never scanned, even when it holds CSV files.
  mkdirSync(join(root, '.xlens', 'runs', 'r1', 'artifacts'), { recursive: true });
  cpSync(KERAS, join(root, '.xlens', 'runs', 'r1', 'artifacts', 'training_log.csv'));
  scan = await discoverImportedRuns(root);
});

describe('imported runs in the Runs view (real TensorBoard, MLflow and Keras CSV logs)', () => {
  it('lists one "Imported runs" group with a group per format in a fixed order', () => {
    const model = new ImportedRunsModel();
    assert.deepEqual(model.roots(), [], 'no group before a scan found something');
    model.setResult(scan, 12);
    const [group] = model.roots();
    assert.deepEqual(group, { kind: 'imported' });
    const formats = model.children(group);
    assert.deepEqual(
      formats.map((f) => (f.kind === 'importedFormat' ? f.format : f.kind)),
      ['tensorboard', 'mlflow', 'keras-csv'],
    );
    const row = model.describeGroup(group);
    const total = scan.runs.length;
    assert.equal(row.label, 'Imported runs');
    assert.equal(row.description, `${total} runs · TensorBoard, MLflow, Keras CSV`);
    assert.equal(row.contextValue, ViewItems.importedGroup);

    const tensorboard = model.children(formats[0]);
    assert.equal(tensorboard.length, 10, 'one run per TensorBoard run folder');
    assert.equal(
      model.describeGroup(formats[0] as Exclude<ImportedElement, { kind: 'importedRun' }>).description,
      '10 runs',
    );
    for (const element of tensorboard) {
      assert.equal(element.kind, 'importedRun');
      assert.deepEqual(model.parent(element), formats[0]);
      const row = describeImportedRun(element.run);
      assert.match(row.label, /^Mar\d\d_[\w.-]+$/, 'a TensorBoard run is named by its folder');
      assert.ok(row.description.startsWith('runs'), `"${row.description}" names the logdir`);
    }
    assert.equal(scan.runs.filter((r) => r.relativePath.startsWith('.xlens')).length, 0);
  });

  it('describes a run with its origin, status, key metrics and a Markdown tooltip of params and metrics', () => {
    const keras = scan.runs.find((r) => r.format === 'keras-csv')!;
    const lastLine = readFileSync(KERAS, 'utf8').trim().split('\n').at(-1)!.split(',');
    const valAccuracy = Number(lastLine[3]);
    const row = describeImportedRun(keras);
    assert.equal(row.label, 'training_log.csv', 'named by the file, its folder first in the description');
    assert.equal(row.contextValue, ViewItems.importedRun);
    assert.match(
      row.description,
      new RegExp(`^logs · val_accuracy ${String(Number(valAccuracy.toPrecision(4)))}`),
    );
    assert.match(row.tooltip, /\| Metric \| Last \| Step \| Points \|/);
    assert.match(row.tooltip, /\| val\\_loss \| [\d.]+ \| 28 \| 29 \|/);
    assert.equal(row.icon.id, 'graph-line', 'a CSV log records no status');

    const mlflow = scan.runs.find((r) => r.format === 'mlflow' && Object.keys(r.params).length > 0)!;
    const mlRow = describeImportedRun(mlflow, ['validation_loss']);
    assert.ok(mlRow.label.startsWith(`${mlflow.experiment} / `), 'the experiment comes first');
    assert.match(mlRow.description, /^mlruns · succeeded · .+ · validation_loss [\d.]+$/);
    assert.equal(mlRow.icon.id, 'pass');
    assert.match(mlRow.tooltip, /\| Param \| Value \|/);
  });

  it('resolves tree arguments to imported runs, and leaves them out of the store run commands', () => {
    const model = new ImportedRunsModel();
    model.setResult(scan, 1);
    const [, second, third] = model.children({ kind: 'importedFormat', format: 'tensorboard' });
    assert.ok(isImportedElement(second) && isImportedElement(third));
    const both = importedRunsFromArgs([second, [second, third]])!;
    assert.equal(both.length, 2);
    assert.deepEqual(importedRunsFromArgs([third, [second]])!.length, 1, 'a click outside the selection');
    assert.equal(importedRunsFromArgs(['20261124T090612Z-7f3a']), undefined);
    assert.equal(importedRunsFromArgs([]), undefined);
    // The store's commands do not take imported runs for their own: they ask the user instead.
    assert.equal(runsFromArgs([second, [second]], new RunsModel()), undefined);
  });
});

describe('Compare Runs from a Runs view selection of own and imported runs', () => {
  it('compares the selected imported runs too, under the record ids the experiments table sends', () => {
    const imported = new ImportedRunsModel();
    imported.setResult(scan, 1);
    const [, second, third] = imported.children({ kind: 'importedFormat', format: 'tensorboard' });
    assert.ok(second.kind === 'importedRun' && third.kind === 'importedRun');
    const runs = new RunsModel();
    const older = ownRun('20261206T100000Z-0000000a');
    const newer = ownRun('20261206T110000Z-0000000b');
    runs.setRuns([newer, older]);
    // The table names an imported run by its record's id.
    const tableIds = [second, third]
      .map((e) => importedRunRecord(e.run).id)
      .sort((a, b) => a.localeCompare(b));
    assert.ok(tableIds.every(isImportedRecordId));

    const selection = [newer, second, older, third];
    for (const clicked of selection) {
      assert.deepEqual(comparedIdsFromArgs([clicked, selection], runs), [older.id, newer.id, ...tableIds]);
    }
    assert.deepEqual(comparedIdsFromArgs([third, [second, third]], runs), tableIds, 'imported runs only');
    assert.deepEqual(comparedIdsFromArgs([newer, [second, third]], runs), [newer.id], 'a click outside');
    assert.deepEqual(comparedIdsFromArgs([{ kind: 'commit', sha: 'a'.repeat(40) }, []], runs), [
      older.id,
      newer.id,
    ]);
    assert.equal(comparedIdsFromArgs([], runs), undefined, 'from the palette the user picks');
  });
});

describe('dashboard of an imported run', () => {
  it('shows the run read from its source: imported status, params, one chart for loss/val_loss', async () => {
    const mlflow = scan.runs.find((r) => r.format === 'mlflow' && r.metrics.length > 0)!;
    const follower = new ImportedFollower(importedRunState(mlflow), watchWithCore);
    await withFollower(follower, () => {
      const header = buildHeader(stateOf(follower));
      assert.equal(header.kind, 'mlflow');
      assert.equal(header.status, 'succeeded');
      assert.equal(header.imported?.relativePath, 'mlruns');
      assert.deepEqual(
        buildParams(stateOf(follower)).map((p) => p.name),
        Object.keys(mlflow.params).sort((a, b) => a.localeCompare(b)),
      );
      const snapshot = buildSnapshot(stateOf(follower));
      assert.deepEqual(
        snapshot.series.map((s) => [s.name, s.total]).sort(),
        mlflow.metrics.map((m) => [m.name, m.points]).sort(),
      );
      assert.ok(snapshot.charts.length >= 1);
      assert.deepEqual(snapshot.log, { lines: [], truncated: false });
    });
  });

  it('updates while the tool is still writing its CSV log', async () => {
    const dir = mkdtempSync(join(root, 'live-'));
    const file = join(dir, 'training_log.csv');
    const lines = readFileSync(KERAS, 'utf8').trim().split('\n');
    writeFileSync(file, `${lines.slice(0, 6).join('\n')}\n`);
    const found = (await discoverImportedRuns(dir)).runs[0];
    assert.equal(found.format, 'keras-csv');
    const follower = new ImportedFollower(importedRunState(found), watchWithCore);
    await withFollower(follower, async () => {
      assert.equal(follower.series.get('val_loss')?.length, 5);
      assert.equal(buildHeader(stateOf(follower)).status, 'imported', 'Keras logs record no status');
      const changed = nextChange(follower, (c) => c.appended.has('val_loss'));
      appendFileSync(file, `${lines[6]}\n`);
      // Speed is measured by test/integration/liveTail.test.ts and the bench; here only delivery counts.
      const change = await changed;
      assert.equal(change.appended.get('val_loss'), 1);
      assert.equal(follower.series.get('val_loss')?.length, 6);
      assert.equal(follower.lastStep, 5);
    });
  });
});

function watchWithCore(
  sources: Parameters<ConstructorParameters<typeof ImportedFollower>[1]>[0],
  listener: Parameters<ConstructorParameters<typeof ImportedFollower>[1]>[1],
): { dispose(): void } {
  const watcher = new MetricsWatcher({ debounceMs: 50, maxDelayMs: 200, pollMs: 200 });
  watcher.onDidUpdate(listener);
  for (const source of sources) {
    void watcher.add(source);
  }
  return watcher;
}

function stateOf(f: ImportedFollower): Parameters<typeof buildHeader>[0] {
  return {
    runId: f.imported.key,
    record: undefined,
    series: f.series,
    lastStep: f.lastStep,
    log: f.log,
    warnings: f.warnings,
    missing: f.missing,
    imported: f.imported,
  };
}

async function withFollower(f: ImportedFollower, body: () => void | Promise<void>): Promise<void> {
  try {
    await f.start();
    await body();
  } finally {
    f.dispose();
  }
}

function nextChange(f: ImportedFollower, matches: (c: RunChange) => boolean): Promise<RunChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching change within 5 s')), 5000);
    const sub = f.onDidChange((c) => {
      if (matches(c)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(c);
      }
    });
  });
}

describe('imported scanning turned off or superseded while a scan runs', () => {
  const empty: ImportedRunsResult = { runs: [], sources: [], warnings: [], warningCount: 0 };

  it('drops the result (or failure) of a scan that ends after scanning was turned off', () => {
    const model = new ImportedRunsModel();
    const running = model.setScanning();
    model.setOff();
    let changes = 0;
    model.onDidChange(() => changes++);
    assert.equal(model.setResult(scan, 5, running), false);
    assert.equal(model.setFailed('the metrics worker stopped', running), false);
    assert.deepEqual(model.state, { kind: 'off' });
    assert.deepEqual([model.runs, model.roots(), changes], [[], [], 0]);
  });

  it('drops the result of a scan superseded by a newer one, whichever ends first', () => {
    const model = new ImportedRunsModel();
    const older = model.setScanning();
    const newer = model.setScanning();
    assert.equal(model.setResult(empty, 1, newer), true);
    assert.equal(model.setResult(scan, 9, older), false);
    assert.deepEqual([model.state, model.runs], [{ kind: 'done', ms: 1 }, []]);
  });

  it('takes the scan started after scanning was turned back on', () => {
    const model = new ImportedRunsModel();
    const before = model.setScanning();
    model.setOff();
    const after = model.setScanning();
    assert.equal(model.setResult(scan, 3, before), false);
    assert.equal(model.setResult(scan, 4, after), true);
    assert.deepEqual(model.state, { kind: 'done', ms: 4 });
    assert.equal(model.runs.length, scan.runs.length);
    assert.ok(model.runs.length > 0);
  });
});
