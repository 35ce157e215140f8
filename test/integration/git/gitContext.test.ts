import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureGitState, deleteRunRef, describeCommits, runRef } from '../../../src/core/git/gitContext';
import { gitIn, gitTestEnv, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';

// Isolate git from the developer's configuration for every call made by the code under test.
const home = tempDir('xlens-home-');
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = join(home, '.config');
process.env.GIT_CONFIG_NOSYSTEM = '1';
for (const v of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) {
  delete process.env[v];
}

function lsTree(root: string, rev: string): Map<string, string> {
  const out = gitIn(root, ['ls-tree', '-r', rev]);
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t');
        return [path, meta.split(' ')[2]];
      }),
  );
}

describe('captureGitState', () => {
  it('records HEAD, branch and subject of a clean tree without a snapshot', async () => {
    const root = makeRepo({ 'train.py': 'print(1)\n' }, 'first model');
    const info = await captureGitState(root, '20261124T000000Z-aaaa');
    assert.equal(info.commit, gitIn(root, ['rev-parse', 'HEAD']));
    assert.equal(info.branch, 'main');
    assert.equal(info.subject, 'first model');
    assert.equal(info.dirty, false);
    assert.equal(info.snapshot, null);
    assert.equal(gitIn(root, ['for-each-ref', 'refs/xlens']), '');
  });

  it('snapshots the exact working tree, untracked files included, leaving index and status untouched', async () => {
    const root = makeRepo({
      '.gitignore': 'data/\n*.tmp\n',
      'train.py': 'lr = 0.1\n',
      'old.py': 'gone soon\n',
      'src/model.py': 'layers = 2\n',
    });
    writeFiles(root, {
      'train.py': 'lr = 0.01\n', // modified, unstaged
      'src/model.py': 'layers = 3\n',
      'notes/new.md': 'untracked\n', // untracked, not ignored
      'data/big.csv': 'ignored\n', // ignored
      'scratch.tmp': 'ignored\n',
    });
    rmSync(join(root, 'old.py')); // deleted
    gitIn(root, ['add', 'src/model.py']); // one change staged, so the index differs from HEAD too
    const indexBefore = readFileSync(join(root, '.git/index'));
    const statusBefore = gitIn(root, ['status', '--porcelain']);
    const indexAfterStatus = readFileSync(join(root, '.git/index'));

    const runId = '20261124T000001Z-bbbb';
    const info = await captureGitState(root, runId);

    assert.equal(info.dirty, true);
    assert.ok(info.snapshot);
    assert.equal(gitIn(root, ['rev-parse', runRef(runId)]), info.snapshot);
    assert.equal(gitIn(root, ['rev-parse', `${info.snapshot}^`]), info.commit);
    assert.deepEqual(readFileSync(join(root, '.git/index')), indexAfterStatus);
    assert.deepEqual(indexAfterStatus, indexBefore);
    assert.equal(gitIn(root, ['status', '--porcelain']), statusBefore);
    assert.equal(gitIn(root, ['symbolic-ref', '--short', 'HEAD']), 'main');

    // The working tree equals the snapshot, untracked files included: read the snapshot into a
    // scratch index, then git sees no difference and no file outside it.
    const scratch = { ...gitTestEnv(home), GIT_INDEX_FILE: join(tempDir(), 'index') };
    gitIn(root, ['read-tree', info.snapshot], scratch);
    assert.equal(gitIn(root, ['diff', '--stat'], scratch), '');
    assert.equal(gitIn(root, ['ls-files', '--others', '--exclude-standard'], scratch), '');
    const tree = lsTree(root, info.snapshot);
    assert.equal(tree.get('notes/new.md'), gitIn(root, ['hash-object', 'notes/new.md']));
    assert.equal(tree.get('train.py'), gitIn(root, ['hash-object', 'train.py']));
    assert.equal(tree.has('old.py'), false);
    assert.equal(tree.has('data/big.csv'), false);
    assert.equal(tree.has('scratch.tmp'), false);
  });

  it('leaves untracked files above the size limit out of the snapshot and .git/objects, and lists them', async () => {
    const root = makeRepo({ '.gitignore': 'ignored/\n', 'train.py': 'lr = 0.1\n' });
    const big = Buffer.alloc(3 * 1024 * 1024, 7); // 3 MiB, over a 1 MiB limit
    writeFiles(root, {
      'train.py': 'lr = 0.01\n',
      'notes.md': 'small and untracked\n',
      'ignored/huge.bin': 'ignored files are never looked at\n',
    });
    writeFiles(root, { 'data/weights one*.bin': '' });
    writeFileSync(join(root, 'data/weights one*.bin'), big);
    writeFileSync(join(root, 'data/exact.bin'), Buffer.alloc(1024 * 1024, 1)); // at the limit: kept
    const blob = gitIn(root, ['hash-object', 'data/weights one*.bin']); // hashed, not written
    const statusBefore = gitIn(root, ['status', '--porcelain']);
    const indexBefore = readFileSync(join(root, '.git/index'));

    const info = await captureGitState(root, '20261124T000004Z-eeee', { maxUntrackedFileBytes: 1024 * 1024 });

    assert.deepEqual(info.skipped, [{ path: 'data/weights one*.bin', size: big.length }]);
    assert.equal(info.dirty, true);
    assert.ok(info.snapshot);
    assert.throws(() => gitIn(root, ['cat-file', '-e', blob]), 'the large file was never stored');
    const tree = lsTree(root, info.snapshot);
    assert.equal(tree.has('data/weights one*.bin'), false);
    assert.equal(tree.get('data/exact.bin'), gitIn(root, ['hash-object', 'data/exact.bin']));
    assert.equal(tree.get('notes.md'), gitIn(root, ['hash-object', 'notes.md']));
    assert.match(
      gitIn(root, ['log', '-1', '--format=%B', info.snapshot]),
      /Left out[^\n]*\n {2}data\/weights one\*\.bin/,
    );
    // The snapshot equals the working tree but for the listed files: read into a scratch index, git
    // sees no change, and the only files outside it are the skipped ones.
    const scratch = { ...gitTestEnv(home), GIT_INDEX_FILE: join(tempDir(), 'index') };
    gitIn(root, ['read-tree', info.snapshot], scratch);
    assert.equal(gitIn(root, ['diff', '--stat'], scratch), '');
    assert.equal(
      gitIn(root, ['ls-files', '--others', '--exclude-standard'], scratch),
      'data/weights one*.bin',
    );
    assert.equal(gitIn(root, ['status', '--porcelain']), statusBefore);
    assert.deepEqual(readFileSync(join(root, '.git/index')), indexBefore);

    // A tree that differs from HEAD only by a skipped file is still dirty (with a snapshot of the rest).
    const clean = makeRepo({ 'train.py': 'x\n' });
    writeFileSync(join(clean, 'model.bin'), big);
    const onlyBig = await captureGitState(clean, '20261124T000005Z-ffff', {
      maxUntrackedFileBytes: 1024 * 1024,
    });
    assert.equal(onlyBig.dirty, true);
    assert.deepEqual(onlyBig.skipped, [{ path: 'model.bin', size: big.length }]);
    assert.equal(
      gitIn(clean, ['rev-parse', `${onlyBig.snapshot}^{tree}`]),
      gitIn(clean, ['rev-parse', 'HEAD^{tree}']),
    );
    // Under the default limit (50 MiB) the same file is part of the snapshot.
    const all = await captureGitState(clean, '20261124T000006Z-abcd');
    assert.equal(all.skipped, undefined);
    assert.equal(lsTree(clean, all.snapshot!).get('model.bin'), gitIn(clean, ['hash-object', 'model.bin']));
  });

  it('sees a same-size edit made in the same clock tick as the commit (racy git)', async () => {
    // The kernel's file times are coarse (a few ms): an edit right after `git commit` can leave the
    // file with the size, mtime and ctime its index entry recorded. Git then trusts the stat data
    // only if the index file is older than the edit; the snapshot must see the new content every time.
    const root = makeRepo({ 'train.py': 'lr = 0.0\n' });
    const missed: number[] = [];
    for (let i = 1; i <= 20; i++) {
      writeFileSync(join(root, 'train.py'), `lr = 0.${i % 10}\n`.padEnd(9, ' '));
      const info = await captureGitState(root, `20261124T000010Z-${i.toString(16).padStart(4, '0')}`);
      if (
        !info.dirty ||
        gitIn(root, ['show', `${info.snapshot}:train.py`]) !==
          readFileSync(join(root, 'train.py'), 'utf8').trim()
      ) {
        missed.push(i);
      }
      gitIn(root, ['commit', '-qam', `step ${i}`]);
      writeFileSync(join(root, 'train.py'), readFileSync(join(root, 'train.py'), 'utf8').replace('lr', 'LR'));
      const same = await captureGitState(root, `20261124T000011Z-${i.toString(16).padStart(4, '0')}`);
      if (!same.dirty) {
        missed.push(-i);
      }
      gitIn(root, ['commit', '-qam', `case ${i}`]);
    }
    assert.deepEqual(missed, []);
  });

  it('treats an untracked file alone as dirty', async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    writeFileSync(join(root, 'b.txt'), 'b\n');
    const info = await captureGitState(root, '20261124T000002Z-cccc');
    assert.equal(info.dirty, true);
    assert.ok(lsTree(root, info.snapshot!).has('b.txt'));
  });

  it('works on a detached HEAD and before the first commit', async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    gitIn(root, ['checkout', '-q', '--detach']);
    const detached = await captureGitState(root, '20261124T000003Z-dddd');
    assert.equal(detached.branch, null);
    assert.equal(detached.dirty, false);

    const unborn = tempDir();
    gitIn(unborn, ['init', '-q', '-b', 'dev']);
    writeFileSync(join(unborn, 'x.py'), 'x\n');
    const info = await captureGitState(unborn, '20261124T000004Z-eeee');
    assert.equal(info.commit, null);
    assert.equal(info.branch, 'dev');
    assert.equal(info.dirty, true);
    assert.ok(lsTree(unborn, info.snapshot!).has('x.py'));
    assert.equal(gitIn(unborn, ['rev-list', '--parents', '-n', '1', info.snapshot!]), info.snapshot);
  });

  it('returns empty fields and a note outside a repository', async () => {
    const info = await captureGitState(tempDir(), '20261124T000005Z-ffff');
    assert.deepEqual(
      { commit: info.commit, branch: info.branch, dirty: info.dirty, snapshot: info.snapshot },
      { commit: null, branch: null, dirty: false, snapshot: null },
    );
    assert.equal(info.note, 'not a git repository');
  });

  it('deletes a run ref and describes commits', async () => {
    const root = makeRepo({ 'a.txt': 'a\n' }, 'subject line');
    writeFileSync(join(root, 'a.txt'), 'changed\n');
    const info = await captureGitState(root, '20261124T000006Z-abcd');
    const described = await describeCommits(root, [info.commit!, 'f'.repeat(40)]);
    assert.equal(described.get(info.commit!)?.subject, 'subject line');
    assert.equal(described.size, 1);
    await deleteRunRef(root, '20261124T000006Z-abcd');
    assert.equal(gitIn(root, ['for-each-ref', 'refs/xlens']), '');
  });
});
