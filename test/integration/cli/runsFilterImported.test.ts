/**
 * `xlens runs --filter` applies to the imported runs listed after the workspace's own (real MLflow and
 * TensorBoard logs from test/fixtures), as the experiments table's filter does: by `source`, by their
 * params (MLflow keeps each as text: `"0.3"` compares as the number) and by metrics only they have.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { runIds, xlens } from '../../helpers/xlensProcess';

const FIXTURES = join(__dirname, '../../fixtures');
/** The one active run of the MLflow fixture (its other four are deleted in MLflow). */
const MLFLOW_RUN = 'cf0d0697f8ab462a80a30d4c8b0b3c2a';

/** The rows of the "Imported runs" table (format first), or none when it is absent. */
function importedRows(stdout: string): string[] {
  const at = stdout.indexOf('Imported runs');
  return at < 0
    ? []
    : stdout
        .slice(at)
        .split('\n')
        .slice(2)
        .filter((line) => /^(mlflow|tensorboard) /.test(line));
}

describe('xlens runs --filter on imported runs', () => {
  let root: string;
  before(async () => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node -e "0"\n    params: { dropout: 0.01 }\n',
      '.gitignore': '.xlens/\nmlruns/\ntb/\n',
    });
    cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(root, 'mlruns'), {
      recursive: true,
    });
    cpSync(join(FIXTURES, 'tensorboard/BozzoloLu__GAN/logs'), join(root, 'tb'), { recursive: true });
    const own = await xlens(root, ['run', 't']);
    assert.equal(own.code, 0, own.stderr);
    const all = await xlens(root, ['runs']);
    assert.equal(importedRows(all.stdout).length, 4, all.stdout);
  });

  it('keeps only the imported runs of the source named', async () => {
    const result = await xlens(root, ['runs', '--filter', 'source == TensorBoard', '--columns', 'id']);
    assert.equal(result.code, 0, result.stderr);
    const rows = importedRows(result.stdout);
    assert.equal(rows.length, 3, result.stdout);
    assert.ok(
      rows.every((row) => row.startsWith('tensorboard ')),
      result.stdout,
    );
  });

  it('compares an MLflow param held as text as a number', async () => {
    const above = await xlens(root, ['runs', '--filter', 'params.dropout > 0.05', '--columns', 'id']);
    assert.equal(above.code, 0, above.stderr);
    assert.match(above.stdout, /No run matches the filter/, 'the own run has dropout 0.01');
    const rows = importedRows(above.stdout);
    assert.equal(rows.length, 1, above.stdout);
    assert.match(rows[0], new RegExp(`^mlflow\\s+${MLFLOW_RUN}`));
    const below = await xlens(root, ['runs', '--filter', 'params.dropout < 0.05', '--columns', 'id']);
    assert.equal(below.code, 0, below.stderr);
    assert.deepEqual(importedRows(below.stdout), []);
  });

  it('takes a metric only imported runs have', async () => {
    const result = await xlens(root, ['runs', '--filter', '"Generator loss" > 0', '--columns', 'id']);
    assert.equal(result.code, 0, result.stderr);
    const rows = importedRows(result.stdout);
    assert.ok(rows.length >= 1 && rows.every((row) => row.startsWith('tensorboard ')), result.stdout);
  });

  it('takes a metric at a step (name:@N) of an imported run, read from its logs', async () => {
    // The MLflow run's validation_loss: 3.0245 at step 0, 2.8961 at step 1, 2.8158 at step 2 (the last).
    const above = await xlens(root, ['runs', '--filter', 'validation_loss:@0 > 3', '--columns', 'id']);
    assert.equal(above.code, 0, above.stderr);
    const rows = importedRows(above.stdout);
    assert.equal(rows.length, 1, above.stdout);
    assert.match(rows[0], new RegExp(`^mlflow\\s+${MLFLOW_RUN}`));
    const below = await xlens(root, ['runs', '--filter', 'validation_loss:@0 < 3', '--columns', 'id']);
    assert.equal(below.code, 0, below.stderr);
    assert.deepEqual(importedRows(below.stdout), [], 'the value at step 0, not the last one');
  });

  it('xlens compare and xlens diff take an imported run by the name xlens runs lists', async () => {
    const [own] = runIds(root);
    for (const command of ['compare', 'diff']) {
      const result = await xlens(root, [command, own, 'tb/GAN/20221120-123722']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /tensorboard-tb_GAN_20221120-123722-[0-9a-f]{10}/);
      const unknown = await xlens(root, [command, own, 'no-such-run']);
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(unknown.stderr, /no run matches "no-such-run"/);
    }
  });
});
