/**
 * The reader against real event files written by PyTorch, Lightning, Keras and TF2 (see
 * test/fixtures/tensorboard/SOURCES.md). Expected numbers come from test/fixtures/tensorboard/
 * expected.json, produced once by expected.py, an independent Python-stdlib decoder.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTensorBoardLogdir, type TensorBoardRun } from '../../../../src/core/metrics/tensorboard';

const FIXTURES = join(__dirname, '../../../fixtures/tensorboard');

interface ExpectedPoint {
  step: number;
  value: number;
  time: number;
}
interface ExpectedRun {
  files: number;
  series: Record<string, { count: number; first: ExpectedPoint; last: ExpectedPoint }>;
  skipped: Record<string, number>;
  errors: number;
  dropped: number;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, ExpectedRun>
>;

const repos = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory());

async function runsOf(repo: string): Promise<Map<string, TensorBoardRun>> {
  const runs = await readTensorBoardLogdir(join(FIXTURES, repo));
  return new Map(runs.map((run) => [run.id, run]));
}

function sorted<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('TensorBoard reader on real event files', () => {
  it('has an expectation for every fixture repository', () => {
    assert.deepEqual(repos.sort(), Object.keys(expected).sort());
  });

  for (const repo of repos) {
    it(`${repo}: runs, point counts, first and last points, skipped plugins`, async () => {
      const runs = await runsOf(repo);
      const want = expected[repo];
      assert.deepEqual([...runs.keys()].sort(), Object.keys(want).sort());
      for (const [id, run] of runs) {
        const exp = want[id];
        assert.equal(exp.errors, 0, 'fixtures are intact');
        assert.deepEqual(run.warnings, [], `${id}: no warnings`);
        assert.equal(run.pendingBytes, 0, `${id}: no incomplete record`);
        assert.equal(run.source, 'tensorboard');
        assert.deepEqual(
          sorted(Object.fromEntries([...run.metrics].map(([tag, points]) => [tag, points.length]))),
          sorted(Object.fromEntries(Object.entries(exp.series).map(([tag, s]) => [tag, s.count]))),
          `${id}: tags and point counts`,
        );
        for (const [tag, s] of Object.entries(exp.series)) {
          const points = run.metrics.get(tag)!;
          assert.deepEqual(points[0], s.first, `${id} ${tag}: first point`);
          assert.deepEqual(points.at(-1), s.last, `${id} ${tag}: last point`);
        }
        assert.deepEqual(sorted(run.skippedPlugins), sorted(exp.skipped), `${id}: skipped plugins`);
      }
    });
  }

  it('reads TF2 scalars stored as DT_FLOAT tensors by the Keras TensorBoard callback', async () => {
    const runs = await runsOf('TheCodeheadMT__TensorBoard-Tutorial');
    const train = runs.get('archive/logs/imdb-model-1690485351/train')!;
    const loss = train.metrics.get('epoch_loss')!;
    assert.equal(loss.length, 20);
    assert.deepEqual(
      loss.map((p) => p.step),
      Array.from({ length: 20 }, (_, i) => i),
    );
    // Weight histograms (DT_DOUBLE tensors) and the Keras model graph are counted, not read.
    assert.deepEqual(train.skippedPlugins, { histograms: 120, graph_keras_model: 1 });
    const validation = runs.get('archive/logs/imdb-model-1690485351/validation')!;
    assert.ok(validation.metrics.has('evaluation_loss_vs_iterations'));
  });

  it('keeps tags with spaces and reads a header-only file as an empty run', async () => {
    const runs = await runsOf('BozzoloLu__GAN');
    const full = runs.get('logs/GAN/20221120-123722')!;
    assert.deepEqual([...full.metrics.keys()].sort(), ['Discriminator loss', 'Generator loss']);
    assert.ok(full.startTime! <= full.endTime!);
    const headerOnly = runs.get('logs/GAN/20221120-124634')!;
    assert.equal(headerOnly.metrics.size, 0);
    assert.deepEqual(headerOnly.warnings, []);
    assert.equal(headerOnly.startTime, undefined);
  });

  it('merges several event files of one run in creation order', async () => {
    const runs = await runsOf('ZeroToMax-ZYZ__study_tensorboard');
    const run = runs.get('runs/my_first_experiment')!;
    const expectedRun = expected['ZeroToMax-ZYZ__study_tensorboard']['runs/my_first_experiment'];
    assert.equal(expectedRun.files, 2);
    const loss = run.metrics.get('Metrics/Loss')!;
    assert.equal(loss.length, 200);
    // The second file (written later) follows the first: wall times never go back.
    assert.ok(loss.every((p, i) => i === 0 || p.time! >= loss[i - 1].time!));
  });

  it('finds nested runs: an hparams sub-writer below a run folder is a run of its own', async () => {
    const runs = await runsOf('ZeroToMax-ZYZ__study_tensorboard');
    assert.ok(runs.has('runs/hparams_search_exp_1'));
    const nested = runs.get('runs/hparams_search_exp_1/1771595857.3236299')!;
    assert.deepEqual(nested.skippedPlugins, { hparams: 3 });
    assert.equal(nested.metrics.get('hparam/Final_Val_Loss')!.length, 1);
  });
});
