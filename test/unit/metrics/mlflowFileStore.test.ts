import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MlflowFileStoreReader, parseMetricLine } from '../../../src/core/metrics/mlflow/fileStore';
import { mlflowStatus } from '../../../src/core/metrics/mlflow/common';
import { readAll, SeriesAccumulator } from '../../../src/core/metrics/readers';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures/mlflow');

interface ExpectedRun {
  experiment: string;
  name: string;
  status: string | null;
  startTime: number | null;
  endTime: number | null;
  gitCommit: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, { count: number; first: number[]; last: number[] }>;
}
/** Computed by test/fixtures/mlflow/expected.py (python3 stdlib), independently of the reader. */
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'EXPECTED.json'), 'utf8')) as Record<
  string,
  Record<string, ExpectedRun>
>;

describe('MLflow file store reader on real mlruns/ folders', () => {
  for (const [repo, expectedRuns] of Object.entries(EXPECTED)) {
    it(`reads ${repo}: runs, names, statuses, times, params, tags, git commits and every metric`, async () => {
      const { runs, warnings } = await readAll(new MlflowFileStoreReader(join(FIXTURES, repo, 'mlruns')));
      assert.deepEqual(warnings, []);
      assert.deepEqual(runs.map((r) => r.id).sort(), Object.keys(expectedRuns).sort());
      for (const run of runs) {
        const want = expectedRuns[run.id];
        assert.equal(run.source, 'mlflow');
        assert.equal(run.name, want.name, `name of ${run.id}`);
        assert.equal(run.experiment, want.experiment);
        assert.equal(run.status ?? null, want.status, `status of ${run.id}`);
        assert.equal(run.startTime ?? null, want.startTime);
        assert.equal(run.endTime ?? null, want.endTime);
        assert.equal(run.gitCommit ?? null, want.gitCommit);
        assert.deepEqual(run.params, want.params);
        assert.deepEqual(run.tags, want.tags);
        assert.deepEqual([...run.metrics.keys()].sort(), Object.keys(want.metrics).sort());
        for (const [key, points] of run.metrics) {
          const m = want.metrics[key];
          const first = points[0];
          const last = points[points.length - 1];
          assert.equal(points.length, m.count, `${run.id}/${key} count`);
          assert.deepEqual([first.step, first.value, first.time], m.first, `${run.id}/${key} first`);
          assert.deepEqual([last.step, last.value, last.time], m.last, `${run.id}/${key} last`);
        }
      }
    });
  }

  it('finds the git commit of every run of a store that records it (mlflow.source.git.commit)', async () => {
    const { runs } = await readAll(
      new MlflowFileStoreReader(join(FIXTURES, '1ayham1__genre_classification/mlruns')),
    );
    assert.equal(runs.length, 37);
    assert.ok(runs.every((r) => /^[0-9a-f]{40}$/.test(r.gitCommit ?? '')));
  });

  it('keeps the parent link of nested runs as a tag and skips deleted runs', async () => {
    const gan = await readAll(new MlflowFileStoreReader(join(FIXTURES, 'BozzoloLu__GAN/mlruns')));
    const children = gan.runs.filter((r) => r.tags['mlflow.parentRunId']);
    assert.equal(children.length, 3);
    for (const child of children) {
      assert.ok(gan.runs.some((r) => r.id === child.tags['mlflow.parentRunId']));
    }
    // DiegoFabianTondo: 5 run folders, 4 with lifecycle_stage: deleted.
    const diego = await readAll(
      new MlflowFileStoreReader(join(FIXTURES, 'DiegoFabianTondo__DS20_DeepLearning/mlruns')),
    );
    assert.equal(diego.runs.length, 1);
  });
});

