/**
 * Bad data and drift settings caught before any work, through the real `xlens` process: p-value levels
 * of 1 or more (CLI and xlens.yaml), misspelt columns, `;`-separated CSVs (drift and trainer), and data
 * the trainer does not read (.json).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTable } from '../../../src/core/train/table';
import { join } from 'node:path';
import { makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import { runIds, xlens } from '../../helpers/xlensProcess';

const table = (offset: number, sep = ',') =>
  [
    ['Horsepower', 'Origin'].join(sep),
    ...Array.from({ length: 30 }, (_, i) => [i * 3 + offset, i % 3 === 0 ? 'USA' : 'Japan'].join(sep)),
  ].join('\n') + '\n';

function folder(): string {
  const dir = tempDir('xlens-data-');
  writeFiles(dir, {
    'old.csv': table(0),
    'new.csv': table(7),
    // A European spreadsheet export: `;` between fields, decimal commas inside them.
    'semi.csv': 'Horsepower;Origin;Weight\n130;USA;3504,5\n165;Japan;3693,25\n',
    'semi-even.csv': 'Horsepower;Origin\n130;USA\n165;Japan\n',
  });
  return dir;
}

describe('drift thresholds and columns (real CLI process)', () => {
  it('refuses a p-value level of 1 or more for p-value tests, accepts it for a distance method', async () => {
    const dir = folder();
    const five = await xlens(dir, ['drift', 'old.csv', 'new.csv', '--threshold', '5']);
    assert.equal(five.code, 2);
    assert.equal(five.stdout, '');
    assert.match(
      five.stderr,
      /^xlens drift: --threshold 5: a p-value level must be between 0 and 1: the default tests use p-values .*\(e\.g\. method wasserstein, threshold 1\.5\); see xlens drift --help\)\n$/,
    );
    const ks = await xlens(dir, [
      'drift',
      'old.csv',
      'new.csv',
      '--method',
      'ks',
      '--threshold',
      'Horsepower=1.5',
    ]);
    assert.equal(ks.code, 2);
    assert.match(
      ks.stderr,
      /--threshold Horsepower=1\.5: a p-value level must be between 0 and 1: ks \(column "Horsepower"\) is a p-value test/,
    );
    const distance = await xlens(dir, [
      'drift',
      'old.csv',
      'new.csv',
      '--method',
      'wasserstein',
      '--threshold',
      '5',
      '--columns',
      'Horsepower',
    ]);
    assert.equal(distance.code, 0, distance.stderr);
    assert.match(distance.stdout, /Horsepower/);
  });

  it('suggests the column meant by a misspelt --columns name', async () => {
    const dir = folder();
    const r = await xlens(dir, ['drift', 'old.csv', 'new.csv', '--columns', 'Horsepowr,Origin']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /old\.csv: no column "Horsepowr"\. Did you mean "Horsepower"\? The file has: Horsepower, Origin\./,
    );
  });

  it('refuses a drift task whose xlens.yaml threshold is no p-value level, at its line, creating no run', async () => {
    const root = makeRepo({
      'old.csv': table(0),
      'new.csv': table(7),
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  d:',
        '    kind: drift',
        '    reference: old.csv',
        '    current: new.csv',
        '    options:',
        '      threshold: 5',
        '      per_column:',
        '        Origin: { method: psi, threshold: 2 }',
        '',
      ].join('\n'),
    });
    const r = await xlens(root, ['run', 'd']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /xlens\.yaml:8:18: threshold 5: a p-value level must be between 0 and 1/);
    assert.doesNotMatch(r.stderr, /Origin/, 'a distance threshold of 2 for psi is fine');
    assert.deepEqual(runIds(root), []);
  });
});

describe('separators and formats the readers do not take (real CLI process)', () => {
  it('drift names a ;-separated CSV as such, with or without decimal commas', async () => {
    const dir = folder();
    for (const file of ['semi.csv', 'semi-even.csv']) {
      const r = await xlens(dir, ['drift', file, 'old.csv']);
      assert.equal(r.code, 2, file);
      assert.match(
        r.stderr,
        new RegExp(
          `^${file.replace('.', '\\.')}:1: the file looks ;-separated \\(its header has no "," but ";" (once|2 times)\\); xlens reads comma-separated CSV \\(or tab-separated \\.tsv\\)\\. Save it with commas`,
        ),
      );
      assert.doesNotMatch(r.stderr, /fields but the header/);
    }
  });

  it('the trainer refuses a ;-separated CSV and a JSON file before any run, naming file and formats', async () => {
    const root = makeRepo({
      'semi.csv': 'a;b;y\n1;2;p\n3;4;q\n',
      'cars.json': '[{"a": 1, "b": 2, "y": "p"}]\n',
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  semi: { kind: tfjs-train, data: semi.csv, target: y, epochs: 1 }',
        '  json: { kind: tfjs-train, data: cars.json, target: y, epochs: 1 }',
        '',
      ].join('\n'),
    });
    const semi = await xlens(root, ['run', 'semi']);
    assert.equal(semi.code, 2);
    assert.match(
      semi.stderr,
      /semi\.csv:1: the file looks ;-separated .*the built-in trainer reads comma-separated CSV \(\.csv\)/,
    );
    const json = await xlens(root, ['run', 'json']);
    assert.equal(json.code, 2);
    assert.match(
      json.stderr,
      /xlens\.yaml:\d+:\d+: .*cars\.json: the built-in trainer reads comma-separated CSV \(\.csv\), not JSON; convert it first, e\.g\. with pandas: pd\.read_json\("cars\.json"\)\.to_csv\("cars\.csv", index=False\)/,
    );
    assert.deepEqual(runIds(root), [], 'no failed run recorded');
  });

  it('the trainer’s CSV reader itself says so too (for a file that changed after the check)', () => {
    const dir = tempDir('xlens-table-');
    writeFiles(dir, { 'semi.csv': 'a;b\n1,5;2\n', 'x.parquet': 'PAR1' });
    assert.throws(
      () => readTable(join(dir, 'semi.csv'), 'semi.csv'),
      /^UserInputError: semi\.csv:1: the file looks ;-separated/,
    );
    assert.throws(
      () => readTable(join(dir, 'x.parquet'), 'x.parquet'),
      /x\.parquet: the built-in trainer reads comma-separated CSV \(\.csv\), not Parquet/,
    );
  });
});
