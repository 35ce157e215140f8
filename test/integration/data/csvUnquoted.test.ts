// The fast path for unquoted CSV/TSV files (src/core/data/csvUnquoted.ts) gives exactly the table of
// the streaming csv-parse reader (forced here by sampling with a limit above the row count), and leaves
// ragged, quoted or CRLF files to it, with its messages.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadTable } from '../../../src/core/data/load';
import { readUnquoted } from '../../../src/core/data/csvUnquoted';
import { tempDir } from '../../helpers/gitRepo';

const cell = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map(String),
  fc.constantFrom('', 'NA', 'null', 'nan', 'inf', ' 3 ', 'x', 'café', '2012-01-01', '1e-5', '-0'),
);

describe('unquoted CSV fast path', () => {
  it('reads random unquoted files exactly as the streaming reader does', async () => {
    const dir = tempDir('xlens-csv-fast-');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 4 })
          .chain((k) =>
            fc.tuple(
              fc.constant(k),
              fc.array(fc.array(cell, { minLength: k, maxLength: k }), { minLength: 1, maxLength: 30 }),
              fc.boolean(),
            ),
          ),
        async ([k, rows, blankLines]) => {
          const header = Array.from({ length: k }, (_, i) => `c${i}`).join(',');
          const lines = rows.map((r) => r.join(','));
          const body = blankLines ? lines.join('\n\n') : lines.join('\n');
          const file = join(dir, `f${n++}.csv`);
          writeFileSync(file, `${header}\n${body}\n`);
          assert.ok(await readUnquoted(file, 'f.csv', ',', {}), 'the fast path reads it');
          const fast = await loadTable(file);
          const slow = await loadTable(file, { maxRows: 1_000_000 });
          assert.equal(slow.sampling.applied, false);
          assert.deepEqual(fast.columns, slow.columns);
          assert.equal(fast.rows, slow.rows);
          assert.deepEqual(fast.fileColumns, slow.fileColumns);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves ragged, quoted and CRLF files to the streaming reader', async () => {
    const dir = tempDir('xlens-csv-fast-');
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b\n1,2\n3\n');
    assert.equal(await readUnquoted(ragged, 'ragged.csv', ',', {}), undefined);
    await assert.rejects(loadTable(ragged), /ragged\.csv:3: row has 1 fields but the header has 2/);
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(quoted, 'a,b\n"1,5",2\n');
    assert.equal(await readUnquoted(quoted, 'quoted.csv', ',', {}), undefined);
    const crlf = join(dir, 'crlf.csv');
    writeFileSync(crlf, 'a,b\r\n1,2\r\n');
    assert.equal(await readUnquoted(crlf, 'crlf.csv', ',', {}), undefined);
    assert.equal((await loadTable(crlf)).rows, 1);
  });
});
