/**
 * A run reference names a run: an empty or blank one (`xlens rm ''`, a shell variable that expanded to
 * nothing) matches no run, so it deletes nothing and shows nothing; it is a user error (exit 2) that
 * asks for a run id (issue "Nothing lost, nothing escapes", item 6).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { runIds, xlens } from '../helpers/xlensProcess';

describe('run references', () => {
  it('an empty or blank run reference deletes nothing', async () => {
    const root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  train:\n    run: node -e "0"\n',
    });
    const run = await xlens(root, ['run', 'train']);
    assert.equal(run.code, 0, run.stderr);
    const [only] = runIds(root);
    assert.ok(only, 'the run was recorded');
    for (const ref of ['', ' ', '\t']) {
      const rm = await xlens(root, ['rm', ref]);
      assert.equal(rm.code, 2, `xlens rm ${JSON.stringify(ref)}: ${rm.stdout}${rm.stderr}`);
      assert.match(rm.stderr, /give a run id/);
      assert.ok(
        existsSync(join(root, '.xlens/runs', only, 'run.json')),
        `xlens rm ${JSON.stringify(ref)} deleted the run`,
      );
    }
    const rmMixed = await xlens(root, ['rm', only, '']);
    assert.equal(rmMixed.code, 2, rmMixed.stderr);
    assert.deepEqual(runIds(root), [only], 'nothing is deleted when one of the references is blank');
    const show = await xlens(root, ['show', '']);
    assert.equal(show.code, 2, show.stderr);
    assert.match(show.stderr, /give a run id/);
  });
});
