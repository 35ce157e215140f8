/**
 * Protects: every metric row MLflow commits to its SQLite store (`mlflow.db`) while xlens follows the
 * store arrives exactly once, in the run that wrote it — through the reader API, under `xlens run` with
 * an `mlflow:` metric source, and through `xlens import --watch`. The writer is Python's standard
 * sqlite3 module issuing MLflow's own transactions (test/helpers/mlflowSqliteWriter.py) into a copy of
 * a real `mlflow.db` (test/fixtures/mlflow_sqlite), interleaving several runs while the reader reads.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MlflowSqliteReader } from '../../../src/core/metrics/mlflow/sqliteStore';
import { SeriesAccumulator } from '../../../src/core/metrics/readers';
import { makeRepo, tempDir } from '../../helpers/gitRepo';
import { metricLines, runIds, startXlens, waitFor, xlens } from '../../helpers/xlensProcess';

const FIXTURE = join(
  __dirname,
  '../../fixtures/mlflow_sqlite/1412010__nda-mlops-zoomcamp-2024/week-02/mlflow.db',
);
const WRITER = join(__dirname, '../../helpers/mlflowSqliteWriter.py');
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import sqlite3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const skip = PYTHON
  ? false
  : 'python3 with its sqlite3 module is not installed: the MLflow-style writer cannot run';

interface Written {
  runs: { id: string; name: string; parent: string | null }[];
  rows: [string, string, number, number | string][];
}

/** Starts the writer; resolves with what it committed once it exits. */
function startWriter(db: string, args: string[]): Promise<Written> {
  const child = spawn(PYTHON!, [WRITER, db, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Written) : reject(new Error(`writer exited with ${code}`)),
    );
  });
}

/** Every metric row of the store as `run|key|step|value` (NaN, Infinity as MLflow stored them). */
function storeRows(db: string): string[] {
  const script =
    'import sqlite3,sys,json\n' +
    'c=sqlite3.connect(sys.argv[1])\n' +
    'M=sys.float_info.max\n' +
    'out=[[r,k,s,"NaN" if n else "Infinity" if v==M else "-Infinity" if v==-M else v] for r,k,s,v,n in ' +
    'c.execute("select run_uuid,key,step,value,is_nan from metrics")]\n' +
    'print(json.dumps(out))';
  const rows = JSON.parse(execFileSync(PYTHON!, ['-c', script, db], { encoding: 'utf8' })) as Written['rows'];
  return rows.map(rowKey).sort();
}

function rowKey([run, key, step, value]: Written['rows'][number]): string {
  return `${run}|${key}|${step}|${String(Number(value))}`;
}

/** The rows an accumulator holds, as {@link rowKey}s. */
function accumulated(acc: SeriesAccumulator): string[] {
  return acc
    .snapshot()
    .flatMap((run) =>
      [...run.metrics].flatMap(([key, points]) =>
        points.map((p) => `${run.id}|${key}|${p.step}|${String(p.value)}`),
      ),
    )
    .sort();
}

