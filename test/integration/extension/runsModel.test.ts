import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureGitState, describeCommits, headCommit } from '../../../src/core/git/gitContext';
import { RunStore } from '../../../src/core/runs/store';
import type { MetricSummary, RunRecord } from '../../../src/core/runs/types';
import { describeRun, RunsModel, shortSha } from '../../../src/features/runs/runsModel';
import { runTooltip } from '../../../src/features/runs/runTooltip';
import { gitIn, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';

// Git in these tests must not read the developer's configuration.
const home = tempDir('xlens-home-');
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = join(home, '.config');
process.env.GIT_CONFIG_NOSYSTEM = '1';

const NOW = Date.parse('2026-11-24T12:00:00Z');

function summary(values: number[], goal: 'min' | 'max' = 'min'): MetricSummary {
  const best = goal === 'min' ? Math.min(...values) : Math.max(...values);
  return {
    last: values[values.length - 1],
    lastStep: values.length - 1,
    min: Math.min(...values),
    max: Math.max(...values),
    bestStep: values.indexOf(best),
    count: values.length,
  };
}

/** Records a run in `store` the way the runner does: git state captured at start. */
async function recordRun(
  store: RunStore,
  root: string,
  task: string,
  createdAt: string,
  extra: Partial<RunRecord> = {},
): Promise<RunRecord> {
  const record = await store.create({
    task,
    kind: 'command',
    status: 'succeeded',
    createdAt,
    startedAt: createdAt,
    endedAt: new Date(Date.parse(createdAt) + 95_000).toISOString(),
    durationMs: 95_000,
    command: 'python train.py',
    cwd: root,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: { epochs: 5 },
    data: [],
    metrics: {},
    artifacts: [],
    ...extra,
  });
  const git = await captureGitState(root, record.id);
  const withGit = { ...record, git };
  await store.write(withGit);
  return withGit;
}

describe('RunsModel grouping by commit (real git repository, real run store)', () => {
  it('groups runs by their commit, marks HEAD and the dirty run with its snapshot', async () => {
    const root = makeRepo({ 'train.py': 'print("v1")\n' }, 'first model');
    const store = new RunStore(root);
    const first = await recordRun(store, root, 'train', '2026-11-24T09:00:00.000Z');
    writeFiles(root, { 'train.py': 'print("v2")\n' });
    gitIn(root, ['commit', '-q', '-am', 'wider layers']);
    const clean = await recordRun(store, root, 'train', '2026-11-24T10:00:00.000Z');
    writeFiles(root, { 'train.py': 'print("v3 uncommitted")\n', 'notes.txt': 'try dropout\n' });
    const dirty = await recordRun(store, root, 'eval', '2026-11-24T11:00:00.000Z');

    const model = new RunsModel();
    model.setRuns((await store.list()).runs);
    model.setHead(await headCommit(root));
    model.addCommitInfo((await describeCommits(root, model.commitsToDescribe())).values());

    const head = gitIn(root, ['rev-parse', 'HEAD']);
    const groups = model.groups();
    assert.deepEqual(
      groups.map((g) => g.sha),
      [head, first.git.commit],
      'the HEAD commit comes first, then older commits',
    );
    assert.deepEqual(
      model.runsIn(groups[0]).map((r) => r.id),
      [dirty.id, clean.id],
      'runs of a commit are newest first',
    );
    assert.deepEqual(model.commitsToDescribe(), [], 'every commit got its subject and date');
    assert.deepEqual(
      groups.map((g) => model.groupIndex(g)),
      [0, 1],
      'the tree finds a group by its position',
    );
    assert.equal(model.groupIndex({ kind: 'commit', sha: 'f'.repeat(40) }), -1);

    const headRow = model.describeGroup(groups[0], NOW);
    assert.equal(headRow.label, `${shortSha(head)} wider layers`);
    assert.match(headRow.description, /^HEAD · .* · 2 runs$/);
    assert.match(headRow.tooltip, new RegExp(`Commit \`${head}\` \\(HEAD\\) on \`main\``));
    const oldRow = model.describeGroup(groups[1], NOW);
    assert.equal(oldRow.label, `${shortSha(first.git.commit)} first model`);
    assert.doesNotMatch(oldRow.description, /HEAD/);
    assert.match(oldRow.description, /1 run$/);

    assert.ok(dirty.git.dirty && dirty.git.snapshot, 'the run on a modified tree has a snapshot');
    const dirtyRow = describeRun(dirty, NOW);
    assert.match(dirtyRow.description, new RegExp(` · dirty @ ${shortSha(dirty.git.snapshot)}$`));
    assert.ok(dirtyRow.tooltip.includes(`snapshot \`${shortSha(dirty.git.snapshot)}\``));
    assert.ok(dirtyRow.tooltip.includes(`refs/xlens/runs/${dirty.id}`));
    assert.equal(gitIn(root, ['rev-parse', `refs/xlens/runs/${dirty.id}`]), dirty.git.snapshot);
    assert.doesNotMatch(describeRun(clean, NOW).description, /dirty/);

    // A new commit moves HEAD: no group is marked any more, order follows the newest run.
    gitIn(root, ['commit', '-q', '-am', 'third']);
    model.setHead(await headCommit(root));
    assert.deepEqual(
      model.groups().map((g) => g.sha),
      [head, first.git.commit],
    );
    assert.doesNotMatch(model.describeGroup(model.groups()[0], NOW).description, /HEAD/);
  });

  it('puts runs made outside a git repository in a last "No commit" group with the reason', async () => {
    const root = tempDir('xlens-nogit-');
    const store = new RunStore(root);
    const run = await recordRun(store, root, 'train', '2026-11-24T09:00:00.000Z');
    const model = new RunsModel();
    model.setRuns((await store.list()).runs);
    model.setHead(await headCommit(root));
    const [group] = model.groups();
    assert.equal(group.sha, null);
    const row = model.describeGroup(group, NOW);
    assert.equal(row.label, 'No commit');
    assert.equal(row.description, '1 run');
    assert.match(row.tooltip, /not a git repository/);
    assert.match(runTooltip(run, NOW), /No commit: not a git repository/);
  });
});

/** The `when` clauses of the Runs view's item menus in package.json, by command id. */
function runMenuPatterns(): Map<string, RegExp[]> {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { menus: { 'view/item/context': { command: string; when: string }[] } };
  };
  const patterns = new Map<string, RegExp[]>();
  for (const entry of pkg.contributes.menus['view/item/context']) {
    const match = /view == xlens\.runs && viewItem =~ \/(.+?)\/(?=\s|$)/.exec(entry.when);
    if (match) {
      patterns.set(entry.command, [...(patterns.get(entry.command) ?? []), new RegExp(match[1])]);
    }
  }
  return patterns;
}

