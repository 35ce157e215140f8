/**
 * Property tests (fast-check) of the columnar series a run follower keeps (`core/metrics/metricColumns.ts`):
 * whatever the series (NaN, ±Infinity and −0 values, duplicate and out-of-order steps, long series that
 * are bucketed (more than 2,000 points for a few runs), empty ones), the compare view's snapshot, its min–max buckets and group bands, and the
 * one-pass metric summary are the same from columns as from the `{step, value}` arrays they replace;
 * and a real follower fed a growing `metrics.jsonl` (lines cut anywhere, appended while following, bad
 * lines, non-finite tokens) holds, after each read, exactly the points a fresh parse of the complete
 * lines gives, as columns and as the point objects built from them.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { groupBands, minMaxBuckets } from '../../src/core/charts/seriesTransforms';
import { JsonlMetricsParser } from '../../src/core/metrics/jsonl';
import { MetricColumns, seriesPoints } from '../../src/core/metrics/metricColumns';
import type { MetricPoint } from '../../src/core/metrics/series';
import { RunFollower } from '../../src/core/runs/runFollower';
import { addPointsToSummary } from '../../src/core/runs/summaries';
import { buildCompareSnapshot, type ComparedRunState } from '../../src/features/compare/viewModel';
import { DEFAULT_COMPARE_OPTIONS, type CompareOptions } from '../../src/protocol/compare';
import { run } from '../unit/compare/runs';

/** Cases per property (`XLENS_FUZZ_RUNS` scales them, as in `parserFuzz.test.ts`). */
const SCALE = Number(process.env.XLENS_FUZZ_RUNS ?? 200) / 200;
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, -0, 1e-300) },
);

/** Points as a follower held them before (no times), steps repeated and out of order now and then. */
const points = (maxLength: number): fc.Arbitrary<MetricPoint[]> =>
  fc.oneof(
    fc.array(fc.record({ step: fc.nat(40), value }), { maxLength: 30 }),
    // Long enough to be bucketed: a curve with random values dropped in and steps going back or repeating.
    fc
      .record({
        length: fc.integer({ min: 0, max: maxLength }),
        seed: fc.integer({ min: 1, max: 100 }),
        values: fc.array(fc.tuple(fc.nat(), value), { maxLength: 12 }),
        steps: fc.array(fc.tuple(fc.nat(), fc.nat(50)), { maxLength: 6 }),
      })
      .map(({ length, seed, values, steps }) => {
        const series = Array.from({ length }, (_, i) => ({ step: i, value: Math.sin(i / seed) * seed }));
        for (const [at, v] of values) {
          if (length > 0) {
            series[at % length].value = v;
          }
        }
        for (const [at, back] of steps) {
          if (length > 0) {
            series[at % length].step = Math.max(0, series[at % length].step - back);
          }
        }
        return series;
      }),
  );

const metricNames = ['loss', 'val_accuracy', '__proto__'];

const comparedRuns = fc.array(
  fc.record({
    task: fc.constantFrom('train', 'tune'),
    lr: fc.constantFrom(0.1, 0.01),
    series: fc.array(fc.tuple(fc.constantFrom(...metricNames), points(4500)), { maxLength: 3 }),
  }),
  { minLength: 1, maxLength: 5 },
);

const options: fc.Arbitrary<CompareOptions> = fc.record({
  x: fc.constantFrom('step' as const, 'relative' as const, 'wall' as const),
  yScale: fc.constantFrom('linear' as const, 'log' as const),
  smoothing: fc.constantFrom(0, 0.6, 0.95),
  clipOutliers: fc.boolean(),
  groupBy: fc.constantFrom(null, 'task', 'params.lr'),
  baseline: fc.nat(5),
  metric: fc.constantFrom(null, 'loss'),
  param: fc.constantFrom(null, 'lr'),
});

type Generated = { task: string; lr: number; series: [string, MetricPoint[]][] }[];

/** The runs with their series as point arrays, and the same runs with each series as columns. */
function bothForms(generated: Generated): [ComparedRunState[], ComparedRunState[]] {
  const asPoints = generated.map((g, i) => ({
    record: run(`20261207T00000${i}Z-0000000${i}`, {
      task: g.task,
      params: { lr: g.lr },
      metrics: valuesByName(g.series),
    }),
    series: new Map(g.series),
  }));
  const asColumns = asPoints.map((s) => ({
    record: s.record,
    series: new Map([...s.series].map(([name, p]) => [name, MetricColumns.from(p)])),
  }));
  return [asPoints, asColumns];
}

/** Each metric's values, for the record's summaries (a metric without a summary gets no chart). */
function valuesByName(series: Iterable<[string, readonly MetricPoint[]]>): Record<string, number[]> {
  return Object.fromEntries([...series].map(([name, p]) => [name, p.map((x) => x.value)]));
}

