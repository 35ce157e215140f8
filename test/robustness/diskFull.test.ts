/**
 * A disk that fills up during a run (a real 8 MB tmpfs): the supervisor does not crash; the task is
 * stopped, as nothing more it writes can be recorded; the run ends `failed` with "disk full (ENOSPC)
 * writing <file>" in the space it set aside for its final record; listing, showing and starting runs
 * keep working, without stack traces (issue "Nothing lost, nothing escapes", item 8).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/runs/types';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { mountTmpfs, mountsUnavailable, unmount } from '../helpers/mounts';
import { runIds, xlens } from '../helpers/xlensProcess';

const skip = mountsUnavailable();
const STACK = /unexpected error|\n\s+at /;

describe('disk full', { skip }, () => {
  const mounted: string[] = [];
  after(() => mounted.forEach(unmount));

  it('ends a run whose output fills the disk as failed with ENOSPC, and listing keeps working', async () => {
    const root = tempDir('xlens-full-');
    mountTmpfs(root, '8m');
    mounted.push(root);
    // `yes` prints until it is stopped: only the supervisor's reaction to the full disk ends it.
    writeFiles(root, { 'xlens.yaml': 'version: 1\ntasks:\n  fill:\n    run: yes xlens-fills-the-disk\n' });

    const run = await xlens(root, ['run', 'fill', '--quiet']);
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, STACK);
    const [id] = runIds(root);
    const record = JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.status, 'failed');
    assert.match(
      record.error ?? '',
      /^disk full \(ENOSPC\) writing .*output\.log; the task was stopped, as nothing more it wrote could be recorded$/,
    );
    assert.match(run.stdout, /✖ fill failed \(disk full \(ENOSPC\) writing /);

    const runs = await xlens(root, ['runs']);
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, new RegExp(`${id}\\s+fill\\s+failed`));
    const show = await xlens(root, ['show', id]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /status: +failed — disk full \(ENOSPC\)/);

    // The disk is still full: another run ends with a clear status or message, never a crash.
    const again = await xlens(root, ['run', 'fill', '--quiet']);
    assert.notEqual(again.code, 0);
    assert.doesNotMatch(again.stderr, STACK);
    assert.match(again.stdout + again.stderr, /disk full \(ENOSPC\)/);
    const listed = await xlens(root, ['runs', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok((JSON.parse(listed.stdout) as RunRecord[]).every((r) => r.status === 'failed'));
  });
});
