/**
 * `kill -9` of the `xlens run` process: the task goes on without its supervisor. Once it ends, the
 * next listing records its true outcome (from the exit status written beside the run), takes the
 * metric points it wrote afterwards into `metrics.jsonl` and the summaries, and notes that supervision
 * was lost (issue "Nothing lost, nothing escapes", item 7).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAlive } from '../../src/core/base/process';
import type { RunRecord } from '../../src/core/runs/types';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { latestRun, metricLines, startXlens, waitFor, xlens } from '../helpers/xlensProcess';

/** Writes steps 0-2, waits for a `go` file, writes steps 3-5, a bad line and step 6, exits with argv[2]. */
const TASK = `
const fs = require('fs');
const file = process.env.XLENS_METRICS_FILE;
const put = (step) => fs.appendFileSync(file, JSON.stringify({ step, values: { loss: 1 / (step + 1) } }) + '\\n');
for (let step = 0; step < 3; step++) put(step);
const wait = setInterval(() => {
  if (!fs.existsSync('go')) return;
  clearInterval(wait);
  for (let step = 3; step < 6; step++) put(step);
  fs.appendFileSync(file, 'not json\\n');
  fs.appendFileSync(file, JSON.stringify({ step: 7, values: { loss: 0.1 } })); // no final newline
  process.exit(Number(process.argv[2]));
}, 20);
`;

function linesOf(root: string, id: string): number[] {
  try {
    return metricLines(root, id).map((l) => l.step);
  } catch {
    return [];
  }
}

describe('supervisor killed', () => {
  for (const [code, status, error] of [
    [0, 'succeeded', undefined],
    [3, 'failed', 'exited with code 3'],
  ] as const) {
    it(`records the true outcome (${status}) and every point of a task that outlived kill -9 of xlens run`, async () => {
      const root = tempDir('xlens-orphan-');
      writeFiles(root, {
        'xlens.yaml': `version: 1\ntasks:\n  t:\n    run: node task.js ${code}\n`,
        'task.js': TASK,
      });
      const supervisor = startXlens(root, ['run', 't']);
      await waitFor('the run to record its first three points', () => {
        const running = latestRun(root);
        return running?.pid !== undefined && linesOf(root, running.id).length === 3;
      });
      const run = latestRun(root)!;
      supervisor.child.kill('SIGKILL');
      await supervisor.done;
      writeFileSync(join(root, 'go'), '');
      await waitFor('the task to end', () => !isAlive(run.pid));

      // The first listing finalises the run; the second reads what it saved.
      for (const pass of ['first listing', 'second listing']) {
        const runs = await xlens(root, ['runs', '--json']);
        assert.equal(runs.code, 0, runs.stderr);
        const [record] = JSON.parse(runs.stdout) as RunRecord[];
        assert.equal(record.status, status, pass);
        assert.equal(record.exitCode, code, pass);
        assert.equal(record.error, error, pass);
        assert.equal(record.metrics.loss.count, 7, pass);
        assert.equal(record.metrics.loss.lastStep, 7, pass);
        assert.ok(
          record.warnings?.some((w) => /^supervision was lost: /.test(w)),
          pass,
        );
        assert.ok(
          record.warnings?.some((w) => /^metrics\.raw\.jsonl:7: /.test(w)),
          pass,
        );
        assert.deepEqual(linesOf(root, record.id), [0, 1, 2, 3, 4, 5, 7], pass);
      }
      const show = await xlens(root, ['show', run.id]);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, new RegExp(`status: +${status}`));
      assert.match(show.stdout, /supervision was lost/);
    });
  }
});
