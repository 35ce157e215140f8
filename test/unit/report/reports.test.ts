import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadReportBundle, reportBundleCandidates } from '../../../src/core/report/bundle';
import { compareRuns } from '../../../src/core/compare/comparison';
import { renderCompareReportHtml } from '../../../src/core/report/compareReport';
import { renderDriftReportHtml } from '../../../src/core/report/driftReport';
import { renderRunReportHtml } from '../../../src/core/report/runReport';
import {
  driftReportFixture,
  KERAS_LOG,
  longSeries,
  payloadOf,
  readKerasLog,
  runRecord,
  XSS_IMG,
  XSS_SCRIPT,
} from '../../helpers/reportFixtures';
import { buildReportBundle, repoRoot } from '../../helpers/reportBundle';

/** The HTML outside the inlined bundle (the bundle is library code, checked separately). */
function pageMarkup(html: string): string {
  return html.replace(/<script nonce="[^"]+">[\s\S]*?<\/script>/, '<script nonce>…</script>');
}

function assertPayloadsAreText(html: string): void {
  assert.ok(!html.includes(XSS_IMG), 'the <img> payload never appears as markup');
  assert.ok(!html.includes(XSS_SCRIPT), 'the </script> payload never appears as markup');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the <img> payload appears escaped');
  // Exactly two script elements: the data block and the report bundle.
  assert.equal(html.split('</script>').length - 1, 2);
  assert.equal((pageMarkup(html).match(/<script\b/g) ?? []).length, 2);
}

function assertStrictCsp(html: string): void {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'CSP meta present');
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce && nonce.length >= 16);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`style-src 'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'`));
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|https?:/);
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  // Nothing in the markup points outside the file.
  assert.doesNotMatch(pageMarkup(html), /\b(src|href)="(?!#)/);
}

