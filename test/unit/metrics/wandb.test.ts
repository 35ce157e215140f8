/**
 * The W&B reader on offline runs written by the real `wandb` SDK (test/fixtures/wandb/generate.py,
 * wandb 0.30), compared with what W&B's own protobuf classes read back from the same files
 * (`expected.json`: history rows, config, summary, run, git, exit) and with what the script logged.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { discoverSources } from '../../../src/core/metrics/discovery/scan';
import { createSourceReader } from '../../../src/core/metrics/readerFactory';
import { readAll, SeriesAccumulator } from '../../../src/core/metrics/readers';
import type { MetricPoint, SeriesRun } from '../../../src/core/metrics/series';
import { BLOCK_SIZE } from '../../../src/core/metrics/wandb/recordLog';
import { WandbLogWriter } from '../../../src/core/metrics/wandb/logWriter';
import { WandbRunReader } from '../../../src/core/metrics/wandb/wandbReader';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures/wandb');

type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };
interface Decoded {
  file: string;
  size: number;
  completeRecordsEnd: number;
  problems: string[];
  history: Record<string, JsonValue>[];
  config: Record<string, JsonValue>;
  summary: Record<string, JsonValue>;
  run: { id: string; name: string; project: string; startTime: number };
  git?: { commit: string; remote: string };
  exit?: { exitCode: number; runtime: number };
}
interface Expected {
  versions: { wandb: string };
  folder: string;
  logged: Record<string, JsonValue>[];
  records: Decoded[];
  gitHead: string | null;
}

function expected(name: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
}

function runFolder(name: string): string {
  return join(FIXTURES, name, 'wandb', expected(name).folder);
}

/** A history value as Python's json read it, as the number it stands for (`undefined`: not a metric). */
function numberOf(value: JsonValue): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (value === 'nan') {
    return Number.NaN;
  }
  if (value === 'inf') {
    return Number.POSITIVE_INFINITY;
  }
  return value === '-inf' ? Number.NEGATIVE_INFINITY : undefined;
}

/** The series W&B's own read-back holds: per key, the rows' (step, value, time), in row order. */
function seriesOf(decoded: Decoded): Map<string, MetricPoint[]> {
  const out = new Map<string, MetricPoint[]>();
  for (const row of decoded.history) {
    const step = row._step as number;
    const time = (row._timestamp as number) * 1000;
    for (const [key, raw] of Object.entries(row)) {
      const value = numberOf(raw);
      if (key === '_step' || key === '_timestamp' || value === undefined) {
        continue;
      }
      const points = out.get(key) ?? [];
      points.push({ step, value, time });
      out.set(key, points);
    }
  }
  return out;
}

function assertSameSeries(actual: Map<string, MetricPoint[]>, want: Map<string, MetricPoint[]>): void {
  assert.deepEqual([...actual.keys()].sort(), [...want.keys()].sort());
  for (const [name, points] of want) {
    const got = actual.get(name)!;
    assert.equal(got.length, points.length, `${name}: number of points`);
    for (let i = 0; i < points.length; i++) {
      assert.equal(got[i].step, points[i].step, `${name}[${i}].step`);
      assert.ok(
        Object.is(got[i].value, points[i].value),
        `${name}[${i}].value ${got[i].value} ≠ ${points[i].value}`,
      );
      assert.equal(got[i].time, points[i].time, `${name}[${i}].time`);
    }
  }
}

async function readRun(folder: string): Promise<{ run: SeriesRun; warnings: unknown[] }> {
  const { runs, warnings } = await readAll(new WandbRunReader(folder));
  assert.equal(runs.length, 1);
  return { run: runs[0], warnings };
}

