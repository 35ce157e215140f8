/**
 * The acceptance checks of the core spine, each through the real `xlens` command in a child process:
 * snapshots of a dirty working tree, a task killed by SIGKILL, Ctrl-C and other signals, timeouts,
 * malformed configs and bad metric lines. The terminal side (progress line, Ctrl-C keystroke) is in
 * terminal.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAlive } from '../../../src/core/base/process';
import { gitIn, gitTestEnv, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import { latestRun, metricLines, runIds, waitFor, xlens } from '../../helpers/xlensProcess';

/** A training script: `n` protocol lines, its pid in `child.pid`, then it waits (or exits when told). */
const TRAIN = `
const fs = require('fs');
const n = Number(process.argv[2] ?? 3);
for (let i = 0; i < n; i++) {
  fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: i, values: { loss: 1 / (i + 1) } }) + '\\n');
}
console.log('params', fs.readFileSync(process.env.XLENS_PARAMS_FILE, 'utf8').replace(/\\s+/g, ''));
if (process.argv[3] === 'wait') {
  if (process.argv[4] === 'stubborn') process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
  fs.writeFileSync(process.env.XLENS_RUN_DIR + '/child.pid', String(process.pid));
  setInterval(() => {}, 1000);
}
`;

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

function runDir(root: string, id: string): string {
  return join(root, '.xlens', 'runs', id);
}

/** The pid the task wrote to its run folder, once it is there. */
async function taskPid(root: string): Promise<number> {
  let pid = 0;
  await waitFor('the task to write child.pid', () => {
    const id = runIds(root).at(-1);
    const file = id && join(runDir(root, id), 'child.pid');
    pid = file && existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
    return pid > 0;
  });
  return pid;
}

