/**
 * The Runs view with many runs (issue 11: "Runs view, 10,000 runs: reading and building the visible
 * rows ≤ 300 ms"): how long the editor takes to list `.xlens/runs` and build the rows it shows, at
 * 2,000 and 10,000 runs. The runs are copies of a real `run.json` (the `train` run of `npm run demo`,
 * or of the run folder named by XLENS_BENCH_RUN) whose learning rate changes every few runs, spread over
 * real commits of a temporary git repository (four runs per commit: many groups).
 *
 * Measured in the same process:
 * - baseline, what the view did before: every `run.json` read and parsed (`store.read`, 16 at a time)
 *   and a row built for every commit group and every run;
 * - now: the listing through the runs index (`.xlens/cache/runs-index.json` up to date: one compact file
 *   and a stat per run), the model sorted and grouped, and the rows the view builds at first, reading
 *   the detail fields they show from the index's details part (the first
 *   {@link COMMITS_PER_PAGE} commit groups, three of them expanded, and "Show more commits");
 * - for information: the first listing, which builds the index, and git (HEAD and commit subjects,
 *   asked for after the rows are shown).
 * Printed: milliseconds (median of 5; wall time for reading, CPU time for the model, which is pure
 * computation), µs per run, the ratio to the baseline, and the 10,000-run figure beside its target.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCommits, headCommit } from '../src/core/git/gitContext';
import { loadRuns } from '../src/core/runs/loadRuns';
import { runsIndexPath } from '../src/core/runs/runsIndex';
import { RunStore } from '../src/core/runs/store';
import type { RunRecord } from '../src/core/runs/types';
import { COMMITS_PER_PAGE, describeRun, EXPANDED_GROUPS, RunsModel } from '../src/features/runs/runsModel';

const SIZES = [2000, 10_000];
const TARGET_MS = 300;
const RUNS_PER_COMMIT = 4;
const REPEATS = 5;
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

/** A workspace with `count` copies of `source`'s run.json over `count / RUNS_PER_COMMIT` commits. */
function workspace(source: string, count: number): string {
  const ws = join(work, `ws-${count}`);
  mkdirSync(ws);
  git(ws, 'init', '-q', '-b', 'main');
  // fast-import makes thousands of commits in one process.
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
      .replace(/\.\d+Z$/, 'Z')}-${i.toString(16).padStart(8, '0')}`;
    mkdirSync(join(runsDir, id));
    const copy: RunRecord = {
      ...record,
      id,
      cwd: ws,
      createdAt: created.toISOString(),
      startedAt: created.toISOString(),
      endedAt: new Date(created.getTime() + 30_000).toISOString(),
      git: { ...record.git, commit: shas[Math.floor(i / RUNS_PER_COMMIT)], subject: undefined },
      params: { ...record.params, learning_rate: 0.001 * (1 + (Math.floor(i / 3) % 7)) },
    };
    writeFileSync(join(runsDir, id, 'run.json'), JSON.stringify(copy, null, 2));
  }
  return ws;
}

/** Median wall time (ms) of `fn` over {@link REPEATS} runs: for the steps that wait on files. */
async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

/** Median CPU time (ms, user + system) of the synchronous `fn`: steadier than wall time on a busy machine. */
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

/** The listing before the runs index: every run.json read and parsed, 16 at a time. */
async function fullParse(store: RunStore): Promise<RunRecord[]> {
  const ids = (await store.ids()).reverse();
  const runs = new Array<RunRecord>(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      runs[i] = await store.read(ids[i]);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return runs;
}

/** The rows the view built before: every group and every run (no lineage then). */
function everyRow(model: RunsModel, now: number): number {
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

/** The rows the view builds now at first: a page of groups, the first expanded, and "Show more". */
function visibleRows(model: RunsModel, now: number): number {
  let rows = 0;
  const groups = model.groups();
  for (const [i, group] of groups.slice(0, COMMITS_PER_PAGE).entries()) {
    model.groupIndex(group);
    model.describeGroup(group, now);
    rows++;
    if (i < EXPANDED_GROUPS) {
      for (const run of model.runsIn(group)) {
        describeRun(run, now, [], model.lineage(run));
        rows++;
      }
    }
  }
  return rows + (groups.length > COMMITS_PER_PAGE ? 1 : 0);
}

async function measure(ws: string, count: number): Promise<Record<string, number>> {
  const store = new RunStore(ws);
  const baselineRead = await median(() => fullParse(store));
  const runs = await fullParse(store);
  const shas = [...new Set(runs.map((r) => r.git.commit!))];
  const head = await headCommit(ws);
  const infos = (await describeCommits(ws, shas)).values();
  const model = new RunsModel();
  model.setHead(head);
  model.addCommitInfo(infos);
  const now = Date.now();
  const baselineRows = medianCpu(() => {
    model.setRuns(runs);
    if (everyRow(model, now) !== count + count / RUNS_PER_COMMIT) {
      throw new Error('the tree lost rows');
    }
  });
  const coldIndex = await median(async () => {
    rmSync(runsIndexPath(store), { force: true });
    await loadRuns(store);
  });
  const read = await median(async () => {
    const loaded = await loadRuns(store);
    if (loaded.runs.length !== count || loaded.index.read !== 0) {
      throw new Error(
        `listed ${loaded.runs.length} runs (${loaded.index.read} from run.json), expected ${count} from the index`,
      );
    }
  });
  // Each repetition on a fresh listing: the rows read the detail fields they show (metric summaries,
  // checks, info) from the index's details part on first use, a cost the first build pays.
  const listings: RunRecord[][] = [];
  for (let i = 0; i < REPEATS; i++) {
    listings.push((await loadRuns(store)).runs);
  }
  const rows = medianCpu(() => {
    model.setRuns(listings.pop()!);
    visibleRows(model, now);
  });
  const gitTime = await median(async () => {
    await headCommit(ws);
    await describeCommits(ws, shas);
  });
  return {
    baselineRead,
    baselineRows,
    baseline: baselineRead + baselineRows,
    read,
    rows,
    total: read + rows,
    coldIndex,
    git: gitTime,
  };
}

async function main(): Promise<void> {
  const source = sourceRun();
  console.log(`run.json copied: ${join(source, 'run.json')}`);
  const results = new Map<number, Record<string, number>>();
  for (const count of SIZES) {
    results.set(count, await measure(workspace(source, count), count));
  }
  const labels: Record<string, string> = {
    baselineRead: 'baseline: read+parse every run.json',
    baselineRows: 'baseline: model + every row (CPU ms)',
    baseline: 'baseline: total',
    read: 'now: list through the runs index',
    rows: 'now: model + first rows (CPU ms)',
    total: 'now: total (read + visible rows)',
    coldIndex: 'first listing, building the index',
    git: 'git: HEAD + subjects of every commit',
  };
  console.log(
    `\n${'step'.padEnd(40)} ${SIZES.map((n) => `${n} runs (ms, µs/run, ×base)`.padStart(32)).join(' ')}`,
  );
  for (const key of Object.keys(labels)) {
    const cells = SIZES.map((n) => {
      const r = results.get(n)!;
      const ms = r[key];
      return `${ms.toFixed(1)} ms, ${((ms * 1000) / n).toFixed(0)} µs, ×${(ms / r.baseline).toFixed(2)}`.padStart(
        32,
      );
    });
    console.log(`${labels[key].padEnd(40)} ${cells.join(' ')}`);
  }
  // The machine's load: figures on a shared machine grow with it (the baseline shows by how much).
  console.log(
    `\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} on ${availableParallelism()} CPUs`,
  );
  const large = results.get(SIZES[SIZES.length - 1])!;
  const verdict = large.total <= TARGET_MS ? 'meets' : 'MISSES';
  console.log(
    `Runs view, ${SIZES[SIZES.length - 1]} runs, reading and building the visible rows: ${large.total.toFixed(0)} ms ` +
      `(target ≤ ${TARGET_MS} ms: ${verdict}; same-run baseline of the full parse: ${large.baseline.toFixed(0)} ms, ` +
      `×${(large.baseline / large.total).toFixed(1)})`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
