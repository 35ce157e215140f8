/** `xlens rm`: deletes run folders and their git snapshot refs (real CLI processes, temp git repo). */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitIn, makeRepo } from '../../helpers/gitRepo';
import { latestRun, runIds, waitFor, xlens } from '../../helpers/xlensProcess';

const CONFIG = ['version: 1', 'tasks:', '  hi: { run: echo hi }', '  wait: { run: node wait.js }', ''].join(
  '\n',
);

function refs(root: string): string[] {
  const out = gitIn(root, ['for-each-ref', '--format=%(refname)', 'refs/xlens/']);
  return out === '' ? [] : out.split('\n');
}

describe('xlens rm (real CLI process)', () => {
  it('deletes the named runs and their snapshot refs, resolving every ref first', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'train.py': 'print(1)\n' });
    writeFileSync(join(root, 'train.py'), 'print(2)\n'); // dirty: each run keeps a snapshot ref
    for (let i = 0; i < 3; i++) {
      assert.equal((await xlens(root, ['run', 'hi'])).code, 0);
    }
    const [first, second, third] = runIds(root);
    assert.deepEqual(refs(root).sort(), [first, second, third].map((id) => `refs/xlens/runs/${id}`).sort());

    const bad = await xlens(root, ['rm', first, 'no-such-run']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no run matches "no-such-run"/);
    assert.equal(runIds(root).length, 3, 'nothing deleted when one ref does not resolve');

    const rm = await xlens(root, ['rm', 'latest', first.slice(-8)]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(
      rm.stdout,
      `deleted ${third} (hi, succeeded) and its snapshot ref refs/xlens/runs/${third}\n` +
        `deleted ${first} (hi, succeeded) and its snapshot ref refs/xlens/runs/${first}\n`,
    );
    assert.deepEqual(runIds(root), [second]);
    assert.deepEqual(refs(root), [`refs/xlens/runs/${second}`]);
    assert.equal(existsSync(join(root, '.xlens/runs', third)), false);

    const json = await xlens(root, ['rm', second, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout) as { deleted: { id: string; snapshot: string | null }[] };
    assert.equal(body.deleted.length, 1);
    assert.equal(body.deleted[0].id, second);
    assert.match(body.deleted[0].snapshot ?? '', /^[0-9a-f]{40}$/);
    assert.deepEqual(refs(root), []);
    assert.deepEqual(runIds(root), []);

    const help = await xlens(root, ['--help']);
    assert.match(help.stdout, /^\s+rm\s+delete runs/m);
  });

  it('refuses a running run without --force', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'wait.js': 'setInterval(() => {}, 1000);\n' });
    let pid = 0;
    const running = xlens(root, ['run', 'wait'], (p) => (pid = p));
    await waitFor('the run to start', () => latestRun(root)?.status === 'running');
    const refused = await xlens(root, ['rm', 'latest']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /is still running; cancel it first .* or add --force/);
    assert.equal(runIds(root).length, 1);
    process.kill(pid, 'SIGINT');
    assert.equal((await running).code, 1);
    assert.equal(latestRun(root)?.status, 'cancelled');
    const rm = await xlens(root, ['rm', 'latest']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(runIds(root), []);
  });
});
