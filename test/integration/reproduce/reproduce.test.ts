/**
 * `xlens reproduce` (real CLI processes, temp git repositories): a run's code from its snapshot in a
 * temporary worktree, its data checked, its task run again with its params, metrics compared, and the
 * user's repository left byte-identical.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, writeFiles } from '../../helpers/gitRepo';
import { penguinsFiles } from '../../helpers/penguins';
import { repoState } from '../../helpers/repoState';
import { metricLines, runIds, xlens } from '../../helpers/xlensProcess';

function record(root: string, id: string): RunRecord {
  return JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('xlens reproduce (real CLI process)', () => {
  it('reproduces a seeded built-in training bit for bit after the working tree moved on, leaving it byte-identical', async () => {
    const root = makeRepo(penguinsFiles(8));
    // The run starts from uncommitted changes: more epochs and an untracked helper file.
    writeFiles(root, { 'xlens.yaml': penguinsFiles(12)['xlens.yaml'], 'notes.py': 'print("notes")\n' });
    const run = await xlens(root, ['run', 'train', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const [originalId] = runIds(root);
    const original = record(root, originalId);
    assert.equal(original.git.dirty, true);
    assert.equal(original.params.epochs, 12);

    // The tree moves on: a stash entry, another branch with more commits, staged and unstaged edits.
    writeFiles(root, { 'stashed.txt': 'mine\n' });
    gitIn(root, ['stash', 'push', '--include-untracked', '-m', 'my own stash']);
    gitIn(root, ['checkout', '-q', '-b', 'elsewhere']);
    writeFiles(root, { 'xlens.yaml': penguinsFiles(2)['xlens.yaml'], 'other.py': 'x = 1\n' });
    gitIn(root, ['add', '-A']);
    gitIn(root, ['commit', '-q', '-m', 'fewer epochs']);
    writeFiles(root, { 'third.py': 'y = 2\n' });
    gitIn(root, ['add', 'third.py']);
    gitIn(root, ['commit', '-q', '-m', 'more']);
    writeFiles(root, { 'staged.py': 'z = 3\n', 'xlens.yaml': penguinsFiles(3)['xlens.yaml'] });
    gitIn(root, ['add', 'staged.py']);
    writeFileSync(join(root, 'data/penguins.csv'), 'species,island\nAdelie,Dream\n'); // tracked data edited
    const before = repoState(root);

    const result = await xlens(root, ['reproduce', originalId]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(repoState(root), before, 'working tree, index, stash list and branch untouched');
    assert.deepEqual(
      gitIn(root, ['worktree', 'list', '--porcelain'])
        .split('\n')
        .filter((l) => l.startsWith('worktree ')),
      [`worktree ${root}`],
      'the temporary worktree is gone',
    );

    const [, newId] = runIds(root);
    const reproduced = record(root, newId);
    assert.equal(reproduced.status, 'succeeded');
    assert.equal(reproduced.reproducedFrom, originalId);
    assert.equal(reproduced.params.epochs, 12, "the recorded params, not the working tree's");
    assert.deepEqual(
      reproduced.data,
      original.data.map((d) => ({ ...d, mtime: reproduced.data[0].mtime })),
    );
    assert.equal(reproduced.git.commit, original.git.commit);
    assert.equal(
      gitIn(root, ['rev-parse', `${reproduced.git.snapshot}^{tree}`]),
      gitIn(root, ['rev-parse', `${original.git.snapshot}^{tree}`]),
      'the same code',
    );
    const names = Object.keys(original.metrics);
    assert.ok(names.includes('val_loss') && names.length >= 5, names.join(','));
    assert.deepEqual({ ...reproduced.metrics }, { ...original.metrics }, 'every summary bit for bit');
    assert.deepEqual(
      metricLines(root, newId).map((l) => l.values),
      metricLines(root, originalId).map((l) => l.values),
      'every point bit for bit',
    );
    assert.match(result.stdout, new RegExp(`${names.length} of ${names.length} metrics identical`));
    assert.match(result.stdout, /^val_loss\s+(\S+)\s+\1\s+0 \(identical\)$/m);
  });

  const CONFIG = [
    'version: 1',
    'tasks:',
    '  count:',
    '    run: node count.js',
    '    params: { scale: 1 }',
    '    data: [data/input.csv]',
    '    outputs: [out/]',
    '',
  ].join('\n');
  const COUNT = [
    "const fs = require('node:fs');",
    "const rows = fs.readFileSync('data/input.csv', 'utf8').trim().split('\\n').length;",
    "const scale = JSON.parse(fs.readFileSync(process.env.XLENS_PARAMS_FILE, 'utf8')).scale;",
    "fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: 0, values: { rows: rows * scale } }) + '\\n');",
    "fs.mkdirSync('out', { recursive: true });",
    "fs.writeFileSync('out/result.txt', String(rows * scale));",
    '',
  ].join('\n');

  it('stops with exit 2 naming each changed input and both hashes; --allow-data-change and --set run anyway, outputs kept', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'count.js': COUNT, '.gitignore': 'data/\nout/\n' });
    writeFiles(root, { 'data/input.csv': 'a\n1\n2\n' }); // ignored: git does not hold the data
    assert.equal((await xlens(root, ['run', 'count'])).code, 0);
    const [originalId] = runIds(root);
    assert.equal(record(root, originalId).metrics.rows.last, 3);

    writeFiles(root, { 'data/input.csv': 'a\n1\n2\n3\n4\n' });
    const refused = await xlens(root, ['reproduce', originalId]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /data\/input\.csv/);
    assert.ok(refused.stderr.includes(sha256('a\n1\n2\n')), refused.stderr);
    assert.ok(refused.stderr.includes(sha256('a\n1\n2\n3\n4\n')), refused.stderr);
    assert.match(refused.stderr, /--allow-data-change/);
    assert.equal(runIds(root).length, 1, 'no run created');

    const allowed = await xlens(root, ['reproduce', originalId, '--allow-data-change', '--set', 'scale=2']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /data\/input\.csv changed/);
    assert.match(allowed.stdout, /^rows\s+3\s+10\s+7$/m);
    const [, newId] = runIds(root);
    const reproduced = record(root, newId);
    assert.equal(reproduced.params.scale, 2);
    assert.deepEqual(
      reproduced.artifacts
        .filter((a) => a.path.startsWith('artifacts/outputs/'))
        .map((a) => [a.path, a.root]),
      [['artifacts/outputs/out', 'run']],
    );
    assert.equal(
      readFileSync(join(root, '.xlens/runs', newId, 'artifacts/outputs/out/result.txt'), 'utf8'),
      '10',
    );
    assert.equal(existsSync(join(root, 'out/result.txt')), true);
    assert.equal(readFileSync(join(root, 'out/result.txt'), 'utf8'), '3', "the workspace's output untouched");
  });

  it('refuses a run whose code is not in the repository', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'count.js': COUNT, '.gitignore': 'data/\nout/\n' });
    writeFiles(root, { 'data/input.csv': 'a\n1\n', 'count.js': `${COUNT}// edit\n` });
    assert.equal((await xlens(root, ['run', 'count'])).code, 0);
    const [id] = runIds(root);
    const run = record(root, id);
    gitIn(root, ['update-ref', '-d', `refs/xlens/runs/${id}`]);
    gitIn(root, ['reflog', 'expire', '--expire=now', '--all']);
    gitIn(root, ['gc', '-q', '--prune=now']);
    const result = await xlens(root, ['reproduce', id]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`\\(commit ${run.git.snapshot}\\) is not in this repository`));
  });
});
