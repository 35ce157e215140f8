/**
 * Links out of the workspace are never followed when a run's outputs and artifacts are sized: an
 * `artifacts/` entry or an `outputs:` path that links to `/` used to make the runner walk the whole
 * file system (issue "Nothing lost, nothing escapes", item 15). The output is refused with a warning
 * naming the link; the artifact is listed without a size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { latestRun, xlens } from '../helpers/xlensProcess';

const TASK = `
const fs = require('fs');
const path = require('path');
fs.mkdirSync(path.join(process.env.XLENS_RUN_DIR, 'artifacts'), { recursive: true });
fs.symlinkSync('/', path.join(process.env.XLENS_RUN_DIR, 'artifacts', 'everything'));
fs.rmSync('out', { force: true });
fs.symlinkSync('/', 'out');
fs.writeFileSync('model.txt', 'weights');
`;

describe('links out of the workspace', () => {
  it('are not followed when outputs and artifacts are sized', { timeout: 60_000 }, async () => {
    const root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node task.js\n    outputs: [out, model.txt]\n',
      'task.js': TASK,
      '.gitignore': 'out\nmodel.txt\n',
    });
    const result = await xlens(root, ['run', 't']);
    assert.equal(result.code, 0, result.stderr);
    const run = latestRun(root)!;
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(
      run.artifacts.map((a) => [a.path, a.size]),
      [
        ['artifacts/everything', 0],
        ['model.txt', 7],
      ],
    );
    assert.ok(
      (run.warnings ?? []).some((w) => /out.* is a link to \/, outside the workspace/.test(w)),
      `a warning names the link: ${JSON.stringify(run.warnings)}`,
    );
  });
});
