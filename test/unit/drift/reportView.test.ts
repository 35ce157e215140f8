// How a report reads to a person, on real data (cars.json, USA against Europe; Seattle weather): the
// HTML report and the editor view list columns in the table's order, show an infinite statistic as ∞,
// mark p-values below the chart's floor, show instants as dates, and say "Not tested" when nothing was.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { driftColumnChart, driftSummaryChart, P_VALUE_FLOOR } from '../../../src/core/charts/driftCharts';
import { runDrift } from '../../../src/core/drift/engine';
import { formatDriftReport } from '../../../src/core/drift/textReport';
import { columnText, formatInstant, sortColumns } from '../../../src/core/drift/presentation';
import { applyDriftFlags } from '../../../src/core/drift/options';
import { defaultDriftOptions } from '../../../src/core/drift/rules';
import type { DriftReport } from '../../../src/core/drift/types';
import { renderDriftReportHtml } from '../../../src/core/report/driftReport';
import { buildDriftSnapshot } from '../../../src/features/drift/viewModel';

const root = join(__dirname, '../../..');
const datasets = join(root, 'node_modules/vega-datasets/data');
const weather = join(root, 'examples/weather-drift/data');
const hasBundle = existsSync(join(root, 'dist/webviews/report.js'));
const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-view-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Car = Record<string, string | number | null>;

function carsByOrigin(origin: string): string {
  const cars = (JSON.parse(readFileSync(join(datasets, 'cars.json'), 'utf8')) as Car[]).filter(
    (c) => c.Origin === origin,
  );
  const keys = Object.keys(cars[0]);
  const cell = (v: string | number | null): string =>
    v === null ? '' : typeof v === 'number' ? String(v) : `"${v}"`;
  const path = join(dir, `${origin}.csv`);
  writeFileSync(
    path,
    `${keys.join(',')}\n${cars.map((c) => keys.map((k) => cell(c[k])).join(',')).join('\n')}\n`,
  );
  return path;
}

describe('drift report presentation on cars.json (USA against Europe)', () => {
  let report: DriftReport;
  before(async () => {
    report = await runDrift({
      reference: carsByOrigin('USA'),
      current: carsByOrigin('Europe'),
      referenceName: 'usa.csv',
      currentName: 'europe.csv',
      options: defaultDriftOptions(),
    });
  });

  it('names the value behind an infinite chi-squared statistic and prints it as ∞', () => {
    const cylinders = report.columns.find((c) => c.name === 'Cylinders')!;
    assert.equal(cylinders.method, 'chisquare');
    assert.equal(cylinders.statistic, null);
    // Europe has 5-cylinder cars, the USA none.
    assert.equal(
      cylinders.note,
      'The statistic is infinite: the current data has a value ("5") the reference never has.',
    );
    assert.match(formatDriftReport(report), /^Cylinders\s+numerical\s+chisquare\s+∞\s+p = 0\s/m);
    const snapshot = buildDriftSnapshot(report, {
      kind: 'files',
      reference: 'usa.csv',
      current: 'europe.csv',
    });
    const view = snapshot.columns.find((c) => c.name === 'Cylinders')!;
    assert.equal(view.statistic, null);
    // Infinite, not missing: the same words in the view as in the CLI, also after a JSON round trip.
    assert.deepEqual(
      [view.text.statistic, view.text.score, view.text.threshold, view.text.verdict],
      ['∞', 'p = 0', 'p < 0.05', 'drift'],
    );
    const stored = JSON.parse(JSON.stringify(report)) as DriftReport;
    assert.deepEqual(columnText(stored.columns.find((c) => c.name === 'Cylinders')!), view.text);
  });

  it('gives every front the same words for each column', () => {
    const cli = formatDriftReport(report);
    const snapshot = buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' });
    for (const column of snapshot.columns) {
      const { statistic, score, threshold } = column.text;
      const line = cli.split('\n').find((l) => l.startsWith(`${column.name} `))!;
      const cells = [statistic, score, threshold].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      assert.match(line, new RegExp(` ${cells.join(' +')} `));
      assert.equal(column.text.details[0].startsWith(`${column.method} · statistic ${statistic}`), true);
    }
  });

  it('draws p-values below the log axis floor as labelled triangles at the floor', () => {
    const chart = driftSummaryChart(report)!;
    const rows = chart.data.bins as {
      column: string;
      score: number;
      shown: number;
      clipped: boolean;
      label: string;
    }[];
    const origin = rows.find((r) => r.column === 'Origin')!;
    assert.ok(origin.score < P_VALUE_FLOOR);
    assert.equal(origin.shown, P_VALUE_FLOOR);
    assert.equal(origin.clipped, true);
    assert.match(origin.label, /^p = \d(\.\d)?e-\d+$/);
    assert.equal(Number(origin.label.slice(4)), Number(origin.score.toPrecision(2)));
    assert.equal(rows.find((r) => r.column === 'Cylinders')!.label, 'p = 0');
    const acceleration = rows.find((r) => r.column === 'Acceleration')!;
    assert.equal(acceleration.clipped, false);
    assert.equal(acceleration.shown, acceleration.score);
    // The chart lists columns in the table's order.
    assert.deepEqual(
      rows.map((r) => r.column),
      sortColumns(report.columns).map((c) => c.name),
    );
  });

  it(
    'lists the distributions in the table order, shows ∞ and names the 5-cylinder value',
    { skip: !hasBundle && 'no report bundle (npm run build)' },
    () => {
      const html = renderDriftReportHtml(report);
      const order = sortColumns(report.columns).map((c) => report.columns.indexOf(c));
      const sections = [...html.matchAll(/<section class="column" id="col-(\d+)">/g)].map((m) =>
        Number(m[1]),
      );
      const tableRows = [...html.matchAll(/<tr><td class="wrap"><a href="#col-(\d+)">/g)].map((m) =>
        Number(m[1]),
      );
      assert.deepEqual(sections, order);
      assert.deepEqual(tableRows, order);
      assert.match(html, /chisquare · statistic ∞, 3 degrees of freedom/);
      assert.match(html, /the current data has a value \(&quot;5&quot;\) the reference never has/);
    },
  );
});

