/**
 * The trainer child process on damaged real data (the cars table of vega-datasets), as a new user
 * brings it: a decimal comma in the target, stray text in a numeric feature, a 0/1 label, a 6-row
 * table, misspelt columns. Each case checks what the user sees (stdout/stderr) and what the run
 * records (info.json, metrics.jsonl, artifacts/evaluation.json).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { resolveEntrypoint } from '../../../src/core/base/entrypoints';
import type { TaskConfig, TfjsTrainTask } from '../../../src/core/config/types';

type Car = Record<string, string | number | null>;
const cars = JSON.parse(
  readFileSync(resolve(__dirname, '../../../node_modules/vega-datasets/data/cars.json'), 'utf8'),
) as Car[];
const columns = ['Miles_per_Gallon', 'Cylinders', 'Horsepower', 'Weight_in_lbs', 'Origin'];
const root = mkdtempSync(join(tmpdir(), 'xlens-trainer-data-'));

/** Writes cars as CSV (row i on line i + 2) after `edit`, returns the file name relative to `root`. */
function writeCars(name: string, edit: (cells: Record<string, string>, i: number) => void, rows = cars) {
  const lines = rows.map((car, i) => {
    const cells = Object.fromEntries(columns.map((c) => [c, car[c] === null ? '' : String(car[c])]));
    edit(cells, i);
    return columns.map((c) => (cells[c].includes(',') ? `"${cells[c]}"` : cells[c])).join(',');
  });
  writeFileSync(join(root, name), [columns.join(','), ...lines].join('\n'));
  return name;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  runDir: string;
  info: Record<string, unknown>;
}

async function train(name: string, settings: Partial<TfjsTrainTask>): Promise<Result> {
  return runTask({
    name,
    kind: 'tfjs-train',
    params: {},
    paramFiles: [],
    data: [],
    metrics: [],
    outputs: [],
    env: {},
    dataFile: '',
    target: 'Miles_per_Gallon',
    model: { layers: [{ dense: 8, activation: 'relu' }] },
    epochs: 5,
    batchSize: 32,
    optimizer: { adam: { learning_rate: 0.01 } },
    validationSplit: 0.2,
    seed: 3,
    ...settings,
  });
}

async function runTask(task: TaskConfig): Promise<Result> {
  const runDir = join(root, 'runs', task.name);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'task.json'), JSON.stringify(task));
  const entry = resolveEntrypoint('trainer');
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, join(runDir, 'task.json')], {
    cwd: root,
    env: { ...process.env, XLENS_RUN_DIR: runDir, XLENS_METRICS_FILE: join(runDir, 'metrics.jsonl') },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const info = JSON.parse(readFileSync(join(runDir, 'info.json'), 'utf8')) as Record<string, unknown>;
  return { code, stdout, stderr, runDir, info };
}

function lastMetrics(runDir: string): Record<string, number> {
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  return (JSON.parse(lines.at(-1) as string) as { values: Record<string, number> }).values;
}

