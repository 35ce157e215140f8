/**
 * `xlens compare` and `xlens diff` on imported runs (real W&B, MLflow and TensorBoard logs from
 * test/fixtures) beside a run of this workspace, named as `xlens runs` lists them: the figures are those
 * the editor's compare view shows for the same runs (its snapshot built here through the view's own
 * follower), the W&B figures those its generating script logged (expected.json), `--html` draws the
 * imported curves, and `xlens diff` gives the params and says what an imported run lacks.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunComparison } from '../../../src/core/compare/comparison';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { MetricsWatcher } from '../../../src/core/metrics/watch';
import type { WatchSources } from '../../../src/core/runs/importedFollower';
import { importedRecordId } from '../../../src/core/runs/importedRecord';
import type { RunRecord } from '../../../src/core/runs/types';
import { ImportedComparedRun } from '../../../src/features/compare/comparedRuns';
import { buildCompareSnapshot } from '../../../src/features/compare/viewModel';
import { ImportedRunsModel } from '../../../src/features/imported/importedModel';
import { DEFAULT_COMPARE_OPTIONS } from '../../../src/protocol/compare';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, xlens } from '../../helpers/xlensProcess';

const FIXTURES = join(__dirname, '../../fixtures');
/** The one active run of the MLflow fixture, as `xlens runs` names it. */
const MLFLOW_RUN = 'cf0d0697f8ab462a80a30d4c8b0b3c2a';
/** A TensorBoard run of the GAN fixture, as `xlens runs` names it. */
const TB_RUN = 'tb/GAN/20221120-123722';
const OWN_LOSSES = [2.5, 1.5, 0.5];

const train = `const { appendFileSync } = require('node:fs');
${JSON.stringify(OWN_LOSSES)}.forEach((v, step) =>
  appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values: { 'val/loss': v } }) + '\\n'));
`;

const watch = (): Promise<WatchSources> =>
  Promise.resolve((sources, listener) => {
    const watcher = new MetricsWatcher({ pollMs: 200 });
    watcher.onDidUpdate(listener);
    for (const source of sources) {
      void watcher.add(source);
    }
    return watcher;
  });

describe('xlens compare and xlens diff with imported runs (real CLI process)', () => {
  let root: string;
  let own: RunRecord;
  let wandbName: string;
  let logged: Record<string, number>[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node train.js\n    params: { dropout: 0.01 }\n',
      'train.js': train,
      '.gitignore': '.xlens/\nmlruns/\ntb/\nwandb/\n',
    });
    cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(root, 'mlruns'), {
      recursive: true,
    });
    cpSync(join(FIXTURES, 'tensorboard/BozzoloLu__GAN/logs'), join(root, 'tb'), { recursive: true });
    cpSync(join(FIXTURES, 'wandb/git/wandb'), join(root, 'wandb'), { recursive: true });
    logged = (
      JSON.parse(readFileSync(join(FIXTURES, 'wandb/git/expected.json'), 'utf8')) as {
        logged: Record<string, number>[];
      }
    ).logged;
    const result = await xlens(root, ['run', 't']);
    assert.equal(result.code, 0, result.stderr);
    own = latestRun(root)!;
    const listed = await xlens(root, ['runs', '--json', '--imported']);
    const imported = (JSON.parse(listed.stdout) as { imported: { format: string; name: string }[] }).imported;
    wandbName = imported.find((r) => r.format === 'wandb')!.name;
  });

  it('prints the figures of the compare view for own and imported runs, deltas against the first', async () => {
    const refs = [own.id, wandbName, MLFLOW_RUN, TB_RUN];
    const result = await xlens(root, ['compare', ...refs, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const cli = JSON.parse(result.stdout) as RunComparison & { labels: string[] };

    // The compare view's snapshot of the same runs, its imported runs followed as the editor does.
    const scan = await discoverImportedRuns(root, { taskSources: false });
    const model = new ImportedRunsModel();
    model.setResult(scan, 1);
    const byName = (name: string) => importedRecordId(scan.runs.find((r) => r.name === name)!);
    const followed = [wandbName, MLFLOW_RUN, TB_RUN].map(
      (name) => new ImportedComparedRun(byName(name), model, watch),
    );
    try {
      await Promise.all(followed.map((r) => r.ready));
      const view = buildCompareSnapshot(
        [
          { record: own, series: new Map() },
          ...followed.map((r) => ({ record: r.record!, series: r.series })),
        ],
        DEFAULT_COMPARE_OPTIONS,
      );
      assert.deepEqual(
        cli.runIds,
        view.runs.map((r) => r.id),
      );
      assert.deepEqual(
        cli.metrics.map((m) => ({
          name: m.name,
          goal: m.goal,
          runs: m.runs.map((s) =>
            s
              ? {
                  last: s.last,
                  best: s.best,
                  bestStep: s.bestStep,
                  deltaLast: s.deltaLast,
                  deltaBest: s.deltaBest,
                }
              : null,
          ),
        })),
        view.metrics,
      );
      assert.deepEqual(
        cli.params.map((p) => p.name),
        view.params.map((p) => p.name),
      );
    } finally {
      followed.forEach((r) => r.dispose());
    }

    // The W&B figures are what its script logged; the delta is against the own run (the first).
    const losses = logged.map((line) => line['val/loss']);
    const row = cli.metrics.find((m) => m.name === 'val/loss')!;
    const wandb = row.runs[1]!;
    assert.equal(wandb.last, losses.at(-1));
    assert.equal(wandb.min, Math.min(...losses));
    assert.equal(wandb.max, Math.max(...losses));
    assert.equal(wandb.deltaLast, losses.at(-1)! - OWN_LOSSES.at(-1)!);
    assert.equal(row.runs[2], null, 'the MLflow run logged no val/loss');
  });

  it('prints the table with where each run comes from, and --html draws the imported curves', async () => {
    const result = await xlens(root, ['compare', own.id, TB_RUN, '--html', 'cmp.html']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /#2\s+tensorboard-tb_GAN_20221120-123722-[0-9a-f]{10}\s+tb\/GAN\/20221120-123722\s+—\s+—\s+\d.*?\s+TensorBoard \(imported\)/,
    );
    assert.match(result.stdout, /Generator loss \(lower is better\):/);
    const html = readFileSync(join(root, 'cmp.html'), 'utf8');
    assert.ok(html.includes('Generator loss'), 'a chart of the imported metric');
    assert.ok(html.includes('#2 tb/GAN/20221120-123722 · tensorboard-tb_GAN_20221120-123722-'));
  });

  it('xlens diff gives the params and says what an imported run lacks, exit 0', async () => {
    const result = await xlens(root, ['diff', own.id, MLFLOW_RUN]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Params:\n {2}~ dropout: 0\.01 → 0\.3\n/);
    assert.match(
      result.stdout,
      /Data: mlflow-\S+ is a run imported from MLflow's logs: it has no data fingerprints/,
    );
    assert.match(
      result.stdout,
      /Code: mlflow-\S+ is a run imported from MLflow's logs: it has no snapshot of its code \(MLflow recorded commit [0-9a-f]{7}/,
    );
  });

  it('names a run that is neither own nor imported, and one named twice', async () => {
    const unknown = await xlens(root, ['compare', own.id, 'no-such-run']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run matches "no-such-run"/);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');
    const scan = await discoverImportedRuns(root, { taskSources: false });
    const recordId = importedRecordId(scan.runs.find((r) => r.name === TB_RUN)!);
    const twice = await xlens(root, ['compare', TB_RUN, recordId]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /is named twice/);
  });
});
