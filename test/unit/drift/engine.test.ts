// The drift engine on real data and on small files built to hit each rule: default method table,
// overrides, skipped columns, dataset verdict, and a report that holds aggregates only.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { runDrift } from '../../../src/core/drift/engine';
import { formatDriftReport } from '../../../src/core/drift/textReport';
import { sortColumns } from '../../../src/core/drift/presentation';
import { defaultDriftOptions, defaultMethod } from '../../../src/core/drift/rules';
import type { ColumnDrift, DriftOptions, DriftReport } from '../../../src/core/drift/types';

const root = join(__dirname, '../../..');
const weather2012 = join(root, 'examples/weather-drift/data/weather-2012.csv');
const weather2015 = join(root, 'examples/weather-drift/data/weather-2015.csv');
const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  verdicts: Record<
    string,
    { method: string; statistic: number; pValue: number | null; drifted: boolean; psi: number }
  >;
}

function options(extra: Partial<DriftOptions> = {}): DriftOptions {
  return { ...defaultDriftOptions(), ...extra };
}

function csv(name: string, header: string, rows: (string | number)[][]): string {
  const path = join(dir, name);
  writeFileSync(path, `${[header, ...rows.map((r) => r.join(','))].join('\n')}\n`);
  return path;
}

function byName(report: DriftReport, name: string): ColumnDrift {
  const column = report.columns.find((c) => c.name === name);
  assert.ok(column, `column ${name} tested`);
  return column;
}