describe('xlens run: git snapshot of a dirty working tree (real CLI process)', () => {
  it('records a snapshot equal to the working tree, untracked files included, leaving index and status byte-identical', async () => {
    const root = makeRepo({
      '.gitignore': 'data/raw/\n*.tmp\n',
      'xlens.yaml': [
        'tasks:',
        '  train:',
        '    run: node train.js ${params.epochs}',
        '    params: [params.yaml, { lr: 0.1 }]',
        '    data: [data/train.csv, data/extra]',
        '',
      ].join('\n'),
      'train.js': TRAIN,
      'params.yaml': 'epochs: 2\nmodel: { units: 8 }\n',
      'data/train.csv': 'x,y\n1,2\n',
      'data/extra/a.csv': 'a\n1\n',
      'src/model.py': 'layers = 2\n',
      'old.py': 'removed below\n',
    });
    writeFiles(root, {
      'train.js': `${TRAIN}// modified, not staged\n`,
      'src/model.py': 'layers = 3\n', // staged below, so the index differs from HEAD as well
      'notes/idea one.md': 'untracked, with a space in its name\n',
      'scripts/run.sh': '#!/bin/sh\necho untracked executable\n',
      'data/raw/big.csv': 'ignored\n',
      'scratch.tmp': 'ignored\n',
    });
    chmodSync(join(root, 'scripts/run.sh'), 0o755);
    rmSync(join(root, 'old.py'));
    gitIn(root, ['add', 'src/model.py']);
    const statusBefore = gitIn(root, ['status', '--porcelain', '--untracked-files=all']);
    const indexBefore = readFileSync(join(root, '.git/index'));
    const refsBefore = gitIn(root, ['show-ref', '--head']);

    const result = await xlens(root, ['run', 'train', '--set', 'epochs=4']);

    const indexAfter = readFileSync(join(root, '.git/index'));
    assert.equal(result.code, 0, result.stderr);
    assert.ok(indexAfter.equals(indexBefore), 'the index file is byte-identical');
    assert.equal(gitIn(root, ['status', '--porcelain', '--untracked-files=all']), statusBefore);
    const run = latestRun(root)!;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.git.commit, gitIn(root, ['rev-parse', 'HEAD']));
    assert.equal(run.git.branch, 'main');
    assert.equal(run.git.dirty, true);
    assert.match(
      result.stdout,
      new RegExp(`uncommitted changes \\(snapshot ${run.git.snapshot!.slice(0, 7)}\\)`),
    );
    const snapshotRef = `refs/xlens/runs/${run.id}`;
    assert.equal(gitIn(root, ['rev-parse', snapshotRef]), run.git.snapshot);
    assert.equal(gitIn(root, ['rev-parse', `${run.git.snapshot}^`]), run.git.commit, 'parent is HEAD');
    assert.equal(
      gitIn(root, ['show-ref', '--head']),
      `${refsBefore}\n${run.git.snapshot} ${snapshotRef}`,
      'HEAD and branches unmoved; only the run ref is new',
    );

    // What `git add -A` stages, built in a throwaway index, is exactly the snapshot's tree.
    const scratch = { ...gitTestEnv(tempDir()), GIT_INDEX_FILE: join(tempDir(), 'index') };
    gitIn(root, ['add', '-A'], scratch);
    assert.equal(
      gitIn(root, ['write-tree'], scratch),
      gitIn(root, ['rev-parse', `${run.git.snapshot}^{tree}`]),
    );
    // And git sees no difference between the snapshot and the working tree, untracked files included.
    const fromSnapshot = { ...gitTestEnv(tempDir()), GIT_INDEX_FILE: join(tempDir(), 'index') };
    gitIn(root, ['read-tree', run.git.snapshot!], fromSnapshot);
    assert.equal(gitIn(root, ['diff', '--name-status', run.git.snapshot!], fromSnapshot), '');
    assert.equal(gitIn(root, ['ls-files', '--others', '--exclude-standard'], fromSnapshot), '');
    assert.equal(
      gitIn(root, ['show', `${run.git.snapshot}:notes/idea one.md`]),
      'untracked, with a space in its name',
    );
    assert.match(gitIn(root, ['ls-tree', run.git.snapshot!, 'scripts/run.sh']), /^100755 /);
    assert.equal(
      gitIn(root, ['ls-tree', '-r', '--name-only', run.git.snapshot!, 'data/raw', 'scratch.tmp', 'old.py']),
      '',
    );

    // Params (file, inline map, --set) and data fingerprints were recorded at start.
    assert.deepEqual(run.params, { epochs: 4, 'model.units': 8, lr: 0.1 });
    assert.deepEqual(run.paramSources, ['params.yaml', 'inline', '--set']);
    assert.equal(run.command, 'node train.js 4');
    assert.match(result.stdout, /params \{"epochs":4,"model\.units":8,"lr":0\.1\}/);
    assert.deepEqual(
      run.data.map((d) => [d.path, d.files, d.size]),
      [
        ['data/train.csv', 1, 8],
        ['data/extra', 1, 4],
      ],
    );
    assert.equal(run.data[0].sha256, sha256sum(join(root, 'data/train.csv')));
    assert.deepEqual(
      metricLines(root, run.id).map((l) => l.step),
      [0, 1, 2, 3],
    );
  });

  it('runs a clean tree without a snapshot, and a folder outside git with a one-line note', async () => {
    const root = makeRepo({ 'xlens.yaml': 'tasks:\n  t:\n    run: node train.js 1\n', 'train.js': TRAIN });
    const clean = await xlens(root, ['run', 't']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(
      { dirty: latestRun(root)!.git.dirty, snapshot: latestRun(root)!.git.snapshot },
      { dirty: false, snapshot: null },
    );
    assert.equal(gitIn(root, ['for-each-ref', 'refs/xlens']), '');

    const plain = tempDir();
    writeFiles(plain, { 'xlens.yaml': 'tasks:\n  t:\n    run: node train.js 1\n', 'train.js': TRAIN });
    const outside = await xlens(plain, ['run', 't']);
    assert.equal(outside.code, 0, outside.stderr);
    const notes = outside.stdout.split('\n').filter((l) => l.includes('not a git repository'));
    assert.deepEqual(notes, [`▶ t · run ${runIds(plain)[0]} · no git commit (not a git repository)`]);
    assert.equal(outside.stderr, '');
    const git = latestRun(plain)!.git;
    assert.deepEqual(git, {
      commit: null,
      branch: null,
      subject: null,
      dirty: false,
      snapshot: null,
      note: 'not a git repository',
    });
  });
});