describe('trainer child process on damaged real data', () => {
  it('keeps a numeric target and feature numeric despite bad cells, and names each cell', async () => {
    const labelledAt = (i: number) => cars[i].Miles_per_Gallon !== null;
    const badHp = [5, 17, 30].filter(labelledAt);
    const file = writeCars('cars-bad.csv', (cells, i) => {
      if (i === 40) {
        cells.Miles_per_Gallon = '18,5';
      }
      if (badHp.includes(i)) {
        cells.Horsepower = i === 5 ? 'n/a?' : 'abc';
      }
    });
    const result = await train('bad-cells', {
      dataFile: file,
      features: ['Cylinders', 'Horsepower', 'Weight_in_lbs', 'Origin'],
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /; 6 inputs; regression of Miles_per_Gallon \(inferred: numeric values;/);
    const expected = [
      'cars-bad.csv:42: "Miles_per_Gallon" is "18,5", not a number; row dropped (fix the value or leave it empty)',
      ...badHp.map(
        (i) =>
          `cars-bad.csv:${i + 2}: "Horsepower" is "${i === 5 ? 'n/a?' : 'abc'}", not a number; treated as missing (fix the value or leave it empty)`,
      ),
    ];
    for (const warning of expected) {
      assert.ok(result.stdout.includes(`warning: ${warning}`), warning);
    }
    assert.deepEqual((result.info.warnings as string[]).slice(0, expected.length), expected);
    const rows = result.info.rows as Record<string, number>;
    assert.equal(rows.droppedBadTarget, 1);
    assert.equal(rows.droppedUnlabelled, cars.filter((c) => c.Miles_per_Gallon === null).length);
  });

  it('evaluates the saved model on new data, warning about stray text and unseen categories', async () => {
    const file = writeCars('cars-new.csv', (cells, i) => {
      if (i === 1 || i === 3) {
        cells.Origin = 'Mars';
      }
      if (i === 2) {
        cells.Horsepower = 'abc';
      }
    });
    const result = await runTask({
      name: 'eval-new',
      kind: 'tfjs-eval',
      params: {},
      paramFiles: [],
      data: [],
      metrics: [],
      outputs: [],
      env: {},
      model: join(root, 'runs', 'bad-cells', 'artifacts', 'model'),
      dataFile: file,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.info.warnings, [
      'cars-new.csv:4: "Horsepower" is "abc", not a number; treated as missing (fix the value or leave it empty)',
      'cars-new.csv:3: "Origin" is "Mars" (2 rows), a category not seen in training; encoded as all zeros',
    ]);
    assert.ok('eval/r2' in lastMetrics(result.runDir));
  });

  it('classifies a 0/1 label, prints why, and reports the confusion matrix', async () => {
    const file = writeCars('cars-usa.csv', (cells) => {
      cells.Origin = cells.Origin === 'USA' ? '1' : '0';
    });
    const result = await train('binary', {
      dataFile: file,
      target: 'Origin',
      features: ['Cylinders', 'Horsepower', 'Weight_in_lbs'],
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /classification of Origin into 0, 1 \(inferred: 2 distinct integer values; set problem: regression to override\)/,
    );
    const evaluation = JSON.parse(
      readFileSync(join(result.runDir, 'artifacts', 'evaluation.json'), 'utf8'),
    ) as { confusionMatrix: { labels: string[]; matrix: number[][] }; rows: number };
    assert.deepEqual(evaluation.confusionMatrix.labels, ['0', '1']);
    assert.equal(
      evaluation.confusionMatrix.matrix.flat().reduce((a, b) => a + b, 0),
      evaluation.rows,
    );
    assert.ok('eval/accuracy' in lastMetrics(result.runDir));
  });

  it('warns about a 1-row validation split and records R² as undefined, not 0', async () => {
    const labelled = cars.filter((c) => c.Miles_per_Gallon !== null).slice(0, 6);
    const file = writeCars('tiny.csv', () => undefined, labelled);
    const result = await train('tiny', { dataFile: file, features: ['Horsepower', 'Weight_in_lbs'] });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /regression of Miles_per_Gallon/);
    assert.match(
      result.stdout,
      /warning: the validation split has 1 row: its metrics mean little below 10 rows/,
    );
    const evaluation = JSON.parse(
      readFileSync(join(result.runDir, 'artifacts', 'evaluation.json'), 'utf8'),
    ) as {
      r2: number | null;
      rows: number;
    };
    assert.equal(evaluation.rows, 1);
    assert.equal(evaluation.r2, null);
    const final = lastMetrics(result.runDir);
    assert.ok('eval/mae' in final && !('eval/r2' in final), JSON.stringify(final));
    assert.ok((result.info.warnings as string[]).some((w) => w.startsWith('eval/r2 undefined')));
  });

  it('names every misspelt column at once, exits 2 and records the message in info.json', async () => {
    const file = writeCars('cars.csv', () => undefined);
    const result = await train('typos', {
      dataFile: file,
      target: 'Miles_per_gallon',
      features: ['Horsepowr', 'Weight_in_lbs', 'Orgin'],
    });
    assert.equal(result.code, 2);
    const message =
      'cars.csv:1: unknown columns: Miles_per_gallon (target; did you mean Miles_per_Gallon?), ' +
      'Horsepowr (feature; did you mean Horsepower?), Orgin (feature; did you mean Origin?); ' +
      `available columns: ${columns.join(', ')}.`;
    assert.equal(result.stderr.trim(), `error: ${message}`);
    assert.equal(result.info.error, message);
  });
});