describe('W&B reader on offline runs written by wandb', () => {
  for (const name of ['basic', 'git', 'killed']) {
    it(`${name}: every history point equals W&B's own read-back (step, value, time), non-finite included`, async () => {
      const want = expected(name).records[0];
      const { run, warnings } = await readRun(runFolder(name));
      assert.deepEqual(warnings, []);
      assertSameSeries(run.metrics, seriesOf(want));
      assert.equal(run.source, 'wandb');
      assert.equal(run.id, want.run.id);
      assert.equal(run.name, want.run.name);
      assert.equal(run.experiment, want.run.project);
      assert.equal(run.startTime, want.run.startTime);
    });
  }

  it('basic: the values are the ones the script logged, nested dict keys joined with /', async () => {
    const { logged } = expected('basic');
    const { run } = await readRun(runFolder('basic'));
    const loss = run.metrics.get('loss')!;
    const deep = run.metrics.get('train/deep/x')!;
    const bad = run.metrics.get('bad')!;
    assert.equal(loss.length, logged.length);
    logged.forEach((row, i) => {
      assert.equal(loss[i].step, i);
      assert.equal(loss[i].value, row.loss);
      assert.equal(deep[i].value, (row.train as { deep: { x: number } }).deep.x);
      assert.ok(Object.is(bad[i].value, numberOf(row.bad === 'nan' ? 'nan' : row.bad)));
    });
    assert.deepEqual(
      bad.slice(5, 8).map((p) => p.value),
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    );
    assert.equal(run.metrics.has('phase'), false, 'a string value is not a metric');
    assert.equal(run.metrics.has('_step'), false, '_step is the step, not a series');
    assert.equal(run.metrics.has('_timestamp'), false, '_timestamp is the time, not a series');
    assert.ok(run.metrics.has('_runtime'));
  });

  it('basic: config as params (nested maps flattened with .), summary as tags, status succeeded', async () => {
    const want = expected('basic').records[0];
    const { run } = await readRun(runFolder('basic'));
    assert.deepEqual(
      { ...run.params },
      {
        lr: want.config.lr,
        epochs: want.config.epochs,
        'model.layers': 3,
        'model.act': 'relu',
        'model.dropout': 0.1,
        seed: 7,
        tags: JSON.stringify(want.config.tags),
      },
    );
    for (const [key, value] of Object.entries(want.summary)) {
      if (key.startsWith('_wandb')) {
        assert.equal(run.tags[`summary.${key}`], undefined);
        continue;
      }
      const shown = typeof value === 'string' ? value : undefined;
      if (shown !== undefined) {
        assert.equal(run.tags[`summary.${key}`], shown, key);
      } else {
        assert.equal(Number(run.tags[`summary.${key}`]), value, key);
      }
    }
    assert.equal(run.tags['summary.loss'], '0.5', 'a summary override wins over the last logged loss');
    assert.equal(run.status, 'succeeded');
    assert.equal(run.tags['wandb.exit_code'], '0');
  });

  it('git: commit and remote of the repository the run was started in; exit code 3 is failed', async () => {
    const e = expected('git');
    const { run } = await readRun(runFolder('git'));
    assert.equal(run.gitCommit, e.gitHead);
    assert.equal(run.gitCommit, e.records[0].git!.commit);
    assert.equal(run.tags['git.remote'], e.records[0].git!.remote);
    assert.equal(run.status, 'failed');
    assert.equal(run.tags['wandb.exit_code'], '3');
    assert.deepEqual(
      run.metrics.get('val/loss')!.map((p) => p.step),
      [0, 10, 20, 30, 40, 50],
      'explicit steps (wandb.log(step=...)) are kept',
    );
    assert.deepEqual({ ...run.params }, { 'optimizer.name': 'adam', 'optimizer.betas': '[0.9,0.999]' });
  });

  it('killed: a run killed mid-way reads its complete records without a warning and stays running', async () => {
    const want = expected('killed').records[0];
    assert.ok(want.completeRecordsEnd < want.size, 'the fixture ends inside a record');
    const { run, warnings } = await readRun(runFolder('killed'));
    assert.deepEqual(warnings, []);
    assert.equal(run.status, 'running');
    assert.equal(run.metrics.get('loss')!.length, want.history.length);
  });

  it('the basic fixture has records split over a block boundary (FIRST/MIDDLE/LAST chunks)', () => {
    const bytes = readFileSync(join(runFolder('basic'), expected('basic').records[0].file));
    assert.ok(bytes.length > BLOCK_SIZE);
    const type = bytes[BLOCK_SIZE + 6];
    assert.ok(type === 3 || type === 4, `the chunk at the second block's start has type ${type}`);
  });
});

