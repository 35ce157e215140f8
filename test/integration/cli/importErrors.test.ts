/** `xlens import` given a path that does not exist or a file no reader takes (real CLI process). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir, writeFiles } from '../../helpers/gitRepo';
import { xlens } from '../../helpers/xlensProcess';

describe('xlens import: bad paths (real CLI process)', () => {
  it('exits 2 for a path that does not exist', async () => {
    const dir = tempDir('xlens-import-');
    const r = await xlens(dir, ['import', 'no/such/logs']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.trim(),
      `xlens import: ${join(dir, 'no/such/logs')} does not exist (add --watch to wait for it, e.g. before a training starts; see xlens import --help)`,
    );
  });

  it('says why a CSV or other file is not a log it reads (exit 2), and reads a Keras CSV', async () => {
    const dir = tempDir('xlens-import-');
    writeFiles(dir, {
      'x.csv': 'a,b\n1,2\n',
      'semi.csv': 'loss;acc\n0,5;0,7\n',
      'cars.json': '[{"a": 1}]\n',
      'empty.csv': '',
      'history.csv': 'epoch,loss\n0,1\n1,0.5\n',
    });
    const csv = await xlens(dir, ['import', 'x.csv']);
    assert.equal(csv.code, 2);
    assert.match(
      csv.stderr,
      /^xlens: x\.csv: not a metrics log xlens knows: its header \(a, b\) does not start with "epoch" \(a Keras CSVLogger file\) and has no "step" column/,
    );
    const semi = await xlens(dir, ['import', 'semi.csv']);
    assert.equal(semi.code, 2);
    assert.match(semi.stderr, /its header \(loss, acc\)/);
    const json = await xlens(dir, ['import', 'cars.json']);
    assert.equal(json.code, 2);
    assert.match(
      json.stderr,
      /^xlens: cars\.json: not a log format xlens knows; xlens import reads a folder to scan, or one log: .*\.jsonl/,
    );
    const empty = await xlens(dir, ['import', 'empty.csv']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /empty\.csv: the file is empty/);
    const keras = await xlens(dir, ['import', 'history.csv']);
    assert.equal(keras.code, 0, keras.stderr);
    assert.match(keras.stdout, /1 run in 1 source/);
  });
});