describe('xlens run: killed, cancelled and timed-out tasks (real CLI process)', () => {
  it('SIGKILL of the training child: failed, signal recorded, every metric line written before kept', async () => {
    for (const run of ['node train.js ${params.n} wait', 'exec node train.js ${params.n} wait']) {
      const root = makeRepo({
        'xlens.yaml': `tasks:\n  train:\n    run: ${run}\n    params: params.json\n    data: [train.js]\n`,
        'params.json': '{"n": 5}',
        'train.js': TRAIN,
      });
      const pending = xlens(root, ['run', 'train']);
      const child = await taskPid(root);
      // Params and data fingerprints are in run.json from the start, before the task ends.
      const running = latestRun(root)!;
      assert.equal(running.status, 'running');
      assert.ok(running.pid !== undefined && isAlive(running.pid));
      assert.deepEqual(running.params, { n: 5 });
      assert.deepEqual(running.paramSources, ['params.json']);
      assert.equal(running.data[0].sha256, sha256sum(join(root, 'train.js')));
      process.kill(child, 'SIGKILL');
      const result = await pending;
      assert.equal(result.code, 1, run);
      assert.match(result.stdout, /✖ train failed \(killed by signal SIGKILL/, run);
      const record = latestRun(root)!;
      assert.equal(record.status, 'failed', run);
      assert.equal(record.signal, 'SIGKILL', run);
      assert.equal(record.pid, undefined, 'a finished run has no live pid');
      assert.ok(record.endedAt && record.durationMs! >= 0);
      assert.deepEqual(
        metricLines(root, record.id).map((l) => [l.step, l.values.loss]),
        [0, 1, 2, 3, 4].map((i) => [i, 1 / (i + 1)]),
        run,
      );
      assert.equal(record.metrics.loss.count, 5);
    }
  });

  it('Ctrl-C on a task that ignores SIGTERM: SIGKILL after the grace period, recorded as cancelled', async () => {
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  train:\n    run: exec node train.js 3 wait stubborn\n',
      'train.js': TRAIN,
    });
    let cli = 0;
    const pending = xlens(root, ['run', 'train'], (pid) => (cli = pid));
    const task = await taskPid(root);
    const sent = Date.now();
    process.kill(cli, 'SIGINT');
    const result = await pending;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /SIGINT: cancelling/);
    assert.match(result.stdout, /ignoring SIGTERM/, 'the task got SIGTERM first');
    assert.ok(Date.now() - sent >= 4500, 'SIGKILL only after the 5 s grace period');
    const record = latestRun(root)!;
    assert.equal(record.status, 'cancelled');
    assert.equal(record.signal, 'SIGKILL');
    assert.deepEqual(
      metricLines(root, record.id).map((l) => l.step),
      [0, 1, 2],
    );
    await waitFor('the task to be gone', () => !isAlive(task));
  });

  it('SIGTERM or SIGHUP (terminal closed) to xlens cancels the run too, so the task does not outlive it', async () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const root = makeRepo({
        'xlens.yaml': 'tasks:\n  train:\n    run: node train.js 2 wait\n',
        'train.js': TRAIN,
      });
      let cli = 0;
      const pending = xlens(root, ['run', 'train'], (pid) => (cli = pid));
      const task = await taskPid(root);
      process.kill(cli, signal);
      const result = await pending;
      assert.equal(result.code, 1, `${signal}: ${result.stderr}`);
      assert.equal(latestRun(root)!.status, 'cancelled', signal);
      assert.equal(latestRun(root)!.metrics.loss.count, 2, signal);
      await waitFor(`the task to be gone after ${signal}`, () => !isAlive(task));
    }
  });

  it('fails a task that exceeds its timeout, keeping its metrics', async () => {
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  train:\n    run: node train.js 2 wait\n    timeout: 1s\n',
      'train.js': TRAIN,
    });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /✖ train failed \(timed out after 1\.0s\)/);
    const record = latestRun(root)!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error, 'timed out after 1.0s');
    assert.equal(record.metrics.loss.count, 2);
  });
});

