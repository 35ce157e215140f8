import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { groupMetrics, parseMetricName } from '../../../src/core/charts/metricGroups';

const fixtures = join(__dirname, '../../fixtures');

/** Column names of a Keras CSVLogger file (minus `epoch`). */
function kerasColumns(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')[0]
    .trim()
    .split(',')
    .filter((c) => c !== 'epoch');
}

/** DVCLive metric names: the TSV paths under plots/metrics without extension. */
function dvcliveNames(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? dvcliveNames(join(dir, e.name), `${prefix}${e.name}/`)
      : e.name.endsWith('.tsv')
        ? [`${prefix}${e.name.slice(0, -4)}`]
        : [],
  );
}

describe('groupMetrics', () => {
  it('pairs Keras metrics with their val_ partners (real CSVLogger header)', () => {
    const names = kerasColumns(
      join(fixtures, 'keras_csv/4hmetcakmak__BraTS2020CapstoneProject/training.log'),
    );
    const groups = groupMetrics(names);
    const byKey = new Map(groups.map((g) => [g.key, g.members.map((m) => m.name)]));
    assert.deepEqual(byKey.get('loss'), ['loss', 'val_loss']);
    assert.deepEqual(byKey.get('accuracy'), ['accuracy', 'val_accuracy']);
    assert.deepEqual(byKey.get('dice_coef'), ['dice_coef', 'val_dice_coef']);
    assert.deepEqual(byKey.get('lr'), ['lr']);
    assert.equal(groups.find((g) => g.key === 'lr')?.title, 'lr');
    assert.equal(groups.length, 6);
  });

  it('pairs DVCLive train/ and eval/ series (real plots folder)', () => {
    const names = dvcliveNames(
      join(fixtures, 'dvclive/CaroCardozo__example-dvc-experiments/dvclive/plots/metrics'),
    );
    const groups = groupMetrics(names);
    const acc = groups.find((g) => g.key === 'acc');
    assert.deepEqual(
      acc?.members.map((m) => [m.name, m.role]),
      [
        ['train/acc', 'train'],
        ['eval/acc', 'validation'],
      ],
    );
    assert.equal(groups.length, 2);
  });

  it('puts training metrics first, keeps first-seen order and ignores duplicates', () => {
    const groups = groupMetrics(['val_loss', 'accuracy', 'loss', 'loss', 'validation/accuracy']);
    assert.deepEqual(
      groups.map((g) => [g.title, g.members.map((m) => m.name)]),
      [
        ['loss', ['loss', 'val_loss']],
        ['accuracy', ['accuracy', 'validation/accuracy']],
      ],
    );
  });

  it('needs a separator after the prefix and matches it case-insensitively', () => {
    assert.deepEqual(parseMetricName('value'), { base: 'value', role: 'train' });
    assert.deepEqual(parseMetricName('evaluation_time'), { base: 'evaluation_time', role: 'train' });
    assert.deepEqual(parseMetricName('Val_Loss'), { base: 'Loss', role: 'validation' });
    assert.deepEqual(parseMetricName('train_loss'), { base: 'loss', role: 'train' });
    assert.deepEqual(parseMetricName('val_'), { base: 'val_', role: 'train' });
  });
});
