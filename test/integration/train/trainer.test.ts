/**
 * The trainer entry as the runner starts it: a real child process (through tsx) on the real penguins
 * example, a temp run folder and the XLENS_* environment.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { evaluateFile } from '../../../src/core/eval/evaluateFile';
import { resolveEntrypoint } from '../../../src/core/base/entrypoints';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import type { TaskConfig, TfjsEvalTask, TfjsTrainTask } from '../../../src/core/config/types';

const example = resolve(__dirname, '../../../examples/penguins');

interface Child {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface MetricLine {
  step: number;
  time: number;
  values: Record<string, number>;
}

/** Writes `<runDir>/task.json` and runs the trainer on it like the runner does. */
async function runJob(task: TaskConfig, runDir: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  mkdirSync(runDir, { recursive: true });
  const taskFile = join(runDir, 'task.json');
  writeFileSync(taskFile, JSON.stringify(task));
  const entry = resolveEntrypoint('trainer');
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, taskFile], {
    cwd: example,
    env: {
      ...process.env,
      XLENS_RUN_ID: 'test-run',
      XLENS_RUN_DIR: runDir,
      XLENS_METRICS_FILE: join(runDir, 'metrics.jsonl'),
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}

function readMetrics(runDir: string): MetricLine[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as MetricLine);
}

