/**
 * Special files never block a reader: a FIFO or a folder where a run's log or a metrics file is expected
 * is refused by the one file tail with an error naming what it is, instead of an open() that waits for a
 * writer forever (issue "Nothing lost, nothing escapes", item 10).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileTail, NotRegularFileError } from '../../src/core/base/fileTail';
import { tempDir } from '../helpers/gitRepo';

describe('special files', () => {
  it('refuses a FIFO instead of blocking on it', async () => {
    const dir = tempDir('xlens-tail-');
    const fifo = join(dir, 'metrics.jsonl');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(
      new FileTail(fifo).read(),
      (e) => e instanceof NotRegularFileError && /is a FIFO/.test(e.message),
    );
    mkdirSync(join(dir, 'folder'));
    await assert.rejects(
      new FileTail(join(dir, 'folder')).read(),
      /is a folder, not a regular file \(EISDIR\)/,
    );
  });
});
