import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAlive } from '../../../src/core/base/process';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import {
  latestRun,
  repoRoot,
  runIds,
  startXlens,
  waitFor,
  xlens,
  xlensInProcess,
} from '../../helpers/xlensProcess';

const TRAIN = `
const fs = require('fs');
const epochs = Number(process.argv[2]);
for (let e = 0; e < epochs; e++) {
  fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: e, values: { loss: 1 / (e + 1), val_accuracy: e / epochs } }) + '\\n');
  console.log('epoch', e);
}
`;

const CONFIG = [
  'version: 1',
  'tasks:',
  '  train:',
  '    run: node train.js ${params.epochs}',
  '    params: { epochs: 3 }',
  '  broken:',
  '    run: node -e "process.exit(4)"',
  '',
].join('\n');

describe('xlens CLI (real processes)', () => {
  it('runs a task in a git repository, lists it as JSON and shows it (exit 0)', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'train.js': TRAIN });
    const run = await xlens(root, ['run', 'train', '--set', 'epochs=4']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /epoch 3/);
    assert.match(run.stdout, /✔ train succeeded/);
    assert.ok(
      !run.stdout.includes('\u001b') && !run.stdout.includes('\r'),
      'no control characters off a terminal',
    );

    const list = await xlens(root, ['runs', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const runs = JSON.parse(list.stdout) as RunRecord[];
    assert.equal(runs.length, 1);
    assert.equal(runs[0].status, 'succeeded');
    assert.equal(runs[0].git.commit, gitIn(root, ['rev-parse', 'HEAD']));
    assert.equal(runs[0].git.dirty, false);
    assert.deepEqual(runs[0].params, { epochs: 4 });
    assert.deepEqual(runs[0].paramSources, ['inline', '--set']);
    assert.equal(runs[0].metrics.loss.count, 4);

    const table = await xlens(root, ['runs']);
    assert.match(table.stdout, /^ID\s+TASK\s+STATUS\s+COMMIT\s+DIRTY\s+DURATION\s+METRICS$/m);
    assert.match(
      table.stdout,
      new RegExp(`${runs[0].id}\\s+train\\s+succeeded\\s+${runs[0].git.commit.slice(0, 7)}\\s+no`),
    );
    assert.match(table.stdout, /val_accuracy=0\.75 loss=0\.25/);

    const show = await xlens(root, ['show', runs[0].id.slice(0, 12), '--json']);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).dir, join(root, '.xlens', 'runs', runs[0].id));
    const text = await xlens(root, ['show', 'latest']);
    assert.match(text.stdout, /status:\s+succeeded/);
    assert.match(text.stdout, /epochs = 4/);
    assert.equal(gitIn(root, ['status', '--porcelain']), '', 'the store is ignored by git');
  });

  it('exits 1 for a failed task and records it', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'train.js': TRAIN });
    const result = await xlens(root, ['run', 'broken']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /✖ broken failed \(exited with code 4\)/);
    const [id] = runIds(root);
    assert.equal(JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')).exitCode, 4);
  });

  it('runs outside git, found from a subfolder, with a note instead of a commit', async () => {
    const root = tempDir();
    writeFiles(root, { 'xlens.yaml': CONFIG, 'train.js': TRAIN, 'sub/dir/keep': '' });
    const result = await xlens(join(root, 'sub', 'dir'), ['run', 'train']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no git commit \(not a git repository\)/);
    const list = JSON.parse((await xlens(root, ['runs', '--json'])).stdout) as RunRecord[];
    assert.equal(list[0].git.commit, null);
    assert.equal(list[0].git.note, 'not a git repository');
  });

  it('rejects a malformed xlens.yaml with file:line:col, exit 2, and no run', async () => {
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  train:\n    run: node train.js\n    epochs: 3\n',
      'train.js': TRAIN,
    });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr.trim(),
      `${join(root, 'xlens.yaml')}:4:5: unknown key "epochs" in task "train". Allowed keys: kind, description, run, params, data, metrics, outputs, env, timeout, cwd, checks, baseline, executor.`,
    );
    assert.deepEqual(runIds(root), []);

    writeFiles(root, { 'xlens.yaml': 'tasks:\n  train:\n    run: "node train.js\n' });
    const syntax = await xlens(root, ['run', 'train']);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, new RegExp(`^${join(root, 'xlens.yaml')}:\\d+:\\d+: YAML syntax: `));
    assert.deepEqual(runIds(root), []);
  });

  it('exits 2 for bad arguments: unknown task, unknown param, unknown option, no workspace', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'train.js': TRAIN });
    const cases: [string[], RegExp][] = [
      [['run', 'trian'], /no task "trian".* Did you mean "train"\?/],
      [
        ['run', 'train', '--set', 'epoch=2'],
        /^xlens run: --set epoch: .*no param "epoch" \(did you mean "epochs"\?/,
      ],
      [['run', 'train', '--set', 'epochs'], /write --set key=value/],
      [['runs', '--bogus'], /^xlens runs: unknown option --bogus \(/],
      [['rnus'], /^xlens: unknown command "rnus" \(did you mean xlens runs; see xlens --help\)\n$/],
      [['show', 'nope'], /no run matches "nope"/],
    ];
    for (const [args, pattern] of cases) {
      const result = await xlensInProcess(root, args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, pattern);
    }
    const outside = await xlensInProcess(tempDir(), ['runs']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /no xlens\.yaml in .* Create one with `xlens init`/);
    assert.deepEqual(runIds(root), []);
  });

  it('init writes a starter that runs through the config checks, and refuses to overwrite', async () => {
    const root = tempDir();
    const first = await xlens(root, ['init']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(readFileSync(join(root, 'xlens.yaml'), 'utf8'), /^version: 1$/m);
    const second = await xlens(root, ['--cwd', root, 'init']);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /already exists/);
    const runs = await xlens(root, ['runs']);
    assert.equal(runs.code, 0);
    assert.match(runs.stdout, /No runs yet/);
  });

  it('prints help and version', async () => {
    const help = await xlens(repoRoot, ['--help']);
    assert.equal(help.code, 0);
    for (const name of ['run', 'runs', 'show', 'init']) {
      assert.match(help.stdout, new RegExp(`^  ${name}\\s+\\S`, 'm'));
    }
    const version = await xlens(repoRoot, ['--version']);
    assert.equal(
      version.stdout.trim(),
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version,
    );
    const runHelp = await xlens(repoRoot, ['run', '--help']);
    assert.match(runHelp.stdout, /^Usage: xlens run <task>/);
  });

  it('Ctrl-C (SIGINT) cancels the run cleanly and records it as cancelled (exit 1)', async () => {
    const root = makeRepo({
      'xlens.yaml':
        'tasks:\n  wait:\n    run: node -e "console.log(\'ready\'); setInterval(() => {}, 1000)"\n',
    });
    let pid = 0;
    const pending = xlens(root, ['run', 'wait'], (p) => (pid = p));
    await waitFor('the run to start', () => latestRun(root)?.status === 'running');
    process.kill(pid, 'SIGINT');
    const result = await pending;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /SIGINT: cancelling/);
    const record = latestRun(root)!;
    assert.equal(record.status, 'cancelled');
    assert.equal(record.signal, 'SIGTERM');
  });

  it('Ctrl-C on a command that runs no task just stops it, without the task-cancelling message', async () => {
    const root = tempDir();
    writeFiles(root, { 'logs/training.log': 'epoch,loss\n0,1.5\n1,0.9\n' });
    const watch = startXlens(root, ['import', 'logs', '--watch']);
    // The listing is printed before watching starts.
    await waitFor('the watch to start', () => /training\.log/.test(watch.output.stdout));
    watch.child.kill('SIGINT');
    const { code, stderr } = await watch.done;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /xlens: SIGINT: stopping\./);
    assert.doesNotMatch(stderr, /SIGTERM, then SIGKILL|cancelling/);
  });

  it('finalises a run whose CLI was killed once its task is gone too', async () => {
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  wait:\n    run: exec node -e "setInterval(() => {}, 1000)"\n',
    });
    let pid = 0;
    const pending = xlens(root, ['run', 'wait'], (p) => (pid = p));
    await waitFor('the run to start', () => latestRun(root)?.status === 'running');
    process.kill(pid, 'SIGKILL');
    await pending;
    const child = latestRun(root)!.pid!;
    const whileChildLives = JSON.parse((await xlens(root, ['runs', '--json'])).stdout) as RunRecord[];
    assert.equal(whileChildLives[0].status, 'running', 'the task still runs; nothing to finalise yet');
    // The run's pid leads the task's process group: kill the group (no exit status is recorded).
    process.kill(-child, 'SIGKILL');
    await waitFor('the killed task to be gone', () => !isAlive(child));
    const after = JSON.parse((await xlens(root, ['runs', '--json'])).stdout) as RunRecord[];
    assert.equal(after[0].status, 'failed');
    assert.equal(after[0].error, 'the process supervising the run exited before it finished');
  });
});