/** Reads until `done` says the writers finished, then once more; every read is applied. */
async function follow(
  reader: MlflowSqliteReader,
  acc: SeriesAccumulator,
  done: () => boolean,
): Promise<number> {
  let reads = 0;
  for (;;) {
    const finished = done();
    const result = await reader.read();
    reads += 1;
    assert.ok(!result.incomplete || result.runs.length === 0, 'an incomplete read carries nothing');
    acc.apply(result);
    if (finished && !result.incomplete) {
      return reads;
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('MLflow SQLite store followed while MLflow writes it', { skip }, () => {
  it('gives every committed row exactly once, to its own run, across several writers of one growing store', async () => {
    const db = join(tempDir('xlens-mlflow-live-'), 'mlflow.db');
    copyFileSync(FIXTURE, db);
    const before = storeRows(db);
    const reader = new MlflowSqliteReader(db);
    const acc = new SeriesAccumulator();
    acc.apply(await reader.read());
    assert.deepEqual(accumulated(acc), before, 'the fixture as it is');

    let finished = false;
    // Two writers one after the other (several runs each, interleaved), a second reader starting cold
    // while the first writes: its first read must not be torn into taking rows twice or misplacing them.
    const writing = (async () => {
      const a = await startWriter(db, ['60', '3', 'nested', 'a']);
      const b = await startWriter(db, ['60', '2', 'flat', 'b']);
      finished = true;
      return [a, b];
    })();
    const following = follow(reader, acc, () => finished);
    await waitFor('the first rows of the writer', () => accumulated(acc).length > before.length);
    const late = new MlflowSqliteReader(db);
    const lateAcc = new SeriesAccumulator();
    const [reads, lateReads] = await Promise.all([following, follow(late, lateAcc, () => finished)]);
    const written = await writing;

    const all = storeRows(db);
    const rows = written.flatMap((w) => w.rows);
    assert.equal(all.length, before.length + rows.length, 'the store holds what the writers committed');
    assert.deepEqual(
      accumulated(acc),
      all,
      `every row exactly once (${rows.length} written, ${reads} reads)`,
    );
    assert.deepEqual(accumulated(lateAcc), all, `a reader started mid-write too (${lateReads} reads)`);
    for (const run of written.flatMap((w) => w.runs)) {
      const got = acc.get(run.id)!;
      assert.equal(got.name, run.name);
      assert.equal(got.status, 'succeeded');
      assert.equal(got.tags['mlflow.parentRunId'], run.parent ?? undefined);
    }
  });

  it("xlens run with an mlflow: source records each run's rows exactly once in its metrics.jsonl, nested runs under their own names", async () => {
    const root = makeRepo({
      'xlens.yaml': [
        'tasks:',
        '  flat:',
        `    run: ${PYTHON} ${JSON.stringify(WRITER)} mlflow.db 80 1 flat \${params.name}`,
        '    params: { name: x }',
        '    metrics:',
        '      - mlflow: mlflow.db',
        '  nested:',
        `    run: ${PYTHON} ${JSON.stringify(WRITER)} mlflow.db 80 3 nested fold`,
        '    metrics:',
        '      - mlflow: .',
        '',
      ].join('\n'),
      '.gitignore': 'mlflow.db*\n',
    });
    copyFileSync(FIXTURE, join(root, 'mlflow.db'));
    const counts: number[] = [];
    for (const [task, name] of [
      ['flat', 'first'],
      ['nested', ''],
      ['flat', 'third'],
    ]) {
      const ran = await xlens(root, ['run', task, ...(name ? ['--set', `name=${name}`] : [])]);
      assert.equal(ran.code, 0, ran.stderr);
      const id = runIds(root).at(-1)!;
      const output = readFileSync(join(root, '.xlens/runs', id, 'output.log'), 'utf8');
      const written = JSON.parse(output.slice(output.indexOf('{"runs"'))) as Written;
      const byRun = new Map(written.runs.map((r) => [r.id, r]));
      // The parent keeps the source's keys; each child is told apart by its run name.
      const expected = written.rows
        .map(([run, key, step, value]) => {
          const r = byRun.get(run)!;
          const name = r.parent ? `${r.name}/${key}` : key;
          return `${name}|${step}|${Number.isFinite(Number(value)) ? String(value) : 'null'}`;
        })
        .sort();
      const got = metricLines(root, id)
        .flatMap((line) => Object.entries(line.values).map(([k, v]) => `${k}|${line.step}|${String(v)}`))
        .sort();
      assert.deepEqual(got, expected, `${task}: every row of its own MLflow runs, once`);
      const record = JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as {
        metrics: Record<string, { count: number; nonFinite?: number }>;
        warnings?: string[];
      };
      const gradName = task === 'nested' ? 'fold-1/grad_norm' : 'grad_norm';
      assert.equal(
        record.metrics[gradName].nonFinite,
        2,
        'the NaN of step 49 and the +inf of step 69 counted',
      );
      assert.equal(record.metrics[gradName].count, 78);
      assert.deepEqual(record.warnings ?? [], []);
      counts.push(expected.length);
    }
    assert.deepEqual(counts, [240, 80 + 2 * 240, 240]);
  });

  it('xlens import --watch --json prints every row written after it started, once', async () => {
    const dir = tempDir('xlens-mlflow-watch-');
    const db = join(dir, 'mlflow.db');
    copyFileSync(FIXTURE, db);
    const watching = startXlens(dir, ['import', '--watch', '--json', 'mlflow.db']);
    try {
      await waitFor('the watch to start', () => watching.output.stderr.includes('Watching'));
      const written = await startWriter(db, ['60', '3', 'flat', 'w']);
      const got = (): string[] =>
        watching.output.stdout
          .split('\n')
          .filter((l) => l.startsWith('{"source"'))
          .flatMap((l) => {
            const u = JSON.parse(l) as {
              run: string;
              metric: string;
              points: { step: number; value: number | null }[];
            };
            return u.points.map(
              (p) => `${u.run}|${u.metric}|${p.step}|${p.value === null ? 'null' : p.value}`,
            );
          })
          .sort();
      const expected = written.rows
        .map(
          ([run, key, step, value]) =>
            `${run}|${key}|${step}|${Number.isFinite(Number(value)) ? value : 'null'}`,
        )
        .sort();
      await waitFor('every written row on stdout', () => got().length >= expected.length);
      assert.deepEqual(got(), expected, `${expected.length} rows written`);
    } finally {
      watching.child.kill('SIGINT');
      await watching.done;
    }
    assert.ok(existsSync(db));
  });
});
