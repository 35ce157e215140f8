import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { TaskConfig } from '../../../src/core/config/types';
import { classifyCsv } from '../../../src/core/metrics/csv/classify';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { discoverSources } from '../../../src/core/metrics/discovery/scan';
import { sourcesFromTask } from '../../../src/core/metrics/discovery/taskSources';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures');

/** A workspace holding real logs of every format in typical places, plus decoys the scan must skip. */
function makeWorkspace(): string {
  const ws = tempDir('xlens-discovery-');
  cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(ws, 'mlruns'), {
    recursive: true,
  });
  cpSync(
    join(FIXTURES, 'mlflow_sqlite/01Angel01__House_Prediction/mlflow.db'),
    join(ws, 'tracking/mlflow.db'),
  );
  cpSync(join(FIXTURES, 'dvclive/CaroCardozo__example-dvc-experiments/dvclive'), join(ws, 'dvclive'), {
    recursive: true,
  });
  cpSync(join(FIXTURES, 'keras_csv/AmineEchraibi__BrainCNN/training.log'), join(ws, 'keras/training.log'));
  cpSync(
    join(FIXTURES, 'keras_csv/Aitzaz-Saleem__Detection-of-Tomato-Leaf-Diseases-Using-CNN/training_log.csv'),
    join(ws, 'keras/training_log.csv'),
  );
  cpSync(join(FIXTURES, 'lightning_csv/Jordi6__pytorchLit15min/lightning_logs'), join(ws, 'lightning_logs'), {
    recursive: true,
  });
  const tbRun = join(FIXTURES, 'tensorboard/brianjsl__ndf_mnist/runs');
  // The second run folder: the first holds only the file_version header (no scalars).
  const run = readdirSync(tbRun).sort()[1];
  cpSync(join(tbRun, run), join(ws, 'runs/exp1'), { recursive: true });
  // Decoys: logs inside ignored folders, a CSV that is not a training log, a folder merely named dvclive.
  for (const ignored of ['node_modules/pkg', 'venv/lib', '.venv/lib', '.git/x', '.xlens/runs/r1']) {
    mkdirSync(join(ws, ignored), { recursive: true });
    writeFileSync(join(ws, ignored, 'training.log'), 'epoch,loss\n0,1\n');
  }
  writeFileSync(join(ws, 'keras/eval_log.csv'), 'id,label\n1,cat\n');
  mkdirSync(join(ws, 'docs/dvclive'), { recursive: true });
  return ws;
}