describe('xlens run: bad input', () => {
  const cases: [string, string, RegExp][] = [
    [
      'an unknown kind',
      'tasks:\n  train:\n    kind: tfjs-trian\n    data: d.csv\n',
      /^xlens\.yaml:3:11: `kind` of task "train" must be one of command, tfjs-train, tfjs-eval, drift, eval, monitor, not "tfjs-trian"\. Did you mean "tfjs-train"\?$/,
    ],
    [
      'a wrong type',
      'tasks:\n  train:\n    run: node train.js\n    data: 5\n',
      /^xlens\.yaml:4:11: `data` of task "train" must be a string or a list, not an integer \(5\)\.$/,
    ],
    [
      'a YAML syntax error',
      'tasks:\n  train:\n    run: node train.js\n    env: { A: 1\n',
      /^xlens\.yaml:5:1: YAML syntax: Flow map .* end with a \}\. .* close every \{ and \[\.$/,
    ],
    [
      'a misspelt key',
      'tasks:\n  train:\n    run: node train.js\n    timout: 1h\n',
      /^xlens\.yaml:4:5: unknown key "timout" in task "train"\. Did you mean "timeout"\?$/,
    ],
  ];
  for (const [what, config, message] of cases) {
    it(`rejects ${what} with file:line:col and the fix, exit 2, no run folder`, async () => {
      const root = makeRepo({ 'xlens.yaml': config, 'train.js': TRAIN });
      const result = await xlens(root, ['run', 'train']);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      const line = result.stderr.trim();
      assert.ok(line.startsWith(`${root}/`), line);
      assert.match(line.slice(root.length + 1), message);
      assert.deepEqual(runIds(root), []);
      assert.equal(existsSync(join(root, '.xlens')), false, 'nothing written to the store');
    });
  }
});

describe('xlens run: bad metric lines', () => {
  it('reports each bad line or non-finite value with its line number on stderr and keeps the rest', async () => {
    const write = [
      '{"step": 0, "values": {"loss": 1}}',
      '{"step": 1, "values": {"loss": NaN, "lr": 0.1}}',
      '{"step": 2, "values": {"loss": Infinity}}',
      '{"step": 3, "values": {"loss": 1e999}}',
      '{"step": 4, "values": {"loss": 0.5',
      '{"step": 5, "values": {"loss": 0.25}}',
      '{"values": {"loss": 0.2}}',
    ];
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  train:\n    run: node write.js\n',
      'write.js': `require('fs').writeFileSync(process.env.XLENS_METRICS_FILE, ${JSON.stringify(write.join('\n') + '\n')});`,
    });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 0, result.stderr);
    const warnings = result.stderr.split('\n').filter((l) => l.startsWith('xlens: warning: '));
    assert.deepEqual(
      warnings.map((w) =>
        /metrics\.raw\.jsonl:(\d+): (non-finite value -?\w+|not valid JSON)/.exec(w)?.slice(1),
      ),
      [
        ['2', 'non-finite value NaN'],
        ['3', 'non-finite value Infinity'],
        ['4', 'non-finite value Infinity'],
        ['5', 'not valid JSON'],
      ],
    );
    assert.equal(warnings.filter((w) => /of "loss" left out/.test(w)).length, 3);
    const record = latestRun(root)!;
    assert.equal(record.warningCount, 4);
    // Finite values of a line with a NaN are kept; the checked copy marks the non-finite ones as null.
    // The step-less last line is step 6 (its place in the file), although line 5 was skipped.
    assert.deepEqual(
      metricLines(root, record.id).map((l) => [l.step, l.values]),
      [
        [0, { loss: 1 }],
        [1, { lr: 0.1, loss: null }],
        [2, { loss: null }],
        [3, { loss: null }],
        [5, { loss: 0.25 }],
        [6, { loss: 0.2 }],
      ],
    );
    assert.deepEqual(record.metrics.loss, {
      last: 0.2,
      lastStep: 6,
      min: 0.2,
      max: 1,
      bestStep: 6,
      count: 3,
      nonFinite: 3,
    });
    assert.equal(record.metrics.lr?.count, 1);
    const shown = await xlens(root, ['show', record.id]);
    assert.match(shown.stdout, /^ {2}loss .* 3 \+ 3 non-finite$/m);
    assert.equal(
      readFileSync(join(runDir(root, record.id), 'metrics.raw.jsonl'), 'utf8'),
      write.join('\n') + '\n',
    );
  });
});
