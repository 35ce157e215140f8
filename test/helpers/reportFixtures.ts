/**
 * Inputs of the report tests: a run whose metrics come from a real Keras CSVLogger file of the shared
 * fixtures, a drift report, and text fields carrying HTML/script payloads that must stay text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type {
  CategoricalSummary,
  ColumnDrift,
  DriftInput,
  DriftReport,
  NumericSummary,
} from '../../src/core/drift/types';
import type { MetricPoint } from '../../src/core/metrics/series';
import type { RunRecord } from '../../src/core/runs/types';
import { REPORT_DATA_ELEMENT_ID, type ReportPayload } from '../../src/protocol/report';

/**
 * The parsed JSON data block of a report page.
 * @throws AssertionError when the page has none.
 */
export function payloadOf(html: string): ReportPayload {
  const match = new RegExp(
    `<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">(.*?)</script>`,
    's',
  ).exec(html);
  assert.ok(match, 'data block present');
  return JSON.parse(match[1]) as ReportPayload;
}

export const XSS_IMG = '<img src=x onerror=alert(1)>';
export const XSS_SCRIPT = '</script><script>alert(1)</script>';

/** A Keras `CSVLogger` file from the shared fixtures (BraTS 2020 segmentation, 24 epochs, MIT licence). */
export const KERAS_LOG = join(
  __dirname,
  '../fixtures/keras_csv/4hmetcakmak__BraTS2020CapstoneProject/training.log',
);

/** Reads a Keras CSVLogger file into series: one per column except `epoch`, step = epoch. */
export function readKerasLog(file: string): Map<string, MetricPoint[]> {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const series = new Map<string, MetricPoint[]>();
  for (const row of rows) {
    const step = Number(row.epoch);
    for (const [name, text] of Object.entries(row)) {
      if (name === 'epoch' || text === '') {
        continue;
      }
      const points = series.get(name) ?? [];
      points.push({ step, value: Number(text) });
      series.set(name, points);
    }
  }
  return series;
}

/** A long series: 100,000 steps of a decaying curve with noise, one spike up and one dip down. */
export function longSeries(length = 100_000): MetricPoint[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  return Array.from({ length }, (_, step) => ({
    step,
    value:
      2 * Math.exp(-step / 20_000) +
      0.05 * random() +
      (step === 61_803 ? 3 : 0) -
      (step === 31_415 ? 1.5 : 0),
  }));
}

/** A run record with payloads in every free-text field a user or a repository controls. */
export function runRecord(series: ReadonlyMap<string, readonly MetricPoint[]>): RunRecord {
  const metrics: RunRecord['metrics'] = {};
  for (const [name, points] of series) {
    const values = points.map((p) => p.value);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const last = points[points.length - 1];
    const best = /loss|error/i.test(name)
      ? points.find((p) => p.value === min)!
      : points.find((p) => p.value === max)!;
    metrics[name] = {
      last: last.value,
      lastStep: last.step,
      min,
      max,
      bestStep: best.step,
      count: points.length,
    };
  }
  return {
    schema: 1,
    id: '20261124T090612Z-7f3a',
    task: 'train-brats',
    kind: 'command',
    status: 'succeeded',
    createdAt: '2026-11-24T09:06:12.000Z',
    startedAt: '2026-11-24T09:06:12.500Z',
    endedAt: '2026-11-24T10:08:15.250Z',
    durationMs: 3_722_750,
    exitCode: 0,
    command: `python train.py --name "${XSS_SCRIPT}"`,
    cwd: '/home/user/brats',
    host: 'gpu-box',
    git: {
      commit: '4e61e4643f1de1afc4cbb8d6f04d920547c8cd0f',
      branch: `feature/${XSS_IMG}`,
      subject: `Tune dice loss ${XSS_SCRIPT}`,
      dirty: true,
      snapshot: '9f3478da3d925c95b314291331adc2cf4206ba48',
    },
    params: { 'model.lr': 0.001, 'model.epochs': 24, [XSS_IMG]: XSS_SCRIPT, augment: true, note: null },
    paramSources: ['params.yaml'],
    data: [
      {
        path: `data/${XSS_IMG}.csv`,
        sha256: 'a'.repeat(64),
        size: 123_456_789,
        mtime: '2026-11-20T12:00:00.000Z',
        files: 1,
      },
    ],
    metrics,
    artifacts: [{ path: 'artifacts/model.h5', size: 52_428_800, root: 'run' }],
    info: { backend: 'tensorflow-gpu' },
    warnings: [`metrics.jsonl:12: bad line ${XSS_IMG}`],
  };
}

function numericSummary(values: number[], rows: number): NumericSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const pos = (sorted.length - 1) * p;
    const lo = Math.floor(pos);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
  };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return {
    kind: 'numeric',
    rows,
    count: values.length,
    missing: rows - values.length,
    unique: new Set(values).size,
    mean,
    std,
    min: sorted[0],
    q25: q(0.25),
    q50: q(0.5),
    q75: q(0.75),
    max: sorted[sorted.length - 1],
  };
}