describe('W&B reader following a file being written', () => {
  for (const chunk of [1, 7, 1000, 4099, BLOCK_SIZE + 3]) {
    it(`bytes appended ${chunk} at a time: every point once, in order, no warning`, async () => {
      const name = 'basic';
      const source = readFileSync(join(runFolder(name), expected(name).records[0].file));
      const dir = join(tempDir('xlens-wandb-'), expected(name).folder);
      mkdirSync(dir);
      const file = join(dir, expected(name).records[0].file);
      writeFileSync(file, '');
      const reader = new WandbRunReader(dir);
      const acc = new SeriesAccumulator();
      // Reads after each append when the chunk is large; every 97 appends when it is small.
      const every = chunk < 100 ? 97 : 1;
      let n = 0;
      for (let at = 0; at < source.length; at += chunk) {
        appendFileSync(file, source.subarray(at, Math.min(source.length, at + chunk)));
        if (++n % every === 0) {
          acc.apply(await reader.read());
        }
      }
      acc.apply(await reader.read());
      assert.deepEqual(acc.warnings, []);
      const runs = acc.snapshot();
      assert.equal(runs.length, 1);
      assertSameSeries(runs[0].metrics, seriesOf(expected(name).records[0]));
      assert.equal(runs[0].status, 'succeeded');
    });
  }

  it('a replaced file is read again from the start and the read says reset', async () => {
    const dir = join(tempDir('xlens-wandb-'), expected('git').folder);
    cpSync(runFolder('git'), dir, { recursive: true });
    const reader = new WandbRunReader(dir);
    const acc = new SeriesAccumulator();
    acc.apply(await reader.read());
    const file = join(dir, expected('git').records[0].file);
    copyFileSync(file, `${file}.new`);
    renameSync(`${file}.new`, file);
    const again = await reader.read();
    assert.deepEqual(again.reset, [expected('git').records[0].run.id]);
    acc.apply(again);
    assertSameSeries(acc.snapshot()[0].metrics, seriesOf(expected('git').records[0]));
  });
});

describe('W&B runs found in a workspace', () => {
  function workspace(): string {
    const root = tempDir('xlens-wandb-ws-');
    for (const name of ['basic', 'git']) {
      cpSync(join(FIXTURES, name, 'wandb'), join(root, 'project', 'wandb'), { recursive: true });
    }
    // A synced run keeps the same layout in `wandb/run-<time>-<id>/`, with metadata and the patch in files/.
    const synced = join(root, 'project', 'wandb', expected('git').folder.replace(/^offline-/, ''));
    renameSync(join(root, 'project', 'wandb', expected('git').folder), synced);
    mkdirSync(join(synced, 'files'));
    writeFileSync(join(synced, 'files', 'diff.patch'), 'diff --git a/train.py b/train.py\n');
    return root;
  }

  it('the scan finds wandb/offline-run-* and wandb/run-* folders, one source each', async () => {
    const root = workspace();
    const sources = await discoverSources(root);
    const wandb = sources.filter((s) => s.format === 'wandb').map((s) => s.path.slice(root.length + 1));
    assert.deepEqual(wandb.sort(), [
      `project/wandb/${expected('basic').folder}`,
      `project/wandb/${expected('git').folder.replace(/^offline-/, '')}`,
    ]);
  });

  it('imported runs carry name, status, commit, params and the patch of a synced run', async () => {
    const root = workspace();
    const { runs } = await discoverImportedRuns(root);
    const byName = new Map(runs.filter((r) => r.format === 'wandb').map((r) => [r.name, r]));
    assert.deepEqual([...byName.keys()].sort(), ['baseline-run', 'git-run']);
    const git = byName.get('git-run')!;
    assert.equal(git.gitCommit, expected('git').gitHead);
    assert.equal(git.status, 'failed');
    assert.match(git.tags['git.patch'], /files[\\/]diff\.patch$/);
    const basic = byName.get('baseline-run')!;
    assert.equal(basic.params['model.layers'], 3);
    assert.equal(basic.metrics.find((m) => m.name === 'loss')!.points, 120);
  });

  it('a wandb: source naming the project folder reads every run under wandb/', async () => {
    const root = workspace();
    const { runs } = await readAll(createSourceReader({ format: 'wandb', path: join(root, 'project') }));
    assert.deepEqual(runs.map((r) => r.name).sort(), ['baseline-run', 'git-run']);
    assert.equal(readdirSync(join(root, 'project', 'wandb')).length, 2);
  });
});

