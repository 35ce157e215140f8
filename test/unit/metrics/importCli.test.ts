import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import type { ImportedRunsResult } from '../../../src/core/metrics/discovery/importedRun';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures');

async function xlens(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void): NodeJS.WritableStream =>
    ({ write: (chunk: string) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(args, {
    cwd,
    stdout: stream((s) => (out += s)),
    stderr: stream((s) => (err += s)),
    env: process.env,
    signal: new AbortController().signal,
  });
  return { code, out, err };
}

function workspace(): string {
  const ws = tempDir('xlens-import-cli-');
  cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(ws, 'mlruns'), {
    recursive: true,
  });
  cpSync(join(FIXTURES, 'keras_csv/AmineEchraibi__BrainCNN/training.log'), join(ws, 'logs/training.log'));
  return ws;
}

describe('xlens import', () => {
  it('lists the runs found with each metric: name, points, last value and step', async () => {
    const ws = workspace();
    const { code, out } = await xlens(['import', '.'], ws);
    assert.equal(code, 0);
    assert.match(out, /^2 runs in 2 sources under /);
    assert.match(out, /\[mlflow, experiment diplodatos\.spanish, succeeded, commit 40de5ab\]/);
    assert.match(out, /train_loss\s+3\s+2\.85\s+2/);
    assert.match(out, /loss\s+25\s+0\.05914\s+24/);
  });

  it('--json gives the runs, sources and warnings', async () => {
    const ws = workspace();
    const { code, out } = await xlens(['import', 'logs/training.log', '--json'], ws);
    assert.equal(code, 0);
    const result = JSON.parse(out) as ImportedRunsResult;
    assert.deepEqual(result.sources, [{ format: 'keras-csv', path: join(ws, 'logs/training.log') }]);
    assert.deepEqual(
      result.runs[0].metrics.map((m) => [m.name, m.points, m.lastStep]),
      [
        ['acc', 25, 24],
        ['loss', 25, 24],
      ],
    );
  });

  it('names a missing path as bad input (exit 2)', async () => {
    const { code, err } = await xlens(['import', 'nowhere'], tempDir());
    assert.equal(code, 2);
    assert.match(err, /nowhere does not exist/);
  });
});

describe('xlens runs with imported runs', () => {
  it('lists the imported runs of the workspace after its own runs; --json only with --imported', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'xlens.yaml'), 'version: 1\ntasks:\n  train:\n    run: echo hi\n');
    const text = await xlens(['runs'], ws);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^No runs yet\./);
    assert.match(text.out, /Imported runs \(2\):/);
    assert.match(
      text.out,
      /keras-csv\s+logs\/training\.log\s+—\s+—\s+logs\/training\.log\s+acc=0\.9854 loss=0\.05914/,
    );
    assert.match(text.out, /mlflow\s+\S+\s+succeeded\s+40de5ab\s+mlruns\s+/);
    const plain = JSON.parse((await xlens(['runs', '--json'], ws)).out) as unknown[];
    assert.deepEqual(plain, [], 'the JSON array of run records keeps its shape');
    const json = await xlens(['runs', '--imported', '--json'], ws);
    const parsed = JSON.parse(json.out) as { runs: unknown[]; imported: { format: string }[] };
    assert.deepEqual(parsed.imported.map((r) => r.format).sort(), ['keras-csv', 'mlflow']);
  });

  it('includes the logs a task names under metrics:, labelled with the task', async () => {
    const ws = workspace();
    cpSync(join(FIXTURES, 'keras_csv/AmineEchraibi__BrainCNN/training.log'), join(ws, 'out/fit.txt'));
    writeFileSync(
      join(ws, 'xlens.yaml'),
      'version: 1\ntasks:\n  fit:\n    run: python fit.py\n    metrics:\n      - csv: out/fit.txt\n      - mlflow: mlruns\n',
    );
    const { code, out, err } = await xlens(['import', '.'], ws);
    assert.equal(code, 0, err);
    assert.match(out, /^3 runs in 3 sources under /);
    assert.match(out, /\[keras-csv, task fit\]\n {2}out\/fit\.txt/);
    assert.match(out, /\[mlflow, task fit, experiment diplodatos\.spanish, succeeded, commit 40de5ab\]/);
    assert.match(out, /\[keras-csv\]\n {2}logs\/training\.log/);
  });
});