function counts(values: readonly number[], edges: readonly number[]): number[] {
  const out = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let i = edges.findIndex((e, k) => k > 0 && v < e) - 1;
    if (i < 0) {
      i = out.length - 1;
    }
    out[Math.max(0, i)] += 1;
  }
  return out;
}

function categorical(values: readonly string[], rows: number): CategoricalSummary {
  const tally = new Map<string, number>();
  for (const v of values) {
    tally.set(v, (tally.get(v) ?? 0) + 1);
  }
  const top = [...tally].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
  return {
    kind: 'categorical',
    rows,
    count: values.length,
    missing: rows - values.length,
    unique: tally.size,
    top: top.map(([value, count]) => ({ value, count })),
  };
}

/**
 * A drift report over two small generated samples, shaped like the drift engine's output: a drifted
 * numeric column, an unchanged one, and categorical columns whose name and categories are HTML/script
 * payloads. The statistics are inputs of the rendering here, not results under test.
 */
export function driftReportFixture(): DriftReport {
  const rows = 400;
  const ref = Array.from({ length: rows }, (_, i) => 10 + 8 * Math.sin(i / 17) + (i % 7));
  const cur = ref.map((v, i) => v + 4 + (i % 3));
  const wind = Array.from({ length: rows }, (_, i) => 3 + ((i * 37) % 11) / 2);
  const edgesT = Array.from({ length: 11 }, (_, i) => 2 + i * 2.4);
  const edgesW = Array.from({ length: 7 }, (_, i) => 3 + i * (5 / 6));
  const refCat = Array.from({ length: rows }, (_, i) => ['sun', 'rain', XSS_SCRIPT, 'fog'][i % 4]);
  const curCat = Array.from({ length: rows - 20 }, (_, i) => ['sun', 'sun', 'rain', XSS_SCRIPT][i % 4]);
  const base = {
    methodSource: 'default' as const,
    thresholdSource: 'default' as const,
    missingShare: { reference: 0, current: 0 },
  };
  const columns: ColumnDrift[] = [
    {
      ...base,
      name: 'temp_max',
      type: 'numerical',
      method: 'ks',
      scoreKind: 'p_value',
      reason: 'reference has 400 rows (≤ 1000) and 100 unique values',
      statistic: 0.41,
      pValue: 3.2e-30,
      threshold: 0.05,
      drifted: true,
      reference: numericSummary(ref, rows),
      current: numericSummary(cur, rows),
      histogram: {
        kind: 'numeric',
        edges: edgesT,
        reference: counts(ref, edgesT),
        current: counts(cur, edgesT),
      },
      psi: 1.9,
    },
    {
      ...base,
      name: XSS_IMG,
      type: 'categorical',
      method: 'chisquare',
      scoreKind: 'p_value',
      reason: 'categorical column with 4 categories',
      statistic: 95.3,
      pValue: 1.6e-20,
      dof: 3,
      threshold: 0.05,
      drifted: true,
      missingShare: { reference: 0, current: 20 / rows },
      reference: categorical(refCat, rows),
      current: categorical(curCat, rows),
      histogram: {
        kind: 'categorical',
        categories: ['sun', 'rain', XSS_SCRIPT, 'fog'],
        reference: [100, 100, 100, 100],
        current: [190, 95, 95, 0],
        folded: 0,
      },
      psi: 2.4,
      note: `category ${XSS_IMG} is new`,
    },
    {
      ...base,
      name: 'wind',
      type: 'numerical',
      method: 'wasserstein',
      scoreKind: 'distance',
      reason: 'forced by the column rule',
      statistic: 0.02,
      distance: 0.02,
      threshold: 0.1,
      drifted: false,
      reference: numericSummary(wind, rows),
      current: numericSummary(wind, rows),
      histogram: {
        kind: 'numeric',
        edges: edgesW,
        reference: counts(wind, edgesW),
        current: counts(wind, edgesW),
      },
      psi: 0,
    },
  ];
  const input = (file: string): DriftInput => ({
    file,
    format: 'csv',
    rows,
    columns: 5,
    sampling: { applied: false, maxRows: null, seed: 0, rowsBefore: rows, rowsAfter: rows },
  });
  return {
    schema: 1,
    createdAt: '2026-11-24T12:00:00.000Z',
    durationMs: 42,
    inputs: { reference: input(`data/${XSS_IMG}-2012.csv`), current: input('data/weather-2015.csv') },
    dataset: { columns: 3, drifted: 2, share: 2 / 3, threshold: 0.5, driftDetected: true },
    columns,
    skipped: [{ name: `notes ${XSS_SCRIPT}`, type: 'text', reason: 'text columns are not tested' }],
    options: {
      perColumn: { wind: { method: 'wasserstein' } },
      driftShare: 0.5,
      smallSampleRows: 1000,
      maxRows: null,
      seed: 0,
    },
  };
}