describe('W&B records longer than a block', () => {
  it('a record split in FIRST, MIDDLE and LAST chunks (our writer) reads back whole', async () => {
    const writer = new WandbLogWriter();
    writer.writeRun('big1', 'big-run', 'p', 1_796_000_000_000);
    const wide = new Map<string, number>();
    for (let k = 0; k < 3000; k++) {
      wide.set(`group_${k % 7}/metric_${k}`, k / 7);
    }
    writer.writeStep(0, 1_796_000_000, 0.5, wide); // about 100 KB: four blocks
    writer.writeStep(1, 1_796_000_001, 1.5, new Map([['loss', 0.25]]));
    writer.writeExit(0, 2);
    const bytes = writer.bytes();
    assert.ok(bytes.length > 3 * BLOCK_SIZE);
    const middles = [1, 2].map((k) => bytes[k * BLOCK_SIZE + 6]);
    assert.deepEqual(middles, [3, 3], 'the chunks at the starts of blocks 1 and 2 are MIDDLE chunks');
    const dir = join(tempDir('xlens-wandb-big-'), 'offline-run-20261206_000000-big1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'run-big1.wandb'), bytes);
    const { run, warnings } = await readRun(dir);
    assert.deepEqual(warnings, []);
    assert.equal(run.metrics.size, 3000 + 2);
    assert.deepEqual(run.metrics.get('group_3/metric_2999'), [
      { step: 0, value: 2999 / 7, time: 1_796_000_000_000 },
    ]);
    assert.deepEqual(run.metrics.get('loss'), [{ step: 1, value: 0.25, time: 1_796_000_001_000 }]);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.name, 'big-run');
  });
});

describe('W&B names from data', () => {
  it('__proto__ and constructor are ordinary metric and summary names', async () => {
    const writer = new WandbLogWriter();
    writer.writeRun('names1', 'names', 'p', 1_796_000_000_000);
    writer.writeStep(
      0,
      1_796_000_000,
      0,
      new Map([
        ['__proto__', 1],
        ['constructor', 2],
        ['a/__proto__', 3],
      ]),
    );
    const dir = join(tempDir('xlens-wandb-names-'), 'offline-run-20261206_000000-names1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'run-names1.wandb'), writer.bytes());
    const { run } = await readRun(dir);
    assert.deepEqual(run.metrics.get('__proto__'), [{ step: 0, value: 1, time: 1_796_000_000_000 }]);
    assert.equal(run.metrics.get('constructor')?.[0].value, 2);
    assert.equal(run.metrics.get('a/__proto__')?.[0].value, 3);
    assert.equal(run.tags['summary.__proto__'], '1');
    assert.equal(Object.getPrototypeOf(run.tags), null);
  });
});
