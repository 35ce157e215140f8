/** `xlens gc` (real CLI processes, temp git repository): old runs go with their refs; running and starred runs stay. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readAnnotations } from '../../../src/core/runs/annotations';
import { gitIn, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import { latestRun, runIds, startXlens, waitFor, xlens } from '../../helpers/xlensProcess';

const CONFIG = 'version: 1\ntasks:\n  hi: { run: echo hi }\n  wait: { run: node wait.js }\n';

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

function refs(root: string): string[] {
  const out = gitIn(root, ['for-each-ref', '--format=%(refname)', 'refs/xlens/']);
  return out === '' ? [] : out.split('\n').sort();
}

describe('xlens gc (real CLI process)', () => {
  it('deletes runs beyond --keep and older than --older-than with their refs, never starred or running ones', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'wait.js': 'setInterval(() => {}, 1000);\n' });
    writeFiles(root, { 'edit.py': 'dirty\n' }); // every run keeps a snapshot ref
    for (let i = 0; i < 4; i++) {
      assert.equal((await xlens(root, ['run', 'hi', '-q'])).code, 0);
    }
    const [r1, r2, r3, r4] = runIds(root);
    writeFileSync(join(root, '.xlens/runs', r1, 'annotations.json'), '{"starred": true, "note": "keep me"}');
    gitIn(root, ['update-ref', `refs/xlens/records/${r2}`, 'HEAD']);
    const bytes = folderBytes(join(root, '.xlens/runs', r2)) + folderBytes(join(root, '.xlens/runs', r3));

    const dry = await xlens(root, ['gc', '--keep', '1', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`^kept ${r1} \\(hi\\): starred$`, 'm'));
    assert.match(dry.stdout, new RegExp(`would delete ${r3} [^\\n]*\\nwould delete ${r2} `));
    assert.match(dry.stdout, new RegExp(`would delete 2 runs, freeing .* \\(${bytes} bytes\\)`));
    assert.equal(runIds(root).length, 4, 'a dry run deletes nothing');

    const done = await xlens(root, ['gc', '--keep', '1']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, new RegExp(`deleted 2 runs, freed .* \\(${bytes} bytes\\)`));
    assert.deepEqual(runIds(root), [r1, r4]);
    assert.deepEqual(refs(root), [`refs/xlens/runs/${r1}`, `refs/xlens/runs/${r4}`]);

    // Age: r4 made to look 40 days old; r1 is starred.
    const file = join(root, '.xlens/runs', r4, 'run.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as { createdAt: string };
    writeFileSync(
      file,
      JSON.stringify({ ...record, createdAt: new Date(Date.now() - 40 * 86_400_000).toISOString() }),
    );
    const old = await xlens(root, ['gc', '--older-than', '30d']);
    assert.equal(old.code, 0, old.stderr);
    assert.deepEqual(runIds(root), [r1]);

    const waiting = startXlens(root, ['run', 'wait', '-q']);
    await waitFor('the wait run to run', () => latestRun(root)?.status === 'running');
    const running = latestRun(root)!.id;
    const all = await xlens(root, ['gc', '--keep', '0']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, new RegExp(`^kept ${running} \\(wait\\): running$`, 'm'));
    assert.deepEqual(runIds(root), [r1, running]);
    assert.equal((await readAnnotations(join(root, '.xlens/runs', r1))).note, 'keep me');
    waiting.child.kill('SIGTERM');
    assert.equal((await waiting.done).code, 1);
  });

  it('refuses a call without a rule, a bad age and bad annotations are kept', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG });
    assert.equal((await xlens(root, ['run', 'hi', '-q'])).code, 0);
    const [id] = runIds(root);
    const none = await xlens(root, ['gc']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--keep N, --older-than 30d/);
    const bad = await xlens(root, ['gc', '--older-than', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"soon" is not an age/);
    writeFileSync(join(root, '.xlens/runs', id, 'annotations.json'), '{"starred": "yes"}');
    const kept = await xlens(root, ['gc', '--keep', '0']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /annotations unreadable: .*annotations\.json: write an object like/);
    assert.equal(existsSync(join(root, '.xlens/runs', id)), true);
    await assert.rejects(readAnnotations(join(root, '.xlens/runs', id)), /starred a boolean/);
    assert.deepEqual(await readAnnotations(tempDir()), {});
  });
});
