/**
 * The Runs view with many runs: how long the editor takes to read `.xlens/runs` and to build every row
 * of the tree, at 200 and 2,000 runs. The runs are copies of a real run folder (the `train` run of
 * `npm run demo`, or the folder named by XLENS_BENCH_RUN), spread over real commits of a temporary git
 * repository (four runs per commit, so there are many groups, the case where grouping work could grow
 * with runs × groups).
 *
 * Baseline, measured in the same process: reading and parsing every `run.json` with plain
 * `readFile` + `JSON.parse`, all at once. Printed: milliseconds (median of 7; wall time for reading,
 * CPU time for the tree model, which is pure computation), microseconds per run,
 * the ratio to the baseline, and the growth from 200 to 2,000 runs (10 for linear work).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCommits, headCommit } from '../src/core/git/gitContext';
import { reconcileRuns } from '../src/core/runs/reconcile';
import { RunStore } from '../src/core/runs/store';
import type { RunRecord } from '../src/core/runs/types';
import { loadRuns } from '../src/core/runs/loadRuns';
import { describeRun, RunsModel } from '../src/features/runs/runsModel';

const SIZES = [200, 2000];
const RUNS_PER_COMMIT = 4;
const REPEATS = 7;
const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'xlens-bench-runs-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@xlens.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@xlens.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: work,
};
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();

/** The run folder to copy: XLENS_BENCH_RUN, else the `train` run of a fresh `npm run demo`. */
function sourceRun(): string {
  if (process.env.XLENS_BENCH_RUN) {
    return process.env.XLENS_BENCH_RUN;
  }
  const demo = join(work, 'demo');
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'demo.mjs')], {
    env: { ...process.env, XLENS_DEMO_DIR: demo },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run demo failed (run "npm run build" first?): ${result.stderr}`);
  }
  const runsDir = join(demo, '.xlens', 'runs');
  const train = readdirSync(runsDir).find(
    (id) => (JSON.parse(readFileSync(join(runsDir, id, 'run.json'), 'utf8')) as RunRecord).task === 'train',
  );
  if (!train) {
    throw new Error(`no train run in ${runsDir}`);
  }
  return join(runsDir, train);
}

/** A workspace with `count` copies of `source` over `count / RUNS_PER_COMMIT` commits. */
function workspace(source: string, count: number): string {
  const ws = join(work, `ws-${count}`);
  mkdirSync(ws);
  git(ws, 'init', '-q', '-b', 'main');
  // fast-import makes hundreds of commits in one process.
  const commits = count / RUNS_PER_COMMIT;
  const stream: string[] = [];
  for (let i = 1; i <= commits; i++) {
    const message = `experiment ${i}: layer width ${8 * i}`;
    const content = `width = ${8 * i}\n`;
    stream.push(
      'commit refs/heads/main',
      `mark :${i}`,
      `committer bench <bench@xlens.invalid> ${1764000000 + i * 600} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
      ...(i > 1 ? [`from :${i - 1}`] : []),
      `M 644 inline train.py`,
      `data ${Buffer.byteLength(content)}`,
      content,
      '',
    );
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: ws, env: gitEnv, input: stream.join('\n') });
  git(ws, 'reset', '-q', '--hard', 'main');
  const shas = git(ws, 'rev-list', '--reverse', 'main').split('\n');
  const record = JSON.parse(readFileSync(join(source, 'run.json'), 'utf8')) as RunRecord;
  const runsDir = join(ws, '.xlens', 'runs');
  mkdirSync(runsDir, { recursive: true });
  const start = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const created = new Date(start + i * 37_000);
    const id = `${created
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-${(i % 65536).toString(16).padStart(4, '0')}`;
    const dir = join(runsDir, id);
    cpSync(source, dir, { recursive: true });
    const copy: RunRecord = {
      ...record,
      id,
      cwd: ws,
      createdAt: created.toISOString(),
      startedAt: created.toISOString(),
      endedAt: new Date(created.getTime() + 30_000).toISOString(),
      git: { ...record.git, commit: shas[Math.floor(i / RUNS_PER_COMMIT)], subject: undefined },
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(copy, null, 2));
  }
  return ws;
}

