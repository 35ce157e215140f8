/**
 * A hostile repository configuration never runs a program of the workspace's when Experiment Lens
 * only reads git or deletes its own refs: `log.showSignature` with a `gpg.program` of the workspace's,
 * a `core.pager`, and a `reference-transaction` hook under `core.hooksPath` (issue "Nothing lost,
 * nothing escapes", item 1). Each program would write a marker file; none may appear.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deleteRunRef, describeCommits, headCommit, runRef } from '../../src/core/git/gitContext';
import { gitIn, makeRepo, writeFiles } from '../helpers/gitRepo';

const RUN_ID = '20261206T090000Z-0a1b2c3d';

/** A repository whose config names programs of its own, each of which leaves `marker-<name>` behind. */
function hostileRepo(): string {
  const root = makeRepo({ 'train.py': 'print(1)\n' });
  const program = (name: string): string =>
    `#!/bin/sh\ntouch "$(dirname "$0")/../marker-${name}"\ncat >/dev/null\n`;
  writeFiles(root, {
    'tools/gpg': program('gpg'),
    'tools/pager': program('pager'),
    'hooks/reference-transaction': program('hook'),
    'hooks/post-index-change': program('index-hook'),
  });
  for (const file of ['tools/gpg', 'tools/pager', 'hooks/reference-transaction', 'hooks/post-index-change']) {
    chmodSync(join(root, file), 0o755);
  }
  gitIn(root, ['config', 'log.showSignature', 'true']);
  gitIn(root, ['config', 'gpg.program', join(root, 'tools/gpg')]);
  gitIn(root, ['config', 'core.pager', join(root, 'tools/pager')]);
  gitIn(root, ['config', 'core.hooksPath', join(root, 'hooks')]);
  return root;
}

/** A commit that carries a (bogus) signature, so `git log` with showSignature asks gpg.program to verify it. */
function signedCommit(root: string): string {
  const body = gitIn(root, ['cat-file', 'commit', 'HEAD']);
  const signature =
    'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----';
  const signed = body.replace(/^(committer .*)$/m, `$1\n${signature}`);
  return execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
    cwd: root,
    input: `${signed}\n`,
    encoding: 'utf8',
  }).trim();
}

function markers(root: string): string[] {
  return ['gpg', 'pager', 'hook', 'index-hook'].filter((n) => existsSync(join(root, `marker-${n}`)));
}

describe('git with a hostile repository config', () => {
  it('describes commits (the Runs view) without running gpg.program or core.pager', async () => {
    const root = hostileRepo();
    const head = await headCommit(root);
    assert.ok(head);
    const signed = signedCommit(root);
    const described = await describeCommits(root, [head, signed]);
    assert.equal(described.get(head)?.subject, 'initial commit');
    assert.equal(described.get(signed)?.subject, 'initial commit');
    assert.deepEqual(markers(root), []);
  });

  it("deletes a run's snapshot ref (Delete Run, xlens rm) without running the reference-transaction hook", async () => {
    const root = hostileRepo();
    const head = gitIn(root, ['rev-parse', 'HEAD']);
    // Made without the hooks, as the runner would have made it.
    gitIn(root, ['-c', 'core.hooksPath=/dev/null', 'update-ref', runRef(RUN_ID), head]);
    await deleteRunRef(root, RUN_ID);
    assert.equal(gitIn(root, ['-c', 'core.hooksPath=/dev/null', 'for-each-ref', runRef(RUN_ID)]), '');
    assert.deepEqual(markers(root), []);
  });
});
