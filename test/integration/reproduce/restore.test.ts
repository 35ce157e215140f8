/**
 * Restoring a run's code (real CLI processes, temp git repositories): `xlens checkout` (refusing a
 * dirty tree, or stashing it first), `xlens branch`, and reading a run's files from git objects.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listCodeFiles, readCodeFile, runCodeRevision } from '../../../src/core/git/runCode';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, writeFiles } from '../../helpers/gitRepo';
import { runIds, xlens } from '../../helpers/xlensProcess';

const CONFIG = 'version: 1\ntasks:\n  hi: { run: echo hi }\n';

function record(root: string, id: string): RunRecord {
  return JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
}

/** A repository with one run made from uncommitted changes, and the tree moved on since. */
async function movedOn(): Promise<{ root: string; id: string; run: RunRecord }> {
  const root = makeRepo({ 'xlens.yaml': CONFIG, 'train.py': 'lr = 1\n', 'old.py': 'gone\n' });
  writeFiles(root, { 'train.py': 'lr = 2\n', 'new.py': 'added\n' });
  rmSync(join(root, 'old.py'));
  assert.equal((await xlens(root, ['run', 'hi'])).code, 0);
  const [id] = runIds(root);
  gitIn(root, ['checkout', '-q', '--', 'old.py', 'train.py']);
  rmSync(join(root, 'new.py'));
  writeFiles(root, { 'later.py': 'x\n' });
  gitIn(root, ['add', '-A']);
  gitIn(root, ['commit', '-q', '-m', 'later']);
  return { root, id, run: record(root, id) };
}

describe("restoring a run's code (real CLI process)", () => {
  it("checkout refuses uncommitted changes, then with --stash stashes them and puts the run's code back", async () => {
    const { root, id, run } = await movedOn();
    writeFiles(root, { 'train.py': 'lr = 3\n' });
    const refused = await xlens(root, ['checkout', id]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /uncommitted changes \(train\.py\).*--stash/);
    assert.equal(readFileSync(join(root, 'train.py'), 'utf8'), 'lr = 3\n', 'nothing touched');

    const done = await xlens(root, ['checkout', id, '--stash']);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(
      gitIn(root, ['stash', 'list', '--format=%gs']),
      `On main: xlens: before checking out run ${id}`,
    );
    assert.equal(gitIn(root, ['rev-parse', 'HEAD']), run.git.commit);
    assert.throws(() => gitIn(root, ['symbolic-ref', '-q', 'HEAD']), 'detached');
    assert.equal(readFileSync(join(root, 'train.py'), 'utf8'), 'lr = 2\n');
    assert.equal(readFileSync(join(root, 'new.py'), 'utf8'), 'added\n');
    assert.equal(existsSync(join(root, 'old.py')), false);
    assert.equal(existsSync(join(root, 'later.py')), false);
    assert.deepEqual(
      gitIn(root, ['status', '--porcelain'])
        .split('\n')
        .map((l) => l.trim())
        .sort(),
      ['?? new.py', 'D old.py', 'M train.py'],
    );
    // The stash holds the user's edit.
    gitIn(root, ['checkout', '-q', '-f', 'main']);
    gitIn(root, ['clean', '-qfd', '-e', '.xlens']);
    gitIn(root, ['stash', 'pop', '-q']);
    assert.equal(readFileSync(join(root, 'train.py'), 'utf8'), 'lr = 3\n');
  });

  it('branch creates a branch at the snapshot without moving HEAD, and never moves an existing one', async () => {
    const { root, id, run } = await movedOn();
    const head = gitIn(root, ['rev-parse', 'HEAD']);
    const made = await xlens(root, ['branch', id, 'from-run']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(gitIn(root, ['rev-parse', 'refs/heads/from-run']), run.git.snapshot);
    assert.equal(gitIn(root, ['rev-parse', 'HEAD']), head);
    assert.equal(gitIn(root, ['symbolic-ref', 'HEAD']), 'refs/heads/main');

    const again = await xlens(root, ['branch', id, 'main']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /branch "main" already exists/);
    assert.equal(gitIn(root, ['rev-parse', 'main']), head);
    const bad = await xlens(root, ['branch', id, 'two..dots']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"two\.\.dots" is not a valid branch name/);
  });

  it("lists and reads a run's files from git objects, whatever the working tree holds", async () => {
    const { root, run } = await movedOn();
    const revision = runCodeRevision(run)!;
    assert.equal(revision, run.git.snapshot);
    assert.deepEqual(
      (await listCodeFiles(root, revision)).map((f) => [f.path, f.size]),
      [
        ['new.py', 6],
        ['train.py', 7],
        ['xlens.yaml', CONFIG.length],
      ],
    );
    writeFileSync(join(root, 'train.py'), 'lr = 99\n');
    assert.equal((await readCodeFile(root, revision, 'train.py')).toString('utf8'), 'lr = 2\n');
    await assert.rejects(readCodeFile(root, revision, 'old.py'), /old\.py is not a file of/);
  });
});
