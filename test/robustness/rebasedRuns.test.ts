/**
 * Runs whose commit left the repository (the branch was reset and the commit collected, as after a
 * rebase): `xlens diff` still prints the params that changed and says why the code cannot be compared
 * and how to get it back (exit 2, no stack trace); `xlens compare` reads only the records and works.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { runIds, xlens } from '../helpers/xlensProcess';

describe('runs on a commit rebased away', () => {
  let root: string;
  let ids: string[];
  let lost: string;
  before(async () => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node train.js\n    params: { lr: 0.1 }\n',
      'train.js':
        'require("node:fs").appendFileSync(process.env.XLENS_METRICS_FILE, \'{"values":{"loss":1}}\\n\');\n',
      '.gitignore': '.xlens/\n',
    });
    assert.equal((await xlens(root, ['run', 't'])).code, 0);
    writeFileSync(join(root, 'train.js'), '// v2\n');
    gitIn(root, ['commit', '-q', '-am', 'v2']);
    lost = gitIn(root, ['rev-parse', 'HEAD']).trim();
    assert.equal((await xlens(root, ['run', 't', '--set', 'lr=0.2'])).code, 0);
    ids = runIds(root);
    gitIn(root, ['reset', '-q', '--hard', 'HEAD~1']);
    gitIn(root, ['reflog', 'expire', '--expire=now', '--all']);
    gitIn(root, ['gc', '-q', '--prune=now']);
    assert.throws(() => gitIn(root, ['cat-file', '-e', lost]), 'the commit is gone');
  });

  it('xlens diff prints the params, then why the code cannot be compared, with exit 2', async () => {
    const result = await xlens(root, ['diff', ids[0], ids[1]]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stdout, /^ {2}~ lr: 0\.1 → 0\.2$/m);
    assert.match(result.stdout, /^Code: cannot be compared/m);
    assert.match(
      result.stderr,
      new RegExp(`commit ${lost.slice(0, 12)} is not in this repository \\(rebased`),
    );
    assert.match(result.stderr, new RegExp(`git fetch <remote> ${lost}`));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('xlens compare needs no code and compares the records', async () => {
    const result = await xlens(root, ['compare', ids[0], ids[1]]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^lr\s+0\.1\s+0\.2$/m);
  });
});
