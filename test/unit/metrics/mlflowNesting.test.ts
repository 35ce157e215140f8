import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportedRun } from '../../../src/core/metrics/discovery/importedRun';
import { nestImportedRuns } from '../../../src/core/metrics/mlflow/nesting';

function run(id: string, parent?: string, source = '/ws/mlflow.db'): ImportedRun {
  return {
    key: `mlflow:${source}#${id}`,
    format: 'mlflow',
    source,
    relativePath: 'mlflow.db',
    id,
    name: id,
    params: {},
    tags: parent ? { 'mlflow.parentRunId': parent } : {},
    metrics: [],
  };
}

describe('nesting of imported MLflow runs (mlflow.parentRunId)', () => {
  it('puts children after their parent, grandchildren deeper, and keeps list order among siblings', () => {
    const runs = [run('c2', 'p'), run('p'), run('g', 'c1'), run('c1', 'p'), run('q')];
    const nesting = nestImportedRuns(runs);
    assert.deepEqual(
      nesting.ordered().map(({ run: r, depth }) => `${depth}:${r.id}`),
      ['0:p', '1:c2', '1:c1', '2:g', '0:q'],
    );
    assert.equal(nesting.parent(runs[2])?.id, 'c1');
  });

  it('leaves at the top a run whose parent is missing or in another source, and cuts a cycle of tags', () => {
    const other = run('x', 'p', '/ws/other/mlflow.db');
    const runs = [run('p'), run('orphan', 'gone'), other, run('a', 'b'), run('b', 'a'), run('self', 'self')];
    const nesting = nestImportedRuns(runs);
    const roots = nesting.roots().map((r) => r.id);
    assert.ok(roots.includes('orphan') && roots.includes('x') && roots.includes('self'));
    assert.equal(nesting.ordered().length, runs.length, 'every run listed once');
    assert.equal(roots.filter((id) => id === 'a' || id === 'b').length, 1, 'one of the cycle is a root');
  });
});