describe('run rows carry status and task kind for the Runs view menus', () => {
  it('offers Show Drift Report only on finished drift runs, Cancel only on active runs, the rest on all', async () => {
    const root = makeRepo({ 'xlens.yaml': 'tasks: {}\n' }, 'project');
    const store = new RunStore(root);
    const runs = [
      await recordRun(store, root, 'weather-drift', '2026-11-24T09:00:00.000Z', { kind: 'drift' }),
      await recordRun(store, root, 'weather-drift', '2026-11-24T09:10:00.000Z', {
        kind: 'drift',
        status: 'failed',
      }),
      await recordRun(store, root, 'weather-drift', '2026-11-24T09:20:00.000Z', {
        kind: 'drift',
        status: 'running',
      }),
      await recordRun(store, root, 'train', '2026-11-24T09:30:00.000Z', { kind: 'tfjs-train' }),
      await recordRun(store, root, 'eval', '2026-11-24T09:40:00.000Z', { kind: 'tfjs-eval' }),
      await recordRun(store, root, 'script', '2026-11-24T09:50:00.000Z', {
        kind: 'command',
        status: 'queued',
      }),
    ];
    const model = new RunsModel();
    model.setRuns((await store.list()).runs);
    const [group] = model.groups();
    const rows = model.runsIn(group).map((run) => ({ run, row: describeRun(run, NOW) }));
    assert.equal(rows.length, runs.length);

    const menus = runMenuPatterns();
    const offered = (command: string): string[] =>
      rows
        .filter(({ row }) => menus.get(command)!.some((re) => re.test(row.contextValue)))
        .map(({ run }) => `${run.task}:${run.status}`)
        .sort();
    assert.deepEqual(
      rows.map(({ row }) => row.contextValue),
      [
        'run.queued.kind.command',
        'run.succeeded.kind.tfjs-eval',
        'run.succeeded.kind.tfjs-train',
        'run.running.kind.drift',
        'run.failed.kind.drift',
        'run.succeeded.kind.drift',
      ],
      'newest first, each with its status and kind',
    );
    assert.deepEqual(offered('xlens.showDriftReport'), ['weather-drift:succeeded']);
    assert.deepEqual(offered('xlens.cancelRun'), ['script:queued', 'weather-drift:running']);
    assert.equal(offered('xlens.openRunDashboard').length, runs.length);
    assert.equal(offered('xlens.deleteRun').length, runs.length);
  });
});

