/**
 * Restoring a dashboard after a window reload: the state the view saved comes from the webview, so it
 * is checked before it names a file for the host to tail.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import type { ImportedRun } from '../../../src/core/metrics/discovery/importedRun';
import { createReader } from '../../../src/core/metrics/readerFactory';
import type { MetricSourceKind } from '../../../src/core/metrics/series';
import { importedRunState } from '../../../src/core/runs/importedFollower';
import {
  FOLLOWABLE_FORMATS,
  isInsideRoot,
  readSavedDashboard,
} from '../../../src/features/dashboard/savedState';
import { buildSnapshot } from '../../../src/features/dashboard/viewModel';

const MLFLOW = '/work/shared/fixtures/mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns';

const root = mkdtempSync(join(tmpdir(), 'xlens-saved-'));
after(() => rmSync(root, { recursive: true, force: true }));
let run: ImportedRun;

before(async () => {
  cpSync(MLFLOW, join(root, 'mlruns'), { recursive: true });
  run = (await discoverImportedRuns(root)).runs.find((r) => Object.keys(r.params).length > 0)!;
});

/** The state the dashboard view saves: its run id and the last snapshot it drew. */
function savedState(state = importedRunState(run)): { runId: string; snapshot: unknown } {
  const snapshot = buildSnapshot({
    runId: state.key,
    record: undefined,
    series: new Map(),
    lastStep: null,
    log: { lines: [], truncated: false },
    warnings: [],
    missing: false,
    imported: state,
  });
  return { runId: state.key, snapshot: JSON.parse(JSON.stringify(snapshot)) as unknown };
}

/** The saved state with the source of its snapshot's header changed. */
function withSource(change: Record<string, unknown>, runId?: string): unknown {
  const state = savedState() as {
    runId: string;
    snapshot: { header: { imported: Record<string, unknown> } };
  };
  Object.assign(state.snapshot.header.imported, change);
  return { ...state, runId: runId ?? state.runId };
}

describe('restoring a dashboard from the state its view saved', () => {
  it('restores an imported run with its source, name and params as discovery found them', () => {
    const saved = readSavedDashboard(savedState(), root);
    assert.equal(saved.kind, 'imported');
    const expected = importedRunState(run);
    assert.deepEqual(saved.run.source, expected.source);
    assert.equal(saved.run.key, run.key);
    assert.equal(saved.run.name, run.name, 'the experiment prefix of the title is not part of the name');
    assert.deepEqual({ ...saved.run.params }, { ...expected.params });
  });

  it('restores a run of the store by its id', () => {
    assert.deepEqual(readSavedDashboard({ runId: '20261124T090612Z-7f3a' }, root), {
      kind: 'run',
      runId: '20261124T090612Z-7f3a',
    });
  });

  it('refuses a source outside the workspace, however it is spelled', () => {
    for (const path of [
      '/etc/passwd',
      join(root, '..', 'elsewhere', 'mlruns'),
      'mlruns',
      `${root}-other/mlruns`,
    ]) {
      const saved = readSavedDashboard(withSource({ path }, `mlflow:${path}#${run.id}`), root);
      assert.equal(saved.kind, 'invalid', path);
      assert.match(saved.reason, /is not a path inside the workspace/);
    }
  });

  it('refuses a format without a file reader, and unknown ones', () => {
    for (const format of ['stdout', 'python', '__proto__', 42]) {
      const path = join(root, 'mlruns');
      const saved = readSavedDashboard(withSource({ format }, `${String(format)}:${path}#${run.id}`), root);
      assert.equal(saved.kind, 'invalid', String(format));
      assert.match(saved.reason, /is not a format of imported runs/);
    }
  });

  it('refuses a key that does not belong to the source, and run ids that are paths', () => {
    const other = readSavedDashboard(withSource({}, `mlflow:${join(root, 'other')}#${run.id}`), root);
    assert.equal(other.kind, 'invalid');
    assert.equal(readSavedDashboard({ runId: '../../etc' }, root).kind, 'invalid');
    assert.equal(readSavedDashboard({ runId: '..' }, root).kind, 'invalid');
    assert.equal(readSavedDashboard({}, root).kind, 'invalid');
    assert.equal(readSavedDashboard('not an object', root).kind, 'invalid');
    assert.equal(readSavedDashboard(withSource({ sourceRunId: 7 }), root).kind, 'invalid');
  });

  it('lists exactly the formats the reader factory reads from files', () => {
    const kinds: MetricSourceKind[] = [
      'jsonl',
      'stdout',
      'tensorboard',
      'mlflow',
      'dvclive',
      'keras-csv',
      'lightning-csv',
    ];
    for (const format of kinds) {
      const readable = (() => {
        try {
          createReader({ format, path: join(root, 'missing') }).dispose?.();
          return true;
        } catch {
          return false;
        }
      })();
      assert.equal(Object.hasOwn(FOLLOWABLE_FORMATS, format), readable, format);
    }
  });

  it('tells paths inside a root from paths beside it', () => {
    assert.equal(isInsideRoot('/ws', '/ws'), true);
    assert.equal(isInsideRoot('/ws', '/ws/logs/a.csv'), true);
    assert.equal(isInsideRoot('/ws', '/ws/../ws2/a.csv'), false);
    assert.equal(isInsideRoot('/ws', '/ws2/a.csv'), false);
    assert.equal(isInsideRoot('/ws', 'logs/a.csv'), false);
  });
});
