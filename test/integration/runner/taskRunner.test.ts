import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import type { RunMetric, RunOutput } from '../../../src/core/runner/types';
import { isAlive, processStartToken } from '../../../src/core/base/process';
import { RunStore } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';

/** A workspace with `xlens.yaml` and scripts; returns a runner over it. */
async function workspace(files: Record<string, string>, root = tempDir()) {
  writeFiles(root, files);
  const project = await loadProjectOrThrow(root);
  const store = new RunStore(root);
  const runner = new TaskRunner(project, store, { killGraceMs: 300, pollIntervalMs: 50 });
  return { root, store, runner };
}

function metricLines(store: RunStore, run: RunRecord): { step: number; values: Record<string, number> }[] {
  return readFileSync(store.file(run.id, 'metrics'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { step: number; values: Record<string, number> });
}

/** Waits until `check` is true (polling every 20 ms, at most `ms`: generous, for loaded machines). */
async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A script appending protocol lines (and the given raw lines) to XLENS_METRICS_FILE. */
const WRITE_METRICS = `
const fs = require('fs');
const file = process.env.XLENS_METRICS_FILE;
const put = (line) => fs.appendFileSync(file, line + '\\n');
put(JSON.stringify({ step: 0, values: { loss: 0.9, accuracy: 0.5 } }));
put('{"step": 1, "values": {"loss": 0.7');          // line 2: cut short, not JSON
put('{"step": 1, "values": {"loss": NaN, "accuracy": 0.6}}'); // line 3: NaN, as Python's json.dumps writes it
put(JSON.stringify({ step: 2, time: 1764000000123, values: { loss: 0.4, accuracy: 0.8 } }));
fs.appendFileSync(file, JSON.stringify({ step: 3, values: { loss: 0.3 } })); // last line without newline
console.log('run', process.env.XLENS_RUN_ID, 'params', fs.readFileSync(process.env.XLENS_PARAMS_FILE, 'utf8').trim());
console.error('dir ' + process.env.XLENS_RUN_DIR);
fs.writeFileSync(process.env.XLENS_RUN_DIR + '/artifacts/model.txt', 'weights');
fs.writeFileSync(process.env.XLENS_RUN_DIR + '/info.json', JSON.stringify({ backend: 'test' }));
`;

describe('TaskRunner with real child processes', () => {
  it('records a succeeded run: good metric lines kept, bad ones reported by line number', async () => {
    const { store, runner } = await workspace({
      'write.js': WRITE_METRICS,
      'data.csv': 'a,b\n1,2\n',
      'xlens.yaml':
        'tasks:\n  train:\n    run: node write.js --lr ${params.lr}\n    params: { lr: 0.5 }\n    data: [data.csv]\n    env: { EXTRA: yes }\n',
    });
    const outputs: RunOutput[] = [];
    const metrics: RunMetric[] = [];
    const statuses: string[] = [];
    runner.onOutput((o) => outputs.push(o));
    runner.onMetric((m) => metrics.push(m));
    runner.onDidChangeStatus((r) => statuses.push(r.status));
    const run = await runner.run('train');

    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.exitCode, 0);
    assert.equal(run.command, 'node write.js --lr 0.5');
    assert.deepEqual(statuses, ['queued', 'running', 'succeeded']);
    assert.deepEqual(
      metricLines(store, run).map((l) => [l.step, l.values]),
      [
        [0, { loss: 0.9, accuracy: 0.5 }],
        // The NaN line keeps its finite value; the checked copy writes the NaN as null (strict JSON).
        [1, { accuracy: 0.6, loss: null as unknown as number }],
        [2, { loss: 0.4, accuracy: 0.8 }],
        [3, { loss: 0.3 }],
      ],
    );
    assert.equal(metrics.length, 4);
    assert.equal(run.warningCount, 2);
    assert.match(run.warnings![0], /^metrics\.raw\.jsonl:2: not valid JSON/);
    assert.match(run.warnings![1], /^metrics\.raw\.jsonl:3: non-finite value NaN of "loss" left out/);
    assert.deepEqual(run.metrics.loss, {
      last: 0.3,
      lastStep: 3,
      min: 0.3,
      max: 0.9,
      bestStep: 3,
      count: 3,
      nonFinite: 1,
    });
    assert.deepEqual(run.metrics.accuracy, {
      last: 0.8,
      lastStep: 2,
      min: 0.5,
      max: 0.8,
      bestStep: 2,
      count: 3,
    });
    // The store recomputes the same summaries from the checked copy (as reconcile does).
    assert.deepEqual(await store.summarize(run.id), run.metrics);
    assert.equal(run.supervisorPid, process.pid);
    if (process.platform === 'linux') {
      assert.equal(run.supervisorStart, processStartToken(process.pid));
    }

    const log = readFileSync(store.file(run.id, 'output'), 'utf8');
    assert.match(log, new RegExp(`run ${run.id} params \\{\\s*"lr": 0.5\\s*\\}`));
    assert.match(log, new RegExp(`dir ${store.runDir(run.id)}`));
    assert.ok(outputs.some((o) => o.stream === 'stderr' && o.text.includes('dir ')));
    assert.deepEqual(run.params, { lr: 0.5 });
    assert.deepEqual(
      run.data.map((d) => [d.path, d.size, d.files]),
      [['data.csv', 8, 1]],
    );
    assert.deepEqual(run.artifacts, [{ path: 'artifacts/model.txt', size: 7, root: 'run' }]);
    assert.deepEqual(run.info, { backend: 'test' });
    assert.equal(run.pid, undefined);
    assert.deepEqual(await store.read(run.id), run);
  });

  it('reads metrics from stdout with the task pattern', async () => {
    const { store, runner } = await workspace({
      'xlens.yaml': [
        'tasks:',
        '  t:',
        `    run: "node -e \\"for (let e = 0; e < 3; e++) console.log('epoch ' + e + ' loss=' + (1 - e / 10) + ' acc=' + e / 4)\\""`,
        '    metrics:',
        "      - stdout: 'epoch (?<step>\\d+).*?(?<name>loss)=(?<value>[\\d.]+)'",
        "      - stdout: '(?<name>acc)=(?<value>[\\d.]+)'",
        '',
      ].join('\n'),
    });
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(run.metrics.loss, { last: 0.8, lastStep: 2, min: 0.8, max: 1, bestStep: 2, count: 3 });
    assert.deepEqual(run.metrics.acc, { last: 0.5, lastStep: 2, min: 0, max: 0.5, bestStep: 2, count: 3 });
    assert.equal(metricLines(store, run).length, 6);
  });

  it('appends extra arguments shell-quoted and passes the task env', async () => {
    const { store, runner } = await workspace({
      'xlens.yaml': 'tasks:\n  t:\n    run: printf "%s|" "$GREETING"\n    env: { GREETING: hello }\n',
    });
    const run = await runner.run('t', { extraArgs: ['a b', "it's", '$HOME'] });
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(readFileSync(store.file(run.id, 'output'), 'utf8'), "hello|a b|it's|$HOME|");
  });

  it('marks a non-zero exit as failed with its code', async () => {
    const { runner } = await workspace({ 'xlens.yaml': 'tasks:\n  t:\n    run: echo oops >&2; exit 3\n' });
    const run = await runner.run('t');
    assert.equal(run.status, 'failed');
    assert.equal(run.exitCode, 3);
    assert.equal(run.error, 'exited with code 3');
  });

  it('explains the shell exit codes for a missing and a non-executable command', async () => {
    const { runner } = await workspace({
      'script.sh': 'echo hi\n',
      'xlens.yaml': 'tasks:\n  missing:\n    run: no-such-command-xyz --x\n  noexec:\n    run: ./script.sh\n',
    });
    const missing = await runner.run('missing');
    assert.equal(missing.exitCode, 127);
    assert.match(missing.error!, /^exited with code 127: the shell did not find the command/);
    const noexec = await runner.run('noexec');
    assert.equal(noexec.exitCode, 126);
    assert.match(noexec.error!, /^exited with code 126: the command is not executable/);
  });

  it('records SIGKILL of the child as failed with the signal, keeping every metric line written before', async () => {
    const script = `
      const fs = require('fs');
      for (let i = 0; i < 5; i++) fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: i, values: { loss: 1 / (i + 1) } }) + '\\n');
      fs.writeFileSync('child.pid', String(process.pid));
      setInterval(() => {}, 1000);
    `;
    for (const command of ['node busy.js', 'exec node busy.js']) {
      const { root, store, runner } = await workspace({
        'busy.js': script,
        'xlens.yaml': `tasks:\n  t:\n    run: ${command}\n`,
      });
      const handle = await runner.start('t');
      await until(() => existsSync(join(root, 'child.pid')));
      process.kill(Number(readFileSync(join(root, 'child.pid'), 'utf8')), 'SIGKILL');
      const run = await handle.done;
      assert.equal(run.status, 'failed', command);
      assert.equal(run.signal, 'SIGKILL', command);
      assert.match(run.error!, /killed by signal SIGKILL/);
      assert.deepEqual(
        metricLines(store, run).map((l) => l.step),
        [0, 1, 2, 3, 4],
        command,
      );
      assert.equal(run.metrics.loss.count, 5);
    }
  });

  it('cancels through the AbortSignal: SIGTERM to the process group, SIGKILL after the grace period', async () => {
    // The shell starts a grandchild that ignores SIGTERM; both must be gone after the cancel.
    const { root, runner } = await workspace({
      'stubborn.js': `process.on('SIGTERM', () => {}); require('fs').writeFileSync('grandchild.pid', String(process.pid)); setInterval(() => {}, 1000);`,
      'xlens.yaml': 'tasks:\n  t:\n    run: node stubborn.js; echo after\n',
    });
    const controller = new AbortController();
    const handle = await runner.start('t', { signal: controller.signal });
    await until(() => existsSync(join(root, 'grandchild.pid')));
    const grandchild = Number(readFileSync(join(root, 'grandchild.pid'), 'utf8'));
    const started = Date.now();
    controller.abort();
    const run = await handle.done;
    assert.equal(run.status, 'cancelled');
    assert.equal(run.error, 'cancelled');
    assert.ok(Date.now() - started >= 250, 'waited for the grace period before SIGKILL');
    await until(() => !isAlive(grandchild), 30_000);
  });

  it('fails a run that exceeds its timeout', async () => {
    const { runner } = await workspace({
      'xlens.yaml': 'tasks:\n  t:\n    run: sleep 10\n    timeout: 300ms\n',
    });
    const started = Date.now();
    const run = await runner.run('t');
    assert.equal(run.status, 'failed');
    assert.equal(run.error, 'timed out after 300 ms');
    assert.equal(run.signal, 'SIGTERM');
    assert.ok(Date.now() - started < 9000, 'stopped long before `sleep 10` would end');
  });

  it('applies --set overrides, records their source, and rejects unknown params before creating a run', async () => {
    const { store, runner } = await workspace({
      'xlens.yaml':
        'tasks:\n  t:\n    run: echo lr=${params.lr}\n    params: { lr: 0.1 }\n    metrics: [{ stdout: "(?<name>lr)=(?<value>[.\\\\d]+)" }]\n',
    });
    const run = await runner.run('t', { overrides: { lr: 0.02 } });
    assert.equal(run.command, 'echo lr=0.02');
    assert.deepEqual(run.params, { lr: 0.02 });
    assert.deepEqual(run.paramSources, ['inline', '--set']);
    assert.equal(run.metrics.lr.last, 0.02);
    await assert.rejects(runner.run('t', { overrides: { lrr: 1 } }), (e: unknown) => {
      assert.ok(e instanceof UserInputError);
      assert.match(e.message, /no param "lrr". Did you mean "lr"\?/);
      return true;
    });
    await assert.rejects(runner.run('nope'), /no task "nope"/);
    assert.equal((await store.list()).runs.length, 1);
  });

  it('resolves ${runs.<task>.latest} to the latest succeeded run folder, and explains when there is none', async () => {
    const { store, runner } = await workspace({
      'xlens.yaml': [
        'tasks:',
        '  make:',
        '    run: echo model > $XLENS_RUN_DIR/artifacts/model.txt',
        '  use:',
        '    run: cat ${runs.make.latest}/artifacts/model.txt',
        '',
      ].join('\n'),
    });
    await assert.rejects(runner.run('use'), (e: unknown) => {
      assert.ok(e instanceof UserInputError);
      assert.match(
        e.message,
        /xlens\.yaml:5:10: \$\{runs\.make\.latest\}: task "make" has no succeeded run yet/,
      );
      return true;
    });
    assert.equal((await store.list()).runs.length, 0);
    const made = await runner.run('make');
    const used = await runner.run('use');
    assert.equal(used.status, 'succeeded');
    assert.equal(used.command, `cat ${store.runDir(made.id)}/artifacts/model.txt`);
    assert.equal(readFileSync(store.file(used.id, 'output'), 'utf8'), 'model\n');
  });

  it('names a missing input at its line before creating a run, and records outputs as artifacts', async () => {
    const { root, store, runner } = await workspace({
      'xlens.yaml':
        'tasks:\n  t:\n    run: mkdir -p out && echo 12345 > out/m.bin\n    data: [missing.csv]\n    outputs: [out]\n',
    });
    await assert.rejects(runner.run('t'), /xlens\.yaml:4:12: input "missing.csv" not found/);
    assert.equal(
      existsSync(join(root, '.xlens', 'runs')) ? readdirSync(join(root, '.xlens', 'runs')).length : 0,
      0,
    );
    writeFiles(root, { 'missing.csv': 'x\n' });
    const run = await runner.run('t');
    const mtime = statSync(join(root, 'out/m.bin')).mtime.toISOString();
    assert.deepEqual(run.artifacts, [{ path: 'out', size: 6, root: 'workspace', modifiedAt: mtime }]);
    assert.equal((await store.list()).runs.length, 1);
  });

  it('records the git commit and a snapshot of uncommitted changes', async () => {
    const root = makeRepo({ 'xlens.yaml': 'tasks:\n  t:\n    run: "true"\n', 'train.py': 'print(1)\n' });
    writeFiles(root, { 'train.py': 'print(2)\n', 'new.txt': 'untracked\n' });
    const { runner } = await workspace({}, root);
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded');
    assert.equal(run.git.commit, gitIn(root, ['rev-parse', 'HEAD']));
    assert.equal(run.git.branch, 'main');
    assert.equal(run.git.dirty, true);
    assert.equal(gitIn(root, ['rev-parse', `refs/xlens/runs/${run.id}`]), run.git.snapshot);
    assert.equal(gitIn(root, ['show', `${run.git.snapshot}:train.py`]), 'print(2)');
  });
});