describe('RunsModel updates', () => {
  const base: RunRecord = {
    schema: 1,
    id: '20261124T100000Z-aaaa',
    task: 'train',
    kind: 'tfjs-train',
    status: 'running',
    createdAt: '2026-11-24T10:00:00.000Z',
    startedAt: '2026-11-24T10:00:00.000Z',
    command: 'built-in trainer',
    cwd: '/w',
    git: { commit: 'a'.repeat(40), branch: 'main', dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
  };

  it('fires onDidFinishRun once when a watched run reaches a final status, not on the initial load', () => {
    const model = new RunsModel();
    const finished: string[] = [];
    model.onDidFinishRun((r) => finished.push(`${r.id}:${r.status}`));
    const old = { ...base, id: '20261124T090000Z-bbbb', status: 'failed' as const };
    model.setRuns([base, old]);
    assert.deepEqual(finished, [], 'runs already final at load are history, not news');

    model.update([{ ...base, metrics: { loss: summary([0.9, 0.5]) } }]);
    assert.deepEqual(finished, []);
    model.update([{ ...base, status: 'succeeded', endedAt: '2026-11-24T10:01:00.000Z' }]);
    model.update([{ ...base, status: 'succeeded', endedAt: '2026-11-24T10:01:00.000Z' }]);
    assert.deepEqual(finished, ['20261124T100000Z-aaaa:succeeded']);

    const quick = { ...base, id: '20261124T100500Z-cccc', status: 'cancelled' as const };
    model.update([quick]);
    assert.deepEqual(finished.at(-1), '20261124T100500Z-cccc:cancelled', 'a short run first seen finished');
  });

  it('gives run pickers the runs only once the initial load is over (or has failed)', async () => {
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const model = new RunsModel();
    let offered: string[] | undefined;
    void model.allLoaded().then((runs) => (offered = runs.map((r) => r.id)));
    await tick();
    assert.equal(offered, undefined, 'a picker opened before the first read waits instead of offering none');
    model.setRuns([base]);
    await tick();
    assert.deepEqual(offered, [base.id]);

    const failed = new RunsModel();
    let released = false;
    void failed.allLoaded().then(() => (released = true));
    await tick();
    assert.equal(released, false);
    failed.endInitialLoad();
    await tick();
    assert.equal(released, true, 'a failed first read does not leave the picker waiting forever');
  });

  it('drops deleted runs and their empty group, and reports changes only when something changed', () => {
    const model = new RunsModel();
    model.setRuns([base]);
    let changes = 0;
    model.onDidChange(() => changes++);
    model.update([{ ...base }]);
    assert.equal(changes, 0, 'an identical record is not a change');
    model.update([], [base.id]);
    assert.equal(changes, 1);
    assert.deepEqual(model.groups(), []);
    assert.equal(model.get(base.id), undefined);
    model.update([], ['20261124T000000Z-ffff']);
    assert.equal(changes, 1, 'removing an unknown run changes nothing');
  });

  it('knows the latest run of each task and the active runs', () => {
    const model = new RunsModel();
    const older = {
      ...base,
      id: '20261124T080000Z-0001',
      createdAt: '2026-11-24T08:00:00.000Z',
      status: 'succeeded' as const,
    };
    const evalRun = {
      ...base,
      id: '20261124T110000Z-0002',
      task: 'eval',
      createdAt: '2026-11-24T11:00:00.000Z',
      status: 'queued' as const,
    };
    model.setRuns([older, base, evalRun]);
    assert.equal(model.latestOf('train')?.id, base.id);
    assert.equal(model.latestOf('drift'), undefined);
    assert.deepEqual(
      model.active().map((r) => r.id),
      [evalRun.id, base.id],
    );
  });
});

describe('run rows', () => {
  const run: RunRecord = {
    schema: 1,
    id: '20261124T110000Z-7f3a',
    task: 'train',
    kind: 'tfjs-train',
    status: 'succeeded',
    createdAt: '2026-11-24T11:00:00.000Z',
    startedAt: '2026-11-24T11:00:00.000Z',
    endedAt: '2026-11-24T11:02:05.000Z',
    durationMs: 125_000,
    command: 'built-in trainer',
    cwd: '/w',
    git: {
      commit: 'c0ffee'.padEnd(40, '0'),
      branch: 'main',
      subject: 'add | pipes',
      dirty: false,
      snapshot: null,
    },
    params: { epochs: 60, 'optimizer.adam.learning_rate': 0.01, note: 'a|b' },
    data: [],
    metrics: {
      epoch: summary([0, 1, 2], 'max'),
      loss: summary([0.9, 0.31234, 0.2]),
      val_accuracy: summary([0.7, 0.95, 0.9706], 'max'),
      accuracy: summary([0.6, 0.9, 0.95], 'max'),
    },
    artifacts: [],
    info: { backend: 'wasm' },
  };

  it('describes a finished run: age, duration and its key metrics, with the status icon', () => {
    const row = describeRun(run, NOW);
    assert.equal(row.label, 'train');
    assert.equal(row.description, '1 h ago · 2m 05s · val_accuracy 0.9706 · accuracy 0.95');
    assert.deepEqual(row.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(row.contextValue, 'run.succeeded.kind.tfjs-train');
    assert.equal(row.id, `run:${run.id}`);
  });

  it('uses the metrics named in the setting when given', () => {
    const row = describeRun(run, NOW, ['loss', 'missing']);
    assert.match(row.description, / · loss 0\.2$/);
  });

  it('describes a running run with a spinning icon, the time so far and its epoch', () => {
    const running: RunRecord = { ...run, status: 'running', endedAt: undefined, durationMs: undefined };
    const row = describeRun(running, Date.parse('2026-11-24T11:00:42.000Z'));
    assert.equal(row.icon.id, 'loading~spin');
    assert.equal(row.contextValue, 'run.running.kind.tfjs-train');
    assert.match(row.description, /^just now · 42\.0s · epoch 2 · val_accuracy/);
  });

  it('puts params and metric summaries in the tooltip as Markdown tables, escaping their text', () => {
    const tooltip = runTooltip(run, NOW);
    assert.match(tooltip, /^\*\*train\*\* — succeeded in 2m 05s/);
    assert.match(tooltip, /Commit `c0ffee0` on `main`: add \\\| pipes/);
    assert.match(tooltip, /Backend: wasm/);
    assert.match(tooltip, /\| Param \| Value \|\n\| --- \| --- \|\n\| epochs \| 60 \|/);
    assert.match(tooltip, /\| optimizer\.adam\.learning\\_rate \| 0\.01 \|/);
    assert.match(tooltip, /\| note \| "a\\\|b" \|/);
    assert.match(tooltip, /\| val\\_accuracy \| 0\.9706 \| 0\.7 \| 0\.9706 \| 2 \|/);
    assert.match(tooltip, /\| loss \| 0\.2 \| 0\.2 \| 0\.9 \| 2 \|/);
  });

  it('shows why a failed run failed', () => {
    const failed: RunRecord = { ...run, status: 'failed', exitCode: 3, error: undefined };
    assert.match(runTooltip(failed, NOW), /Exit code 3/);
    assert.deepEqual(describeRun(failed, NOW).icon, { id: 'error', color: 'testing.iconFailed' });
    const killed: RunRecord = { ...run, status: 'failed', error: 'killed by SIGKILL' };
    assert.match(runTooltip(killed, NOW), /Error: killed by SIGKILL/);
  });
});