describe('built-in trainer on the penguins example', () => {
  let train: TfjsTrainTask;
  let evaluate: TfjsEvalTask;
  const runs = mkdtempSync(join(tmpdir(), 'xlens-trainer-'));
  const trainDir = join(runs, 'train');
  let trained: Child;

  before(async () => {
    const project = await loadProjectOrThrow(example);
    train = project.tasks.get('train') as TfjsTrainTask;
    evaluate = project.tasks.get('eval') as TfjsEvalTask;
    assert.equal(train.kind, 'tfjs-train');
    assert.equal(evaluate.kind, 'tfjs-eval');
    trained = await runJob(train, trainDir);
  });

  it('exits 0 and writes one metrics line per epoch, then the evaluation at the last step', () => {
    assert.equal(trained.code, 0, trained.stderr);
    const lines = readMetrics(trainDir);
    const epochs = lines.filter((l) => 'loss' in l.values);
    const info = JSON.parse(readFileSync(join(trainDir, 'info.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(epochs.length, info.epochsRun);
    assert.ok(epochs.length >= 1 && epochs.length <= train.epochs);
    epochs.forEach((line, i) => {
      assert.equal(line.step, i + 1);
      assert.deepEqual(Object.keys(line.values), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    });
    const final = lines.at(-1)!;
    assert.equal(lines.length, epochs.length + 1);
    assert.equal(final.step, epochs.length);
    assert.ok(final.values['eval/accuracy'] >= 0.95, JSON.stringify(final.values));
    assert.ok('eval/f1_macro' in final.values);
    // One progress line per epoch on stdout.
    assert.equal(
      trained.stdout.match(/^epoch \d+\/\d+ loss=\S+ accuracy=\S+ val_loss=\S+ val_accuracy=\S+$/gm)?.length,
      epochs.length,
    );
  });

  it('reaches a validation accuracy of at least 0.95', () => {
    const best = Math.max(...readMetrics(trainDir).map((l) => l.values.val_accuracy ?? 0));
    assert.ok(best >= 0.95, `best val_accuracy ${best}`);
    const evaluation = JSON.parse(readFileSync(join(trainDir, 'artifacts', 'evaluation.json'), 'utf8'));
    assert.equal(evaluation.split, 'validation');
    assert.ok(evaluation.accuracy >= 0.95);
    assert.deepEqual(evaluation.confusionMatrix.labels, ['Adelie', 'Chinstrap', 'Gentoo']);
    const total = (evaluation.confusionMatrix.matrix as number[][]).flat().reduce((a, b) => a + b, 0);
    assert.equal(total, evaluation.rows);
  });

  it('saves the model, its weights and the fitted preprocessing, and records the backend', () => {
    const modelDir = join(trainDir, 'artifacts', 'model');
    const modelJson = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
    assert.equal(modelJson.format, 'layers-model');
    assert.deepEqual(modelJson.weightsManifest[0].paths, ['./weights.bin']);
    const weightBytes = (modelJson.weightsManifest[0].weights as { shape: number[] }[])
      .map((w) => w.shape.reduce((a, b) => a * b, 1) * 4)
      .reduce((a, b) => a + b, 0);
    assert.equal(statSync(join(modelDir, 'weights.bin')).size, weightBytes);
    const prep = JSON.parse(readFileSync(join(modelDir, 'preprocessing.json'), 'utf8'));
    assert.deepEqual(prep.target.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
    assert.deepEqual(
      prep.features.map((f: { name: string; kind: string }) => `${f.name}:${f.kind}`),
      [
        'island:categorical',
        'bill_length_mm:numeric',
        'bill_depth_mm:numeric',
        'flipper_length_mm:numeric',
        'body_mass_g:numeric',
        'sex:categorical',
      ],
    );
    const info = JSON.parse(readFileSync(join(trainDir, 'info.json'), 'utf8'));
    assert.ok(['tensorflow', 'wasm'].includes(info.backend), `backend ${info.backend}`);
    assert.match(info.tfjsVersion, /^\d+\.\d+\.\d+$/);
  });

  it('evaluates the saved model on the holdout file with tfjs-eval', async () => {
    const evalDir = join(runs, 'eval');
    const modelDir = join(trainDir, 'artifacts', 'model');
    const result = await runJob(
      { ...evaluate, model: evaluate.model.replace('${runs.train.latest}', trainDir) },
      evalDir,
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = readMetrics(evalDir);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].step, 0);
    const holdoutRows =
      readFileSync(join(example, 'data', 'penguins-holdout.csv'), 'utf8')
        .trim()
        .split('\n').length - 1;
    const evaluation = JSON.parse(readFileSync(join(evalDir, 'artifacts', 'evaluation.json'), 'utf8'));
    assert.equal(evaluation.rows, holdoutRows);
    assert.equal(evaluation.model, modelDir);
    assert.equal(lines[0].values['eval/accuracy'], evaluation.accuracy);
    assert.ok(evaluation.accuracy >= 0.9, `holdout accuracy ${evaluation.accuracy}`);
  });

  it('writes the predictions file with predictions: true, which xlens eval scores as the job did', async () => {
    const evalDir = join(runs, 'predict');
    const result = await runJob(
      { ...evaluate, model: evaluate.model.replace('${runs.train.latest}', trainDir), predictions: true },
      evalDir,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /wrote artifacts\/predictions\.csv \(\d+ rows with pred and proba_<class> columns\)/,
    );
    const file = join(evalDir, 'artifacts', 'predictions.csv');
    const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
    const source = readFileSync(join(example, 'data', 'penguins-holdout.csv'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(header, `${source[0]},pred,proba_Adelie,proba_Chinstrap,proba_Gentoo`);
    assert.equal(rows.length, source.length - 1);
    const saved = JSON.parse(readFileSync(join(evalDir, 'artifacts', 'evaluation.json'), 'utf8'));
    const scored = await evaluateFile(file, { target: 'species' });
    assert.equal(scored.evaluation.problem, 'classification');
    if (scored.evaluation.problem === 'classification') {
      assert.equal(scored.evaluation.accuracy, saved.accuracy);
      assert.ok(Math.abs(scored.evaluation.macro.f1 - saved.f1Macro) < 1e-12);
    }
  });

  it('fails with exit code 2 and a clear message for a missing model folder or target column', async () => {
    const missing = await runJob({ ...evaluate, model: join(runs, 'nope', 'model') }, join(runs, 'bad-eval'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\/model: model folder not found; run the training task first/);
    const wrongTarget = await runJob(
      { ...train, target: 'Species', features: undefined },
      join(runs, 'bad-train'),
    );
    assert.equal(wrongTarget.code, 2);
    assert.match(
      wrongTarget.stderr,
      /data\/penguins\.csv:1: unknown column: Species \(target; did you mean species\?\); available columns: species,/,
    );
    assert.equal(existsSync(join(runs, 'bad-train', 'artifacts', 'model')), false);
  });
});

describe('built-in trainer on a regression task with a holdout split', () => {
  it('reports losses in target units, saves holdout.csv and evaluates validation and holdout rows', async () => {
    const root = mkdtempSync(join(tmpdir(), 'xlens-cars-'));
    const cars = JSON.parse(
      readFileSync(resolve(__dirname, '../../../node_modules/vega-datasets/data/cars.json'), 'utf8'),
    ) as Record<string, string | number | null>[];
    const columns = [
      'Miles_per_Gallon',
      'Cylinders',
      'Horsepower',
      'Weight_in_lbs',
      'Acceleration',
      'Origin',
    ];
    const csv = [columns.join(','), ...cars.map((car) => columns.map((c) => car[c] ?? '').join(','))].join(
      '\n',
    );
    writeFileSync(join(root, 'cars.csv'), csv);
    const unlabelled = cars.filter((car) => car.Miles_per_Gallon === null).length;
    assert.ok(unlabelled > 0);
    const task: TfjsTrainTask = {
      name: 'mpg',
      kind: 'tfjs-train',
      params: {},
      paramFiles: [],
      data: ['cars.csv'],
      metrics: [],
      outputs: [],
      env: {},
      dataFile: 'cars.csv',
      target: 'Miles_per_Gallon',
      model: { layers: [{ dense: 16, activation: 'relu' }] },
      epochs: 30,
      batchSize: 32,
      optimizer: { adam: { learning_rate: 0.01 } },
      validationSplit: 0.2,
      holdoutSplit: 0.1,
      seed: 7,
    };
    const runDir = join(root, 'run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'task.json'), JSON.stringify(task));
    const entry = resolveEntrypoint('trainer');
    const child = spawn(process.execPath, [...entry.execArgv, entry.script, join(runDir, 'task.json')], {
      cwd: root,
      env: { ...process.env, XLENS_RUN_DIR: runDir, XLENS_METRICS_FILE: join(runDir, 'metrics.jsonl') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 0, stderr);

    const lines = readMetrics(runDir);
    assert.equal(lines.length, task.epochs + 1);
    const last = lines[task.epochs - 1];
    assert.deepEqual(Object.keys(last.values), ['loss', 'mae', 'mse', 'val_loss', 'val_mae', 'val_mse']);
    const final = lines.at(-1)!.values;
    // No early stopping: the final evaluation uses the last epoch's weights, so it repeats val_mse in target units.
    assert.ok(
      Math.abs(final['eval/mse'] - last.values.val_mse) / last.values.val_mse < 1e-3,
      JSON.stringify({ final, last }),
    );
    assert.ok(final['eval/r2'] > 0.6, `validation R² ${final['eval/r2']}`);
    assert.ok(final['eval/rmse'] < 5, `validation RMSE ${final['eval/rmse']} mpg`);
    assert.ok('holdout/r2' in final);

    const labelled = cars.length - unlabelled;
    const holdoutCsv = readFileSync(join(runDir, 'artifacts', 'holdout.csv'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(holdoutCsv[0], columns.join(','));
    assert.equal(holdoutCsv.length - 1, Math.round(labelled * 0.1));
    const evaluation = JSON.parse(readFileSync(join(runDir, 'artifacts', 'evaluation.json'), 'utf8'));
    assert.equal(evaluation.problem, 'regression');
    assert.equal(evaluation.holdout.rows, holdoutCsv.length - 1);
    const info = JSON.parse(readFileSync(join(runDir, 'info.json'), 'utf8'));
    assert.equal(info.rows.droppedUnlabelled, unlabelled);
    assert.equal(info.rows.train + info.rows.validation + info.rows.holdout, labelled);
  });
});
