/**
 * `xlens pull` from a remote holding records xlens would never write (real git, temp repositories): a
 * symbolic link where run.json should be, a record without run.json, a run.json naming another run.
 * Each is skipped with a warning naming the run; nothing is written outside the run store, and local
 * runs are never overwritten.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitIn, gitTestEnv, makeRepo, tempDir } from '../helpers/gitRepo';
import { runIds, xlens } from '../helpers/xlensProcess';

const CONFIG = 'version: 1\ntasks:\n  hi: { run: echo hi }\n';

/** Writes `entries` (mode, name, content) as a tree and a commit under `ref` in `repo`. */
function plantRecord(repo: string, ref: string, entries: [string, string, string][]): void {
  const env = gitTestEnv(tempDir());
  const lines = entries.map(([mode, name, content]) => {
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, env, input: content })
      .toString()
      .trim();
    return `${mode} blob ${blob}\t${name}`;
  });
  const tree = execFileSync('git', ['mktree'], { cwd: repo, env, input: `${lines.join('\n')}\n` })
    .toString()
    .trim();
  const commit = gitIn(repo, ['commit-tree', tree, '-m', 'planted'], env);
  gitIn(repo, ['update-ref', ref, commit], env);
}

describe('xlens pull refuses records it would never write', () => {
  it('skips a link, a record without run.json and one naming another run; keeps local runs', async () => {
    const origin = makeRepo({ 'xlens.yaml': CONFIG });
    writeFileSync(join(origin, 'edit.txt'), 'uncommitted\n'); // the run keeps a snapshot ref
    assert.equal((await xlens(origin, ['run', 'hi', '-q'])).code, 0);
    const [local] = runIds(origin);
    const link = '20261201T000000Z-aaaaaaaa';
    const empty = '20261201T000000Z-bbbbbbbb';
    const other = '20261201T000000Z-cccccccc';
    plantRecord(origin, `refs/xlens/records/${link}`, [['120000', 'run.json', '/etc/passwd']]);
    plantRecord(origin, `refs/xlens/records/${empty}`, [['100644', 'output.log', 'hi\n']]);
    plantRecord(origin, `refs/xlens/records/${other}`, [
      ['100644', 'run.json', JSON.stringify({ id: local, task: 'hi', status: 'succeeded' })],
    ]);
    // A record claiming the local run's id must not replace it.
    plantRecord(origin, `refs/xlens/records/${local}`, [
      ['100644', 'run.json', JSON.stringify({ id: local, task: 'evil', status: 'failed' })],
    ]);
    // The remote names other code for the local run's snapshot ref.
    const snapshot = gitIn(origin, ['rev-parse', `refs/xlens/runs/${local}`]);
    const bare = join(tempDir(), 'shared.git');
    gitIn(origin, ['clone', '-q', '--bare', '--mirror', origin, bare]);
    gitIn(bare, ['update-ref', `refs/xlens/runs/${local}`, gitIn(bare, ['rev-parse', 'HEAD'])]);
    const before = readFileSync(join(origin, '.xlens/runs', local, 'run.json'), 'utf8');

    const pulled = await xlens(origin, ['pull', bare]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, /^0 new runs, 0 updated from /m);
    assert.match(pulled.stderr, new RegExp(`skipped ${link}: .*120000 run\\.json`));
    assert.match(pulled.stderr, new RegExp(`skipped ${empty}: .*no readable run\\.json`));
    assert.match(pulled.stderr, new RegExp(`skipped ${other}: .*no readable run\\.json`));
    assert.deepEqual(runIds(origin), [local]);
    assert.match(pulled.stderr, /some snapshot refs on .* differ from the ones here and were not taken/);
    assert.equal(
      gitIn(origin, ['rev-parse', `refs/xlens/runs/${local}`]),
      snapshot,
      'the snapshot ref is not moved',
    );
    assert.equal(readFileSync(join(origin, '.xlens/runs', local, 'run.json'), 'utf8'), before);
    for (const id of [link, empty, other]) {
      assert.equal(existsSync(join(origin, '.xlens/runs', id)), false, id);
    }
    const status = gitIn(origin, ['status', '--porcelain', '--ignored']).split('\n');
    assert.deepEqual(
      status.filter((l) => l !== '' && !l.includes('.xlens') && l !== '?? edit.txt'),
      [],
      'nothing written outside the run store',
    );
  });
});