describe('columnar metric series', () => {
  it('give the compare snapshot the point arrays give', () => {
    let charts = 0;
    fc.assert(
      fc.property(comparedRuns, options, (generated, opts) => {
        const [asPoints, asColumns] = bothForms(generated);
        const expected = buildCompareSnapshot(asPoints, opts);
        assert.deepStrictEqual(buildCompareSnapshot(asColumns, opts), expected);
        charts += expected.charts.length;
      }),
      { numRuns: runs(150) },
    );
    assert.ok(charts > 0, 'the runs had charts to compare');
  });

  it('give the min–max buckets and group bands the point arrays give, for any bucket count', () => {
    fc.assert(
      fc.property(
        fc.array(points(60), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 12 }),
        (series, buckets) => {
          const columns = series.map((p) => MetricColumns.from(p));
          for (let i = 0; i < series.length; i++) {
            assert.deepStrictEqual(minMaxBuckets(columns[i], buckets), minMaxBuckets(series[i], buckets));
          }
          assert.deepStrictEqual(groupBands(columns, buckets), groupBands(series, buckets));
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('give the one-pass summary the point arrays give, from any point on', () => {
    fc.assert(
      fc.property(points(60), fc.nat(70), fc.constantFrom('loss', 'accuracy'), (series, from, name) => {
        const columns = MetricColumns.from(series);
        assert.deepStrictEqual(
          addPointsToSummary(undefined, name, columns, from),
          addPointsToSummary(undefined, name, series, from),
        );
        const start = addPointsToSummary(undefined, name, series.slice(0, 3));
        assert.deepStrictEqual(
          addPointsToSummary(start, name, columns, 3),
          addPointsToSummary(start, name, series, 3),
        );
      }),
      { numRuns: runs(300) },
    );
  });

  it('build their points on first use and extend the same array after appends', () => {
    const columns = new MetricColumns(1);
    columns.push(3, Number.NaN);
    const first = columns.points();
    assert.deepStrictEqual(first, [{ step: 3, value: Number.NaN }]);
    columns.push(1, -0);
    columns.push(1, Infinity);
    assert.equal(columns.points(), first);
    assert.deepStrictEqual(first, [
      { step: 3, value: Number.NaN },
      { step: 1, value: -0 },
      { step: 1, value: Infinity },
    ]);
    assert.deepStrictEqual(seriesPoints(columns), first);
  });
});

const base = mkdtempSync(join(tmpdir(), 'xlens-columns-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;

/** A running run's folder with an empty `metrics.jsonl`. */
function runFolder(): string {
  const dir = join(base, `run-${++folders}`);
  mkdirSync(dir);
  const record = { ...run('20261207T000000Z-00000000'), status: 'running' };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
  writeFileSync(join(dir, 'metrics.jsonl'), '');
  return dir;
}

/** A value as a task writes it (Python's tokens for non-finite values, `null` as JavaScript's). */
const written = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', 'null', '1e999', '-0') },
);

const metricLine = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .record({
        step: fc.option(fc.nat(30), { nil: undefined }),
        values: fc.dictionary(fc.constantFrom('loss', 'acc', 'constructor'), written, { minKeys: 1 }),
      })
      .map(({ step, values }) => {
        const body = Object.entries(values)
          .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
          .join(',');
        return `{${step === undefined ? '' : `"step":${step},`}"values":{${body}}}`;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom('not json', '', '{"step":-1,"values":{"loss":1}}') },
);

/** The series the follower kept before columns: every complete line parsed, `{step, value}` per value. */
function reference(text: string): Map<string, MetricPoint[]> {
  const series = new Map<string, MetricPoint[]>();
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const { step, values } of new JsonlMetricsParser('metrics.jsonl').push(complete).lines) {
    for (const name in values) {
      let list = series.get(name);
      if (!list) {
        list = [];
        series.set(name, list);
      }
      list.push({ step, value: values[name] });
    }
  }
  return series;
}

function expectedAny(text: string): boolean {
  return reference(text).size > 0;
}

describe('a run follower keeping columns', () => {
  it('holds after every read exactly the points of the complete lines, and the same compare snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(metricLine, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(1000), { maxLength: 6 }),
        async (lines, cuts) => {
          const dir = runFolder();
          const follower = new RunFollower(dir);
          try {
            const text = lines.map((l) => `${l}\n`).join('');
            // Appended in pieces cut anywhere (a line may arrive in two reads), read after each piece.
            const ends = [...cuts.map((c) => c % (text.length + 1)), text.length].sort((a, b) => a - b);
            let written = 0;
            let charts = 0;
            for (const end of ends) {
              appendFileSync(join(dir, 'metrics.jsonl'), text.slice(written, Math.max(written, end)));
              written = Math.max(written, end);
              await follower.refresh();
              const expected = reference(text.slice(0, written));
              const columns = [...follower.columns].map(([name, c]): [string, MetricPoint[]] => [
                name,
                Array.from({ length: c.length }, (_, i) => ({ step: c.steps[i], value: c.values[i] })),
              ]);
              assert.deepStrictEqual(new Map(columns), expected);
              assert.deepStrictEqual(new Map(follower.series), expected);
              const record = run('20261207T000000Z-00000000', { metrics: valuesByName(expected) });
              const snapshot = buildCompareSnapshot([{ record, series: expected }], DEFAULT_COMPARE_OPTIONS);
              assert.deepStrictEqual(
                buildCompareSnapshot([{ record, series: follower.columns }], DEFAULT_COMPARE_OPTIONS),
                snapshot,
              );
              charts += snapshot.charts.length;
            }
            // Every good line has a value, so a file with one has a chart.
            assert.equal(charts > 0, expectedAny(text));
          } finally {
            follower.dispose();
          }
        },
      ),
      { numRuns: runs(60) },
    );
  });
});
