/**
 * Hostile or broken text in what this session's code reads from outside: a CSV log's header line
 * (`csvCells`, `classifyCsv`) and the text typed into a multi-select picker (`topHolding`). Names stay
 * text (`__proto__`, `$(...)`, markup), a FIFO or a huge file is not read whole, an unclosed quote or a
 * separator-only line gives cells, never a throw.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classifyCsv } from '../../src/core/metrics/csv/classify';
import { csvCells } from '../../src/core/metrics/csv/csvTable';
import { topHolding } from '../../src/shared/pickFilter';
import { tempDir } from '../helpers/gitRepo';

describe('CSV header cells from a hostile or broken header line', () => {
  it('keeps names as text, whatever they hold', () => {
    assert.deepEqual(csvCells('epoch,__proto__,"$(rm -rf /)",<img src=x>,constructor', ','), [
      'epoch',
      '__proto__',
      '$(rm -rf /)',
      '<img src=x>',
      'constructor',
    ]);
  });

  it('gives cells for broken lines instead of throwing', () => {
    assert.deepEqual(csvCells('epoch,"loss', ','), ['epoch', 'loss']);
    assert.deepEqual(csvCells('"', ','), ['']);
    assert.deepEqual(csvCells(',,,', ','), ['', '', '', '']);
    assert.deepEqual(csvCells('', ','), ['']);
    const wide = Array.from({ length: 100_000 }, (_, i) => `m${i}`).join(',');
    assert.equal(csvCells(wide, ',').length, 100_000);
  });

  it('classifies a huge file from its head and does not hang on a FIFO', async () => {
    const dir = tempDir('xlens-hostile-csv-');
    const huge = join(dir, 'metrics.csv');
    writeFileSync(huge, `step,"a,b",loss\n0,1,2\n${'9'.repeat(8 * 1024 * 1024)}\n`);
    assert.equal(await classifyCsv(huge), 'lightning-csv');
    const fifo = join(dir, 'fifo.csv');
    execFileSync('mkfifo', [fifo]);
    assert.equal(await classifyCsv(fifo), undefined);
  });
});

describe('the picker row highlighted for hostile typed text', () => {
  const rows = [
    { label: '__proto__', description: 'a task named so' },
    { label: 'train', description: 'lr=$(whoami)' },
  ];

  it('matches names as text, and never a codicon the picker shows as an icon', () => {
    assert.equal(topHolding(rows, '__proto__'), rows[0]);
    assert.equal(topHolding(rows, 'constructor'), undefined);
    assert.equal(topHolding(rows, 'whoami'), undefined, '$(whoami) is shown as an icon, not text');
    assert.equal(topHolding(rows, '.*'), undefined, 'the text is no pattern');
  });
});