describe('MLflow file store reader, edge cases', () => {
  function makeStore(): { root: string; run: string } {
    const root = join(tempDir('xlens-mlflow-'), 'mlruns');
    const run = join(root, '3', 'abc123');
    mkdirSync(join(run, 'metrics', 'val'), { recursive: true });
    mkdirSync(join(run, 'tags'), { recursive: true });
    mkdirSync(join(run, 'params'), { recursive: true });
    writeFileSync(join(root, '3', 'meta.yaml'), "experiment_id: '3'\nlifecycle_stage: active\nname: edge\n");
    writeFileSync(
      join(run, 'meta.yaml'),
      "run_id: abc123\nrun_name: edge-run\nstatus: 1\nstart_time: 1700000000000\nend_time: null\nlifecycle_stage: active\nexperiment_id: '3'\n",
    );
    writeFileSync(join(run, 'params', 'lr'), '0.01');
    writeFileSync(join(run, 'tags', 'mlflow.source.git.commit'), 'a'.repeat(40));
    return { root, run };
  }

  it('reads a key containing "/" from its sub-folder, as "val/loss"', async () => {
    const { root, run } = makeStore();
    writeFileSync(join(run, 'metrics', 'val', 'loss'), '1700000000001 0.5 0\n1700000000002 0.4 1\n');
    const { runs } = await readAll(new MlflowFileStoreReader(root));
    assert.deepEqual([...runs[0].metrics.keys()], ['val/loss']);
    assert.deepEqual(
      runs[0].metrics.get('val/loss')!.map((p) => p.value),
      [0.5, 0.4],
    );
    assert.equal(runs[0].status, 'running');
    assert.equal(runs[0].endTime, undefined);
    assert.equal(runs[0].gitCommit, 'a'.repeat(40));
  });

  it('reads only what was appended, leaves a partial last line for later and reports status changes', async () => {
    const { root, run } = makeStore();
    const file = join(run, 'metrics', 'loss');
    writeFileSync(file, '1700000000001 0.9 0\n1700000000002 0.8 1\n1700000000003 0.7');
    const reader = new MlflowFileStoreReader(root);
    const acc = new SeriesAccumulator();
    const first = await reader.read();
    acc.apply(first);
    assert.deepEqual(first.warnings, [], 'a partial tail is not corruption');
    assert.deepEqual(
      first.runs[0].metrics.get('loss')!.map((p) => p.step),
      [0, 1],
    );

    appendFileSync(file, ' 2\n1700000000004 0.6 3\n');
    const second = await reader.read();
    acc.apply(second);
    assert.deepEqual(
      second.runs[0].metrics.get('loss')!.map((p) => [p.step, p.value]),
      [
        [2, 0.7],
        [3, 0.6],
      ],
    );

    const nothing = await reader.read();
    assert.deepEqual(nothing.runs, [], 'no change, no run reported');

    writeFileSync(
      join(run, 'meta.yaml'),
      readFileSync(join(run, 'meta.yaml'), 'utf8')
        .replace('status: 1', 'status: 3')
        .replace('end_time: null', 'end_time: 1700000009000'),
    );
    const finished = await reader.read();
    assert.equal(finished.runs.length, 1);
    assert.equal(finished.runs[0].status, 'succeeded');
    assert.equal(finished.runs[0].endTime, 1700000009000);
    assert.equal(finished.runs[0].metrics.size, 0);
    acc.apply(finished);
    assert.deepEqual(
      acc
        .get('abc123')!
        .metrics.get('loss')!
        .map((p) => p.step),
      [0, 1, 2, 3],
    );
  });

  it('warns about a non-numeric value with file and line, and keeps the other lines', async () => {
    const { root, run } = makeStore();
    const file = join(run, 'metrics', 'acc');
    writeFileSync(file, '1700000000001 0.5 0\n1700000000002 oops 1\n1700000000003 0.7 2\n');
    const { runs, warnings } = await readAll(new MlflowFileStoreReader(root));
    assert.deepEqual(
      runs[0].metrics.get('acc')!.map((p) => p.value),
      [0.5, 0.7],
    );
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].file, file);
    assert.equal(warnings[0].line, 2);
    assert.match(warnings[0].message, /oops/);
  });

  it('skips .trash and deleted experiments, and reports a run deleted later as removed', async () => {
    const { root, run } = makeStore();
    cpSync(join(root, '3'), join(root, '.trash', '3'), { recursive: true });
    mkdirSync(join(root, '9', 'r9'), { recursive: true });
    writeFileSync(join(root, '9', 'meta.yaml'), 'name: gone\nlifecycle_stage: deleted\n');
    writeFileSync(join(root, '9', 'r9', 'meta.yaml'), 'run_id: r9\nstatus: 3\nlifecycle_stage: active\n');
    const reader = new MlflowFileStoreReader(root);
    const first = await reader.read();
    assert.deepEqual(
      first.runs.map((r) => r.id),
      ['abc123'],
    );
    rmSync(run, { recursive: true });
    const second = await reader.read();
    assert.deepEqual(second.removed, ['abc123']);
  });

  it('reads a rewritten metric file again from the start and says so (reset)', async () => {
    const { root, run } = makeStore();
    const file = join(run, 'metrics', 'loss');
    writeFileSync(file, '1700000000001 0.9 0\n1700000000002 0.8 1\n');
    const reader = new MlflowFileStoreReader(root);
    await reader.read();
    writeFileSync(file, '1700000000005 0.1 0\n');
    const again = await reader.read();
    assert.deepEqual(again.reset, ['abc123']);
    assert.deepEqual(
      again.runs[0].metrics.get('loss')!.map((p) => p.value),
      [0.1],
    );
  });

  it('parses metric lines with and without a step, and rejects malformed ones', () => {
    assert.deepEqual(parseMetricLine('1668944947747 9.22 7'), { step: 7, value: 9.22, time: 1668944947747 });
    assert.deepEqual(parseMetricLine('1668944947747 9.22'), { step: 0, value: 9.22, time: 1668944947747 });
    assert.equal(parseMetricLine('   '), undefined);
    assert.deepEqual(
      parseMetricLine('1 nan 2'),
      { step: 2, value: NaN, time: 1 },
      'a diverged value is a point',
    );
    assert.deepEqual(parseMetricLine('1 -inf 2'), { step: 2, value: -Infinity, time: 1 });
    assert.match(parseMetricLine('1 2 -3') as string, /step/);
    assert.match(parseMetricLine('x 2 3') as string, /timestamp/);
  });

  it('maps MLflow status codes and names to run statuses', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(mlflowStatus), [
      'running',
      'queued',
      'succeeded',
      'failed',
      'cancelled',
    ]);
    assert.deepEqual(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].map(mlflowStatus), [
      'running',
      'queued',
      'succeeded',
      'failed',
      'cancelled',
    ]);
    assert.equal(mlflowStatus(9), undefined);
  });
});