describe('instants and untested data', () => {
  it('shows a datetime column tested as numbers with dates, spans and a time axis', async () => {
    const report = await runDrift({
      reference: join(weather, 'weather-2012.csv'),
      current: join(weather, 'weather-2015.csv'),
      options: applyDriftFlags(defaultDriftOptions(), { columns: 'date', type: ['date=numerical'] }),
    });
    const date = report.columns[0];
    assert.equal(date.valueUnit, 'unix-ms');
    const snapshot = buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' });
    const line = (label: string) => snapshot.columns[0].summary.find((l) => l.label === label)!;
    assert.deepEqual([line('min').reference, line('max').current], ['2012-01-01', '2015-12-31']);
    assert.equal(line('median').reference, '2012-07-01 12:00');
    assert.match(line('std').reference, /^10\dd \d\dh$/);
    const spec = JSON.stringify(driftColumnChart(date, 0).spec);
    assert.match(spec, /"type":"temporal"/);
    assert.equal(formatInstant(Date.UTC(2015, 0, 2, 6, 30)), '2015-01-02 06:30');
    // The HTML report shows the same words as the view.
    const html = renderDriftReportHtml(report);
    for (const text of [line('std').reference, line('median').reference, line('max').current]) {
      assert.ok(html.includes(`>${text}<`), text);
    }
  });

  it('says "Not tested" in the view and the HTML report when no column could be tested', async () => {
    const path = join(dir, 'empty-wind.csv');
    writeFileSync(path, `wind\n${Array.from({ length: 20 }, () => 'NA').join('\n')}\n`);
    const report = await runDrift({
      reference: join(weather, 'weather-2012.csv'),
      current: path,
      options: applyDriftFlags(defaultDriftOptions(), { columns: 'wind' }),
    });
    assert.equal(report.dataset.columns, 0);
    assert.equal(report.skipped[0].reason, `all 20 values are missing in ${path}`);
    const snapshot = buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' });
    assert.equal(snapshot.verdict.kind, 'not-tested');
    assert.equal(snapshot.verdict.headline, 'Not tested');
    assert.doesNotMatch(formatDriftReport(report), /No dataset drift/);
    if (hasBundle) {
      const html = renderDriftReportHtml(report);
      assert.match(html, /<div class="banner not-tested" id="verdict"><strong>Not tested<\/strong>/);
      assert.doesNotMatch(html, /No dataset drift/);
    }
  });
});