function close(actual: number | null | undefined, expected: number, relative: number, what: string): void {
  assert.ok(typeof actual === 'number', `${what} is a number`);
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${what}: ${actual} vs ${expected}`,
  );
}

describe('weather 2015 against 2012 (the example), checked against pandas + SciPy', () => {
  it('gives the same methods, statistics, p-values, PSI and verdicts', async () => {
    const expected = JSON.parse(
      readFileSync(join(root, 'test/fixtures/drift/weather-scipy.json'), 'utf8'),
    ) as Expected;
    const report = await runDrift({ reference: weather2012, current: weather2015, options: options() });
    assert.equal(report.columns.length, Object.keys(expected.verdicts).length);
    for (const [name, want] of Object.entries(expected.verdicts)) {
      const got = byName(report, name);
      assert.equal(got.method, want.method, `${name} method`);
      close(got.statistic, want.statistic, 1e-9, `${name} statistic`);
      if (want.pValue !== null) {
        close(got.pValue, want.pValue, 1e-6, `${name} p-value`);
      }
      close(got.psi, want.psi, 1e-9, `${name} PSI`);
      assert.equal(got.drifted, want.drifted, `${name} verdict`);
    }
    assert.deepEqual(report.skipped, [
      {
        name: 'date',
        type: 'datetime',
        reason:
          'datetime columns are not tested by default; give the column a method (e.g. wasserstein) ' +
          'or set its type to numerical (per_column: { date: { type: numerical } }) to test it as numbers',
      },
    ]);
    assert.deepEqual(report.dataset, {
      columns: 5,
      drifted: 3,
      share: 0.6,
      threshold: 0.5,
      driftDetected: true,
    });
    assert.equal(report.inputs.reference.rows, 366);
    assert.equal(report.inputs.current.rows, 365);
  });

  it('stores aggregates only: histograms sum to the value counts and no dates appear', async () => {
    const report = await runDrift({ reference: weather2012, current: weather2015, options: options() });
    for (const column of report.columns) {
      const total = (counts: number[]): number => counts.reduce((s, v) => s + v, 0);
      assert.equal(
        total(column.histogram.reference),
        column.reference.count,
        `${column.name} reference bins`,
      );
      assert.equal(total(column.histogram.current), column.current.count, `${column.name} current bins`);
    }
    const temp = byName(report, 'temp_max');
    assert.equal(temp.histogram.kind, 'numeric');
    assert.equal(temp.reference.kind, 'numeric');
    if (temp.reference.kind === 'numeric') {
      assert.ok(temp.reference.q25! < temp.reference.q50! && temp.reference.q50! < temp.reference.q75!);
    }
    const json = JSON.stringify(report);
    assert.doesNotMatch(json, /2012-0[1-9]-\d\d/);
    assert.ok(json.length < 40_000, `report is small (${json.length} bytes)`);
  });

  it('prints drifted columns first and the dataset verdict', async () => {
    const report = await runDrift({ reference: weather2012, current: weather2015, options: options() });
    const text = formatDriftReport(report);
    const order = sortColumns(report.columns).map((c) => c.name);
    assert.deepEqual(order.slice(0, 3).sort(), ['temp_max', 'temp_min', 'weather']);
    assert.match(text, /weather\s+categorical\s+chisquare\s+510\.7\s+p = 3\.176e-109\s+p < 0\.05\s+DRIFT/);
    assert.match(
      text,
      /DATASET DRIFT DETECTED: 3 of 5 tested columns drifted \(60%\); dataset drift is declared at 50% or more\./,
    );
    assert.ok(text.indexOf('temp_max') < text.indexOf('precipitation'));
  });
});

describe('default rules (Evidently table)', () => {
  it('chooses by reference size, column kind and distinct values', () => {
    const m = (kind: 'numerical' | 'categorical', rows: number, distinct: number): string =>
      defaultMethod(kind, rows, distinct).method;
    assert.equal(m('numerical', 1000, 6), 'ks');
    assert.equal(m('numerical', 1000, 5), 'chisquare');
    assert.equal(m('numerical', 1000, 3), 'chisquare');
    assert.equal(m('numerical', 1000, 2), 'z');
    assert.equal(m('categorical', 1000, 3), 'chisquare');
    assert.equal(m('categorical', 1000, 2), 'z');
    assert.equal(m('numerical', 1001, 6), 'wasserstein');
    assert.equal(m('numerical', 1001, 5), 'jensenshannon');
    assert.equal(m('categorical', 1001, 2), 'jensenshannon');
  });

  it('uses the Z-test for two categories and the distance tests above 1000 rows', async () => {
    const rows = (n: number, share: number): string[][] =>
      Array.from({ length: n }, (_, i) => [i < n * share ? 'yes' : 'no', String(i % 50)]);
    const small = await runDrift({
      reference: csv('z-ref.csv', 'answer,n', rows(200, 0.3)),
      current: csv('z-cur.csv', 'answer,n', rows(150, 0.6)),
      options: options(),
    });
    const answer = byName(small, 'answer');
    assert.equal(answer.method, 'z');
    assert.ok(answer.drifted && answer.pValue! < 1e-6);
    assert.equal(byName(small, 'n').method, 'ks');
    const large = await runDrift({
      reference: csv('js-ref.csv', 'answer,n', rows(3000, 0.3)),
      current: csv('js-cur.csv', 'answer,n', rows(2000, 0.31)),
      options: options(),
    });
    assert.equal(byName(large, 'answer').method, 'jensenshannon');
    assert.equal(byName(large, 'answer').drifted, false);
    assert.equal(byName(large, 'n').method, 'wasserstein');
  });

  it('tests a constant column without dividing by zero', async () => {
    const report = await runDrift({
      reference: csv(
        'const-ref.csv',
        'k,v',
        Array.from({ length: 20 }, (_, i) => [7, i]),
      ),
      current: csv(
        'const-cur.csv',
        'k,v',
        Array.from({ length: 20 }, (_, i) => [7, i]),
      ),
      options: options(),
    });
    const k = byName(report, 'k');
    assert.equal(k.method, 'z');
    assert.equal(k.pValue, 1);
    assert.equal(k.drifted, false);
    assert.equal(k.psi, 0);
  });
});

describe('overrides and skipped columns', () => {
  it('applies global and per-column methods and thresholds', async () => {
    const report = await runDrift({
      reference: weather2012,
      current: weather2015,
      options: options({
        method: 'psi',
        threshold: 0.2,
        perColumn: { temp_max: { method: 'ks', threshold: 0.0001 }, wind: { threshold: 0.05 } },
      }),
    });
    const temp = byName(report, 'temp_max');
    assert.deepEqual(
      [temp.method, temp.methodSource, temp.threshold, temp.thresholdSource],
      ['ks', 'column', 0.0001, 'column'],
    );
    assert.equal(temp.drifted, false, 'p = 0.000316 is not below 0.0001');
    const wind = byName(report, 'wind');
    assert.deepEqual(
      [wind.method, wind.methodSource, wind.threshold, wind.thresholdSource],
      ['psi', 'global', 0.05, 'column'],
    );
    assert.equal(wind.drifted, true, 'PSI 0.10 ≥ 0.05');
    const weather = byName(report, 'weather');
    assert.equal(weather.statistic, weather.psi);
    assert.equal(weather.distance, weather.psi);
  });

  it('tests a datetime column as numbers when given a method', async () => {
    const report = await runDrift({
      reference: weather2012,
      current: weather2015,
      options: options({ columns: ['date'], perColumn: { date: { method: 'ks' } } }),
    });
    const date = byName(report, 'date');
    assert.equal(date.type, 'datetime');
    assert.equal(date.statistic, 1);
    assert.ok(date.drifted);
  });

  it('refuses a numeric-only method for a categorical column', async () => {
    await assert.rejects(
      runDrift({
        reference: weather2012,
        current: weather2015,
        options: options({ perColumn: { weather: { method: 'wasserstein' } } }),
      }),
      (error: unknown) =>
        error instanceof UserInputError &&
        /Column "weather" is categorical, but method "wasserstein" needs numbers/.test(error.message),
    );
  });

  it('skips text, all-missing and one-sided columns with a reason; names with markup stay data', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const prose = (i: number): string => `"a sentence of free text that is long enough, number ${i}"`;
    const reference = csv(
      'skip-ref.csv',
      `"${name}",note,empty,only_ref`,
      Array.from({ length: 30 }, (_, i) => [i % 3 ? '<b>bold</b>' : 'plain', prose(i), '', i]),
    );
    const current = csv(
      'skip-cur.csv',
      `"${name}",note,empty,only_cur`,
      Array.from({ length: 30 }, (_, i) => [i % 2 ? '<b>bold</b>' : 'plain', prose(i + 100), 'x', i]),
    );
    const report = await runDrift({ reference, current, options: options() });
    assert.deepEqual(
      report.columns.map((c) => c.name),
      [name],
    );
    assert.deepEqual(
      report.columns[0].current.kind === 'categorical' && report.columns[0].current.top.map((t) => t.value),
      ['<b>bold</b>', 'plain'],
    );
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.name, s.reason]));
    assert.match(reasons.note, /text or identifier values \(mostly distinct\) are not tested/);
    assert.equal(reasons.empty, `all 30 values are missing in ${reference}`);
    assert.equal(reasons.only_ref, `only in the reference file (${reference})`);
    assert.equal(reasons.only_cur, `only in the current file (${current})`);
  });

  it('reports sampling of large inputs', async () => {
    const report = await runDrift({
      reference: weather2012,
      current: weather2015,
      options: options({ maxRows: 200, seed: 3 }),
    });
    assert.deepEqual(report.inputs.reference.sampling, {
      applied: true,
      maxRows: 200,
      seed: 3,
      rowsBefore: 366,
      rowsAfter: 200,
    });
    assert.equal(byName(report, 'wind').reference.rows, 200);
    assert.match(formatDriftReport(report), /200 rows, sampled 200 of 366 rows \(seed 3\)/);
  });
});
