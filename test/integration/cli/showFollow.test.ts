/**
 * `xlens show <run> --follow` on a real running run: the run's output and new metric points stream
 * through the core run follower until the run ends, and the exit code says how it ended. Each step of
 * the task waits for a file the test writes, so nothing depends on timing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, startXlens, waitFor } from '../../helpers/xlensProcess';

/** Writes step 0, then waits for `go`; then prints two lines, writes step 1 and exits with argv[2]. */
const TASK = `
const fs = require('fs');
const write = (step, loss) => fs.appendFileSync(process.env.XLENS_METRICS_FILE,
  JSON.stringify({ step, values: { loss, '\\u001b]52;c;aGk=\\u0007clip': step } }) + '\\n');
write(0, 1);
console.log('epoch 0 done');
const wait = setInterval(() => {
  if (!fs.existsSync('go')) return;
  clearInterval(wait);
  console.log('epoch 1 done');
  write(1, 0.5);
  process.stdout.write('last line without newline');
  process.exitCode = Number(process.argv[2]);
}, 20);
`;

function workspace(): string {
  return makeRepo({
    'xlens.yaml': 'version: 1\ntasks:\n  ok:\n    run: node task.js 0\n  bad:\n    run: node task.js 3\n',
    'task.js': TASK,
  });
}

async function followUntilEnd(
  task: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = workspace();
  const run = startXlens(root, ['run', task]);
  await waitFor('the first metric line', () => (latestRun(root)?.metrics.loss?.count ?? 0) >= 1);
  const show = startXlens(root, ['show', 'latest', '--follow']);
  await waitFor('the first point streamed', () => show.output.stdout.includes('[metrics] step 0'));
  writeFileSync(join(root, 'go'), '');
  const [followed] = await Promise.all([show.done, run.done]);
  return followed;
}

describe('xlens show --follow', () => {
  it('streams the output and metric points of a running run until it succeeds, then exits 0', async () => {
    const { code, stdout } = await followUntilEnd('ok');
    assert.equal(code, 0);
    assert.match(stdout, /^status: +running$/m);
    assert.match(stdout, /following run \S+/);
    const streamed = stdout.slice(stdout.indexOf('following run'));
    for (const expected of ['epoch 0 done', 'epoch 1 done', 'last line without newline']) {
      assert.ok(streamed.includes(`${expected}\n`), `streamed "${expected}"`);
    }
    assert.match(streamed, /\[metrics\] step 0 {2}loss=1 {2}\\x1b\]52;c;aGk=\\x07clip=0\n/);
    assert.match(streamed, /\[metrics\] step 1 {2}loss=0\.5 {2}/);
    assert.ok(!streamed.includes('\u001b'), 'metric names reach the terminal inert');
    assert.match(streamed, /\nrun \S+ succeeded in /);
    assert.equal(streamed.match(/epoch 1 done/g)?.length, 1, 'each line once');
  });

  it('exits 1 when the followed run fails, naming its status', async () => {
    const { code, stdout } = await followUntilEnd('bad');
    assert.equal(code, 1);
    assert.match(stdout, /\nrun \S+ failed/);
  });

  it('stops following on SIGINT and leaves the run going', async () => {
    const root = workspace();
    const run = startXlens(root, ['run', 'ok']);
    await waitFor('the first metric line', () => (latestRun(root)?.metrics.loss?.count ?? 0) >= 1);
    const show = startXlens(root, ['show', 'latest', '--follow']);
    await waitFor('following', () => show.output.stdout.includes('[metrics] step 0'));
    show.child.kill('SIGINT');
    const stopped = await show.done;
    assert.equal(stopped.code, 0);
    assert.match(stopped.stderr, /stopped following run \S+; it goes on/);
    assert.equal(latestRun(root)?.status, 'running');
    writeFileSync(join(root, 'go'), '');
    await run.done;
    assert.equal(latestRun(root)?.status, 'succeeded');
    const again = startXlens(root, ['show', 'latest', '--follow']);
    const ended = await again.done;
    assert.equal(ended.code, 0);
    assert.match(ended.stderr, /already ended \(succeeded\)/);
  });
});