describe('HTML reports', () => {
  let bundlePath: string;
  before(async () => {
    bundlePath = await buildReportBundle();
  });

  it('renders a run report: escaped header and params, strict CSP, one chart per metric group', () => {
    const series = readKerasLog(KERAS_LOG);
    series.set(XSS_IMG, [{ step: 0, value: 1 }]);
    series.set('throughput', longSeries());
    const run = runRecord(series);
    const html = renderRunReportHtml(run, series, { bundlePath });
    assertPayloadsAreText(html);
    assertStrictCsp(html);
    assert.ok(html.includes('<code title="4e61e4643f1de1afc4cbb8d6f04d920547c8cd0f">4e61e4643f</code>'));
    assert.ok(html.includes('refs/xlens/runs/20261124T090612Z-7f3a'));
    assert.ok(html.includes('1h 02m'));
    assert.ok(html.includes('tensorflow-gpu'));
    const payload = payloadOf(html);
    assert.equal(payload.kind, 'run');
    const ids = payload.charts.map((c) => c.id);
    assert.ok(ids.includes('metric:loss'));
    // A metric with one point is a tile, not a chart; its name stays text.
    assert.ok(!ids.includes(`metric:${XSS_IMG}`));
    assert.ok(pageMarkup(html).includes('<div class="tile-label">&lt;img src=x onerror=alert(1)&gt;</div>'));
    for (const id of ids) {
      assert.ok(
        html.includes(
          `data-chart="${id.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`,
        ),
        id,
      );
    }
    // The long series is embedded downsampled, not whole.
    const throughput = payload.charts.find((c) => c.id === 'metric:throughput')!;
    assert.ok(throughput.data.points.length <= 2000);
    assert.ok(html.length < readFileSync(bundlePath, 'utf8').length + 400_000, `${html.length} characters`);
  });

  it('renders a comparison of many runs within a budget of points per chart, as the compare view', () => {
    // 100 runs of 3,000 steps each: 200 points per run (20,000 per chart), not 2,000 per run.
    const series = new Map([['loss', longSeries(3000)]]);
    const runs = Array.from({ length: 100 }, (_, i) => ({
      ...runRecord(series),
      id: `20261124T0906${String(i).padStart(2, '0')}Z-7f3a`,
    }));
    const html = renderCompareReportHtml(
      runs,
      compareRuns(runs),
      runs.map(() => series),
      { bundlePath },
    );
    const [chart] = payloadOf(html).charts;
    const rows = chart.data.points.length;
    assert.ok(rows <= 20_000, `${rows} points in the chart of 100 runs`);
  });

  it("lists the run's checks, passed and failed, their names as text", () => {
    const run = {
      ...runRecord(new Map()),
      checks: [
        { check: 'val_accuracy >= 0.5', value: 0.9, threshold: 0.5, passed: true },
        {
          check: `"${XSS_IMG}" >= 1`,
          value: null,
          threshold: 1,
          passed: false,
          reason: `metric ${XSS_IMG} not recorded by this run`,
        },
      ],
    };
    const html = pageMarkup(renderRunReportHtml(run, new Map(), { bundlePath }));
    assert.ok(!html.includes(XSS_IMG));
    assert.ok(
      html.includes(
        '<h2>Checks: 1 of 2 failed</h2><ul><li class="wrap">✔ val_accuracy &gt;= 0.5 (0.9)</li>' +
          '<li class="wrap">✖ &quot;&lt;img src=x onerror=alert(1)&gt;&quot; &gt;= 1: metric &lt;img src=x onerror=alert(1)&gt; not recorded by this run</li></ul>',
      ),
      html,
    );
    assert.ok(!renderRunReportHtml(runRecord(new Map()), new Map(), { bundlePath }).includes('<h2>Checks'));
  });

  it('says so when a run has no metrics and no params', () => {
    const run = { ...runRecord(new Map()), params: {}, data: [], artifacts: [], warnings: [] };
    const html = renderRunReportHtml(run, new Map(), { bundlePath });
    assert.ok(html.includes('No metrics recorded.'));
    assert.ok(html.includes('No params recorded.'));
    assert.deepEqual(payloadOf(html).charts, []);
  });

  it('renders a drift report: verdict first, drifted columns first, names and categories as text', () => {
    const report = driftReportFixture();
    const html = renderDriftReportHtml(report, { bundlePath });
    assertPayloadsAreText(html);
    assertStrictCsp(html);
    const markup = pageMarkup(html);
    assert.ok(markup.indexOf('Dataset drift detected') < markup.indexOf('id="columns"'));
    assert.ok(markup.includes('2 of 3 tested columns drifted (66.7%)'));
    const order = [...markup.matchAll(/<a href="#col-(\d+)">/g)].map((m) => Number(m[1]));
    assert.deepEqual(order, [0, 1, 2]);
    const payload = payloadOf(html);
    assert.deepEqual(
      payload.charts.map((c) => c.id),
      ['drift:summary', 'drift:column:0', 'drift:column:1', 'drift:column:2'],
    );
    // The embedded data round-trips to the original strings.
    const categories = payload.charts[2].data.bins.map((r) => r.category);
    assert.ok(categories.includes(XSS_SCRIPT));
    assert.equal(payload.charts[2].title, XSS_IMG);
  });

  it('embeds only aggregates: one row per bin and dataset', () => {
    const report = driftReportFixture();
    const payload = payloadOf(renderDriftReportHtml(report, { bundlePath }));
    report.columns.forEach((column, i) => {
      const bins =
        column.histogram.kind === 'numeric'
          ? column.histogram.edges.length - 1
          : column.histogram.categories.length;
      assert.equal(payload.charts[i + 1].data.bins.length, 2 * bins);
    });
  });

  it('inlines the bundle without its source map link and with its licence notices', () => {
    const bundle = loadReportBundle(bundlePath);
    assert.doesNotMatch(bundle.script, /sourceMappingURL/);
    assert.doesNotMatch(bundle.script, /report\.js\.LEGAL\.txt/);
    assert.match(bundle.script, /Bundled license information/);
  });

  it('tells to run the build when the bundle is missing', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'xlens-nobundle-')), 'report.js');
    assert.throws(
      () => renderRunReportHtml(runRecord(new Map()), new Map(), { bundlePath: missing }),
      /npm run build/,
    );
  });

  it('looks for the bundle next to a bundled entry first, then in the project dist/', () => {
    const dist = mkdtempSync(join(tmpdir(), 'xlens-dist-'));
    writeFileSync(join(dist, 'cli.js'), '');
    assert.equal(reportBundleCandidates(dist)[0], join(dist, 'webviews', 'report.js'));
    const fromSources = reportBundleCandidates(join(repoRoot, 'src/core/report'));
    assert.equal(fromSources.at(-1), join(repoRoot, 'dist', 'webviews', 'report.js'));
  });
});
