/**
 * W&B offline runs through the real CLI (`xlens import`, `xlens show`, `xlens runs`), on the runs the
 * real wandb SDK wrote (test/fixtures/wandb, values from W&B's own read-back in expected.json).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { repoRoot, xlens } from '../../helpers/xlensProcess';

const fixtures = join(repoRoot, 'test/fixtures/wandb');

interface Expected {
  folder: string;
  gitHead: string | null;
  records: { run: { id: string; name: string; project: string }; history: unknown[] }[];
}
const expected = (name: string): Expected =>
  JSON.parse(readFileSync(join(fixtures, name, 'expected.json'), 'utf8')) as Expected;

function workspace(): string {
  const root = makeRepo({ 'xlens.yaml': 'tasks:\n  t:\n    run: "true"\n' });
  for (const name of ['basic', 'git']) {
    cpSync(join(fixtures, name, 'wandb'), join(root, 'wandb'), { recursive: true });
  }
  return root;
}

describe('W&B offline runs through the CLI', () => {
  it('xlens import lists each run with its name, project, status, commit and series', async () => {
    const root = workspace();
    const result = await xlens(root, ['import', '.']);
    assert.equal(result.code, 0, result.stderr);
    const basic = expected('basic').records[0];
    const git = expected('git');
    assert.match(result.stdout, /^2 runs in 2 sources/m);
    assert.match(
      result.stdout,
      new RegExp(
        `^${basic.run.name} \\(${basic.run.id}\\) +\\[wandb, experiment ${basic.run.project}, succeeded\\]$`,
        'm',
      ),
    );
    assert.match(
      result.stdout,
      new RegExp(
        `^git-run \\(${git.records[0].run.id}\\) +\\[wandb, experiment xlens-fixtures, failed, commit ${git.gitHead!.slice(0, 7)}\\]$`,
        'm',
      ),
    );
    assert.match(result.stdout, new RegExp(`^ +loss +${basic.history.length} +0\\.008333 +119$`, 'm'));
  });

  it('xlens show <W&B run id> gives params from the config, the git remote and the summary', async () => {
    const root = workspace();
    const git = expected('git');
    const result = await xlens(root, ['show', git.records[0].run.id]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^imported: +git-run \(wandb run, not run by xlens\)$/m);
    assert.match(result.stdout, new RegExp(`^git: +${git.gitHead}$`, 'm'));
    assert.match(result.stdout, /^ {2}optimizer\.name = "adam"$/m);
    assert.match(result.stdout, /^ {2}git\.remote = https:\/\/example\.com\/team\/project\.git$/m);
    assert.match(result.stdout, /^ {2}summary\.val\/loss = 0\.75$/m);
  });

  it('xlens runs lists the W&B runs among the imported runs', async () => {
    const root = workspace();
    const result = await xlens(root, ['runs']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^wandb +baseline-run +succeeded /m);
    assert.match(result.stdout, /^wandb +git-run +failed +[0-9a-f]{7} /m);
  });
});