/** Median wall time (ms) of `fn` over {@link REPEATS} runs: for the steps that wait on files and git. */
async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

/**
 * Median CPU time (ms, user + system) of the synchronous `fn`: steadier than wall time for pure
 * computation on a machine shared with other work.
 */
function medianCpu(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

/**
 * One full render of the Runs view with every group expanded: what `RunsTreeProvider` asks the model
 * for (`getChildren` of the root and of each group, `getTreeItem` of each group and run).
 */
function renderTree(model: RunsModel, now: number): number {
  let rows = 0;
  for (const group of model.groups()) {
    model.groupIndex(group);
    model.describeGroup(group, now);
    for (const run of model.runsIn(group)) {
      describeRun(run, now);
      rows++;
    }
    rows++;
  }
  return rows;
}

async function measure(ws: string, count: number): Promise<Record<string, number>> {
  const store = new RunStore(ws);
  const runsDir = join(ws, '.xlens', 'runs');
  const baseline = await median(async () => {
    const ids = readdirSync(runsDir);
    await Promise.all(
      ids.map(async (id) => JSON.parse(await readFile(join(runsDir, id, 'run.json'), 'utf8')) as unknown),
    );
  });
  const storeList = await median(() => store.list());
  const reconcile = await median(() => reconcileRuns(store));
  const load = await median(() => loadRuns(store));
  const { runs } = await loadRuns(store);
  if (runs.length !== count) {
    throw new Error(`read ${runs.length} runs, expected ${count}`);
  }
  const gitTime = await median(async () => {
    await headCommit(ws);
    await describeCommits(ws, [...new Set(runs.map((r) => r.git.commit!))]);
  });
  const model = new RunsModel();
  model.setHead(await headCommit(ws));
  model.addCommitInfo((await describeCommits(ws, [...new Set(runs.map((r) => r.git.commit!))])).values());
  const now = Date.now();
  const render = medianCpu(() => {
    model.setRuns(runs);
    if (renderTree(model, now) !== count + count / RUNS_PER_COMMIT) {
      throw new Error('the tree lost rows');
    }
  });
  return { baseline, storeList, reconcile, load, git: gitTime, render };
}

async function main(): Promise<void> {
  const source = sourceRun();
  console.log(`Run folder copied: ${source}`);
  const results = new Map<number, Record<string, number>>();
  for (const count of SIZES) {
    const ws = workspace(source, count);
    results.set(count, await measure(ws, count));
  }
  const labels: Record<string, string> = {
    baseline: 'baseline: readFile+JSON.parse, all at once',
    storeList: 'RunStore.list() (one file at a time)',
    reconcile: 'reconcileRuns() (one file at a time)',
    load: 'loadRuns(): what the Runs view reads',
    git: 'git: HEAD + subjects of every commit',
    render: 'RunsModel: setRuns + every row (CPU ms)',
  };
  const [small, large] = SIZES;
  console.log(
    `\n${'step'.padEnd(46)} ${SIZES.map((n) => `${n} runs (ms, µs/run, ×base)`.padStart(30)).join(' ')}  growth`,
  );
  for (const key of Object.keys(labels)) {
    const cells = SIZES.map((n) => {
      const r = results.get(n)!;
      const ms = r[key];
      return `${ms.toFixed(1)} ms, ${((ms * 1000) / n).toFixed(0)} µs, ×${(ms / r.baseline).toFixed(1)}`.padStart(
        30,
      );
    });
    const growth = results.get(large)![key] / results.get(small)![key];
    console.log(`${labels[key].padEnd(46)} ${cells.join(' ')}  ×${growth.toFixed(1)}`);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
