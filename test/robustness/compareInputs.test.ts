/**
 * Comparing runs whose records are hostile: a run.json whose commit is a git option (`--output=…`) never
 * reaches git as one (`xlens diff` exits 2, no file appears), names like `__proto__` and escape sequences
 * in params are compared as ordinary text, and a filter holding shell text is only ever text.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { runIds, xlens } from '../helpers/xlensProcess';

describe('comparing hostile run records', () => {
  let root: string;
  let ids: string[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node -e "0"\n    params: { lr: 0.1 }\n',
      '.gitignore': '.xlens/\n',
    });
    for (const lr of ['0.1', '0.2']) {
      assert.equal((await xlens(root, ['run', 't', '--set', `lr=${lr}`])).code, 0);
    }
    ids = runIds(root);
    // The second record names a git option as its commit, and params with hostile names and values.
    const file = join(root, '.xlens', 'runs', ids[1], 'run.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as {
      git: { commit: string; snapshot: string | null };
      params: unknown;
    };
    record.git.commit = `--output=${join(root, 'pwned')}`;
    record.git.snapshot = null;
    record.params = JSON.parse('{"__proto__": "\\u001b[2Jx", "constructor": "$(touch pwned2)"}');
    writeFileSync(file, JSON.stringify(record));
  });

  it('xlens diff refuses a commit that is not a SHA with exit 2, and git writes nothing', async () => {
    const result = await xlens(root, ['diff', ids[0], ids[1]]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /is not a full commit SHA/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(root, 'pwned')), false);
  });

  it('xlens compare shows hostile param names and values as inert text', async () => {
    const result = await xlens(root, ['compare', ids[0], ids[1], '--all-params']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes('\u001b'), 'no escape sequence reaches the terminal');
    assert.match(result.stdout, /__proto__ \*\s+—\s+\\x1b\[2Jx/);
    assert.match(result.stdout, /constructor \*\s+—\s+\$\(touch pwned2\)/);
    const filtered = await xlens(root, [
      'runs',
      '--filter',
      'params.constructor ~ "$(touch pwned3)"',
      '--columns',
      'id',
    ]);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.match(filtered.stdout, /No run matches the filter/, 'the text is compared, never run');
    for (const name of ['pwned2', 'pwned3']) {
      assert.equal(existsSync(join(root, name)), false);
    }
  });
});
