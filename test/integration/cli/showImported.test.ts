/**
 * `xlens show` for runs found in other tools' logs (the imported runs `xlens runs` lists), through the
 * real command, on real MLflow and Keras CSVLogger output (test/fixtures, values from EXPECTED.json,
 * written by the fixtures' independent Python reader).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { repoRoot, runIds, xlens } from '../../helpers/xlensProcess';

const fixtures = join(repoRoot, 'test/fixtures');
const RUN_ID = '07cd61a82ecc46bb9b61d1142c15ea42';

interface ExpectedRun {
  name: string;
  experiment: string;
  status: string;
  metrics: Record<string, { count: number; last: [number, number] }>;
}

function workspace(): string {
  const root = makeRepo({ 'xlens.yaml': 'tasks:\n  t:\n    run: "true"\n' });
  cpSync(join(fixtures, 'mlflow/BozzoloLu__GAN/mlruns'), join(root, 'mlruns'), { recursive: true });
  cpSync(join(fixtures, 'keras_csv/AmineEchraibi__BrainCNN/training.log'), join(root, 'logs/training.log'));
  return root;
}

describe('xlens show <imported run>', () => {
  it('shows an MLflow run by an id prefix: experiment, status, tags and metric summaries', async () => {
    const expected = (
      JSON.parse(readFileSync(join(fixtures, 'mlflow/EXPECTED.json'), 'utf8')) as Record<
        string,
        Record<string, ExpectedRun>
      >
    ).BozzoloLu__GAN[RUN_ID];
    const root = workspace();
    const result = await xlens(root, ['show', RUN_ID.slice(0, 10)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^imported: +${expected.name} \\(mlflow run, not run by xlens\\)$`, 'm'),
    );
    assert.match(result.stdout, new RegExp(`^id: +${RUN_ID}$`, 'm'));
    assert.match(result.stdout, new RegExp(`^experiment: +${expected.experiment}$`, 'm'));
    assert.match(result.stdout, new RegExp(`^status: +${expected.status}$`, 'm'));
    assert.match(result.stdout, /^ {2}mlflow\.runName = Run_0$/m);
    for (const [name, m] of Object.entries(expected.metrics)) {
      const [step, value] = m.last;
      assert.match(
        result.stdout,
        new RegExp(`^ {2}${name} +${Number(value.toPrecision(4))} +${step} +${m.count}$`, 'm'),
        result.stdout,
      );
    }
    assert.deepEqual(runIds(root), [], 'showing an imported run creates nothing');

    const json = await xlens(root, ['show', RUN_ID, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const shown = JSON.parse(json.stdout) as { imported: boolean; id: string; format: string };
    assert.deepEqual([shown.imported, shown.id, shown.format], [true, RUN_ID, 'mlflow']);
  });

  it('shows a Keras CSV log by its path; ambiguous and unknown names are bad input (exit 2)', async () => {
    const root = workspace();
    const keras = await xlens(root, ['show', 'logs/training.log']);
    assert.equal(keras.code, 0, keras.stderr);
    assert.match(keras.stdout, /\(keras-csv run, not run by xlens\)/);
    assert.match(keras.stdout, /^ {2}acc +0\.9854 +24 +25$/m);

    const ambiguous = await xlens(root, ['show', 'Run_0']);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /"Run_0" matches \d+ imported runs/);

    const unknown = await xlens(root, ['show', 'no-such-run']);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /no run matches "no-such-run" \(neither a run of this workspace nor an imported run\)/,
    );

    const html = await xlens(root, ['show', RUN_ID, '--html', 'r.html']);
    assert.equal(html.code, 2);
    assert.match(html.stderr, /imported mlflow run \(HTML reports are made for runs of this workspace/);
  });
});