describe('discovery of imported runs in a workspace', () => {
  it('finds every format in one scan, skips node_modules/.git/.venv/.xlens and non-log CSVs', async () => {
    const ws = makeWorkspace();
    const sources = await discoverSources(ws);
    assert.deepEqual(
      sources.map((s) => [s.format, relative(ws, s.path)]),
      [
        ['dvclive', 'dvclive'],
        ['keras-csv', 'keras/training.log'],
        ['keras-csv', 'keras/training_log.csv'],
        ['lightning-csv', 'lightning_logs/version_0/metrics.csv'],
        ['mlflow', 'mlruns'],
        ['tensorboard', 'runs/exp1'],
        ['mlflow', 'tracking/mlflow.db'],
      ],
    );
  });

  it('honours configured globs and ignored folders', async () => {
    const ws = makeWorkspace();
    const onlyKeras = await discoverSources(ws, {
      globs: {
        tensorboard: [],
        mlflow: [],
        dvclive: [],
        'lightning-csv': [],
        'keras-csv': ['**/training.log'],
      },
      ignore: ['keras'],
    });
    // node_modules and venv are no longer ignored; dot folders are never entered by the scan.
    assert.deepEqual(
      onlyKeras.map((s) => relative(ws, s.path)),
      ['node_modules/pkg/training.log', 'venv/lib/training.log'],
    );
  });

  it('reads every discovered run with its metrics, linked git commit and status', async () => {
    const ws = makeWorkspace();
    const { runs, warningCount } = await discoverImportedRuns(ws);
    assert.equal(warningCount, 0);
    const byFormat = (f: string): number => runs.filter((r) => r.format === f).length;
    assert.equal(byFormat('mlflow'), 1 + 8);
    assert.equal(byFormat('dvclive'), 1);
    assert.equal(byFormat('keras-csv'), 2);
    assert.equal(byFormat('lightning-csv'), 1);
    assert.equal(byFormat('tensorboard'), 1);
    const mlflowRun = runs.find((r) => r.format === 'mlflow' && r.relativePath === 'mlruns')!;
    assert.match(mlflowRun.gitCommit ?? '', /^[0-9a-f]{40}$/);
    assert.equal(mlflowRun.status, 'succeeded');
    const keras = runs.find((r) => r.relativePath === 'keras/training.log')!;
    assert.deepEqual(
      keras.metrics.map((m) => [m.name, m.points]),
      [
        ['acc', 25],
        ['loss', 25],
      ],
    );
    const tb = runs.find((r) => r.format === 'tensorboard')!;
    assert.equal(tb.id, 'runs/exp1');
    assert.ok(tb.metrics.length > 0 && tb.metrics.every((m) => m.points > 0));
  });

  it('reads a single log given directly (a file or a store folder)', async () => {
    const ws = makeWorkspace();
    const single = await discoverImportedRuns(join(ws, 'keras/training.log'));
    assert.equal(single.runs.length, 1);
    assert.equal(single.runs[0].relativePath, 'training.log');
    const store = await discoverImportedRuns(join(ws, 'tracking/mlflow.db'));
    assert.equal(store.runs.length, 8);
  });

  it('imports the sources xlens.yaml tasks name, once, labelled with their task', async () => {
    const ws = makeWorkspace();
    mkdirSync(join(ws, 'out'));
    writeFileSync(
      join(ws, 'out/metrics.jsonl'),
      '{"step": 0, "values": {"loss": 1}}\n{"step": 1, "values": {"loss": 0.5}}\n',
    );
    writeFileSync(
      join(ws, 'xlens.yaml'),
      [
        'version: 1',
        'tasks:',
        '  train:',
        '    run: python train.py',
        '    metrics:',
        '      - tensorboard: runs', // a logdir: its run folder is found by the scan too
        '      - jsonl: out/metrics.jsonl', // never scanned
        '  fit:',
        '    run: python fit.py',
        '    params: { name: fit }',
        '    metrics:',
        '      - csv: keras/training.log', // the same file as a scanned source
        '      - tensorboard: later/tb', // not written yet
        '      - csv: logs/${params.name}.csv', // the task\'s param fills the path
        '      - csv: later/${runs.train.latest}/x.csv', // known only at run time
        '',
      ].join('\n'),
    );
    const { runs, sources, warningCount } = await discoverImportedRuns(ws);
    assert.equal(warningCount, 0);
    assert.equal(sources.filter((s) => s.path.startsWith(join(ws, 'runs'))).length, 1, 'logdir read once');
    assert.deepEqual(
      sources.slice(-3).map((s) => [s.format, relative(ws, s.path)]),
      [
        ['jsonl', 'out/metrics.jsonl'],
        ['tensorboard', 'later/tb'],
        ['keras-csv', 'logs/fit.csv'],
      ],
    );
    assert.ok(
      !runs.some((r) => r.relativePath.startsWith('later/')),
      'nothing listed for logs not written yet',
    );
    assert.ok(sources.some((s) => relative(ws, s.path) === 'logs/fit.csv'));
    assert.ok(!sources.some((s) => s.path.includes('${')));
    const tasks = Object.fromEntries(runs.map((r) => [r.relativePath, r.task ?? null]));
    assert.equal(tasks['runs/exp1'], 'train');
    assert.equal(tasks['out/metrics.jsonl'], 'train');
    assert.equal(tasks['keras/training.log'], 'fit');
    assert.equal(tasks['keras/training_log.csv'], null);
    const jsonl = runs.find((r) => r.format === 'jsonl')!;
    // loss 1 then 0.5: the smallest is the best (a loss), at step 1.
    assert.deepEqual(jsonl.metrics, [
      { name: 'loss', points: 2, lastStep: 1, last: 0.5, min: 0.5, max: 1, bestStep: 1 },
    ]);
    const scanOnly = await discoverImportedRuns(ws, { taskSources: false });
    assert.equal(scanOnly.runs.filter((r) => r.task !== undefined).length, 0);
    assert.equal(scanOnly.runs.length, runs.length - 1);
  });

  it("maps a task's metrics: sources to readable sources, classifying CSVs by header", async () => {
    const ws = makeWorkspace();
    const task = {
      kind: 'command',
      name: 'train',
      run: 'python train.py',
      params: {},
      paramFiles: [],
      data: [],
      outputs: [],
      env: {},
      metrics: [
        { tensorboard: 'runs' },
        { mlflow: 'mlruns' },
        { dvclive: 'dvclive' },
        { csv: 'keras/training.log' },
        { csv: 'lightning_logs/version_0/metrics.csv' },
        { jsonl: 'out/metrics.jsonl' },
        { stdout: 'loss=(?<value>\\S+)' },
      ],
    } as TaskConfig;
    const sources = await sourcesFromTask(task, ws);
    assert.deepEqual(
      sources.map((s) => [s.format, relative(ws, s.path)]),
      [
        ['tensorboard', 'runs'],
        ['mlflow', 'mlruns'],
        ['dvclive', 'dvclive'],
        ['keras-csv', 'keras/training.log'],
        ['lightning-csv', 'lightning_logs/version_0/metrics.csv'],
        ['jsonl', 'out/metrics.jsonl'],
      ],
    );
  });

  it('finds the runs whatever folder is given: a folder named dvclive holding projects, or a store itself', async () => {
    // A folder named `dvclive` holding four projects' DVCLive folders: four runs, not one empty one.
    const projects = await discoverImportedRuns(join(FIXTURES, 'dvclive'));
    assert.deepEqual(
      projects.runs.map((r) => r.relativePath),
      [
        'ArturMakowski__Sound_event_detection_system/dvclive',
        'CaroCardozo__example-dvc-experiments/dvclive',
        'CoffeeMugTwo__dvc_dqn_test/dvclive',
        'maltempi__dvc-experiments/dvclive',
      ],
    );
    assert.ok(projects.runs.every((r) => r.metrics.length > 0));
    // Stores and run roots under names the patterns do not know, given directly.
    const ws = tempDir('xlens-roots-');
    cpSync(join(FIXTURES, 'dvclive/CaroCardozo__example-dvc-experiments/dvclive'), join(ws, 'live'), {
      recursive: true,
    });
    cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(ws, 'tracking'), {
      recursive: true,
    });
    cpSync(join(FIXTURES, 'lightning_csv/Jordi6__pytorchLit15min/lightning_logs'), join(ws, 'll'), {
      recursive: true,
    });
    const one = async (dir: string): Promise<[string, string][]> =>
      (await discoverSources(join(ws, dir))).map((s) => [s.format, relative(ws, s.path)]);
    assert.deepEqual(await one('live'), [['dvclive', 'live']]);
    assert.deepEqual(await one('tracking'), [['mlflow', 'tracking']]);
    assert.deepEqual(await one('ll'), [['lightning-csv', 'll/version_0/metrics.csv']]);
    assert.deepEqual(await one('ll/version_0'), [['lightning-csv', 'll/version_0/metrics.csv']]);
    const store = await discoverImportedRuns(join(ws, 'tracking'));
    assert.equal(store.runs.length, 1);
  });

  it('lists each TensorBoard run once, add_hparams sub-folders folded into their run', async () => {
    const logdir = join(FIXTURES, 'tensorboard');
    const runFolders = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) {
          walk(join(dir, e.name));
        } else if (e.name.includes('tfevents')) {
          runFolders.add(dir);
        }
      }
    };
    walk(logdir);
    assert.equal(runFolders.size, 35);
    // add_hparams writes a sub-folder named by time.time() below its run: 3 in the fixtures.
    const timeNamed = [...runFolders].filter(
      (dir) => /^\d+\.\d+$/.test(basename(dir)) && runFolders.has(dirname(dir)),
    );
    assert.equal(timeNamed.length, 3);
    const { runs } = await discoverImportedRuns(logdir);
    assert.equal(runs.length, 32);
    assert.equal(new Set(runs.map((r) => r.name)).size, 32);
    assert.equal(new Set(runs.map((r) => r.key)).size, 32);
    const hparams = runs.filter((r) => r.name.includes('hparams_search_exp_1'));
    assert.deepEqual(
      hparams.map((r) => r.name),
      ['ZeroToMax-ZYZ__study_tensorboard/runs/hparams_search_exp_1'],
    );
    // The sub-folder's params (its HParams session) and scalars are the run's.
    assert.deepEqual(Object.keys(hparams[0].params).sort(), ['batch_size', 'lr', 'optimizer']);
    assert.deepEqual(
      hparams[0].metrics.map((m) => m.name),
      ['hparam/Final_Val_Accuracy', 'hparam/Final_Val_Loss'],
    );
  });

  it('classifies CSV logs by their header', async () => {
    const dir = tempDir('xlens-classify-');
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    assert.equal(await classifyCsv(write('a.csv', 'epoch,loss\n0,1\n')), 'keras-csv');
    assert.equal(await classifyCsv(write('metrics.csv', 'epoch,step,loss\n0,1,2\n')), 'lightning-csv');
    assert.equal(await classifyCsv(write('b.csv', 'train_loss,step,epoch\n1,2,0\n')), 'lightning-csv');
    assert.equal(await classifyCsv(write('c.csv', 'x,y\n1,2\n')), undefined);
    assert.equal(await classifyCsv(join(dir, 'missing.csv')), undefined);
  });
});
