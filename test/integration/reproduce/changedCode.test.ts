/**
 * The files Compare Code lists between two runs' code (`changedCodeFiles`), on runs made by the real
 * CLI in a temp git repository: one from a clean tree (its commit), one from uncommitted changes (its
 * snapshot). `xlens diff` names the same files.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { changedCodeFiles, readCodeFile, runCodeRevision } from '../../../src/core/git/runCode';
import type { RunRecord } from '../../../src/core/runs/types';
import { makeRepo, writeFiles } from '../../helpers/gitRepo';
import { runIds, xlens } from '../../helpers/xlensProcess';

const CONFIG = 'version: 1\ntasks:\n  hi: { run: echo hi }\n';

function record(root: string, id: string): RunRecord {
  return JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
}

describe('changed files between two runs (real CLI runs, temp repository)', () => {
  it('lists added, deleted and modified files between a clean and a dirty run, as xlens diff does', async () => {
    const root = makeRepo({
      'xlens.yaml': CONFIG,
      'train.py': 'lr = 1\n',
      'old.py': 'gone\n',
      'same.py': 's\n',
    });
    assert.equal((await xlens(root, ['run', 'hi'])).code, 0);
    writeFiles(root, { 'train.py': 'lr = 2\n', 'sub/new file.py': 'added\n' });
    rmSync(join(root, 'old.py'));
    assert.equal((await xlens(root, ['run', 'hi'])).code, 0);
    const [clean, dirty] = runIds(root)
      .sort()
      .map((id) => record(root, id));
    assert.equal(clean.git.snapshot, null);
    assert.ok(dirty.git.snapshot, 'the second run has a snapshot');
    const from = runCodeRevision(clean)!;
    const to = runCodeRevision(dirty)!;
    const changed = await changedCodeFiles(root, from, to);
    assert.deepEqual(changed, [
      { path: 'old.py', change: 'deleted' },
      { path: 'sub/new file.py', change: 'added' },
      { path: 'train.py', change: 'modified' },
    ]);
    assert.equal((await readCodeFile(root, to, 'train.py')).toString(), 'lr = 2\n');
    const diff = await xlens(root, ['diff', clean.id, dirty.id]);
    assert.equal(diff.code, 0, diff.stderr);
    for (const file of ['old.py', 'new file.py', 'train.py']) {
      assert.ok(diff.stdout.includes(file), `xlens diff names ${file}`);
    }
    assert.deepEqual(await changedCodeFiles(root, from, from), [], 'the same code has no changed file');
  });

  it('refuses a recorded revision that is not a full SHA before git sees it', async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    await assert.rejects(changedCodeFiles(root, '--output=/tmp/x', 'a'.repeat(40)), UserInputError);
  });
});
