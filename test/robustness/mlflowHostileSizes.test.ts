/**
 * An MLflow SQLite store above the size xlens loads into memory (sql.js copies the whole file) is
 * refused with a warning naming its size and the limit, instead of being read whole on every change
 * (issue "Nothing lost, nothing escapes", item 15). The file is sparse, so the test costs no disk.
 */
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_SQLITE_BYTES } from '../../src/core/metrics/mlflow/sqliteStore';
import { createSourceReader } from '../../src/core/metrics/readerFactory';
import { tempDir } from '../helpers/gitRepo';
import { xlens } from '../helpers/xlensProcess';

const FIXTURE = join(__dirname, '../fixtures/mlflow_sqlite/01Angel01__House_Prediction/mlflow.db');

describe('MLflow stores with hostile sizes', () => {
  it('refuses a database above the limit with its size, and still reads one below it', async () => {
    const dir = tempDir('xlens-mlflow-big-');
    const small = join(dir, 'small', 'mlflow.db');
    const big = join(dir, 'big', 'mlflow.db');
    for (const file of [small, big]) {
      mkdirSync(join(file, '..'), { recursive: true });
      copyFileSync(FIXTURE, file);
    }
    const fd = openSync(big, 'r+');
    try {
      ftruncateSync(fd, MAX_SQLITE_BYTES + 1); // a hole after the real pages: no disk used
    } finally {
      closeSync(fd);
    }
    const read = await createSourceReader({ format: 'mlflow', path: big }).read();
    assert.equal(read.runs.length, 0);
    assert.match(
      read.warnings.map((w) => w.message).join('\n'),
      /above the 256 MB xlens reads|above the 256/,
    );
    const ok = await createSourceReader({ format: 'mlflow', path: small }).read();
    assert.ok(ok.runs.length > 0, 'a store below the limit is read');

    const cli = await xlens(dir, ['import', join(dir, 'big')]);
    assert.notEqual(cli.code, 1, cli.stderr);
    assert.match(cli.stderr, /mlflow\.db: the database is .*, above the .* xlens reads/);
  });
});
