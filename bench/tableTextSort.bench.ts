/**
 * Sorting the experiments table by a param held as text (MLflow logs every param as text: `"0.003"`),
 * 10,000 rows, in the table webview's own model (webviews/table/model.ts, no DOM, so in Node): the time
 * of `TableModel.sortedRows()` after the sort changed, median of 7, ascending and descending. Target
 * ≤ 100 ms, the target for a sort (issue 11: "sort by a metric ≤ 100 ms"; the page's redraw is
 * measured by table.bench.ts, this is the sort alone).
 *
 * Baseline, same run: the same rows sorted with `compareFieldValues` called on every comparison (what
 * the model did for any column that is not all numbers until 2026-12-07, converting each text to a
 * number on every comparison), and the floor: the same numbers sorted as a `Float64Array` column.
 * The machine's load (`uptime`) is printed beside the figures: on a loaded machine every figure grows.
 */
import { execFileSync } from 'node:child_process';
import type { TableData } from '../src/protocol/table';
import { DEFAULT_TABLE_LAYOUT } from '../src/protocol/table';
import { compareFieldValues, type FieldValue } from '../src/shared/fieldOrder';
import { TableModel } from '../webviews/table/model';

const ROWS = 10_000;
const TARGET_MS = 100;

/** A deterministic pseudo-random number in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Learning rates as MLflow stores them: text, a few hundred distinct values, some runs without. */
function textParam(): FieldValue[] {
  const next = random(11);
  return Array.from({ length: ROWS }, () => {
    const r = next();
    if (r < 0.02) {
      return null;
    }
    return String(Number((10 ** (-5 + 4 * next())).toPrecision(2)));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => void, times = 7): number {
  run(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

const values = textParam();
const data: TableData = {
  version: 1,
  runIds: values.map((_, i) => `run-${i}`),
  commits: values.map(() => null),
  head: null,
  starred: values.map(() => false),
  notes: values.map(() => ''),
  columns: [{ key: 'params.lr', kind: 'param', name: 'lr' }],
  values: [values],
};
const model = new TableModel(data, { ...DEFAULT_TABLE_LAYOUT });
const rows: Record<string, number> = {};
for (const descending of [false, true]) {
  model.layout = { ...model.layout, sort: [{ key: 'params.lr', descending }] };
  rows[descending ? 'descending' : 'ascending'] = time(() => {
    model.invalidate();
    model.sortedRows();
  });
}
const perComparison = time(() => {
  Int32Array.from({ length: ROWS }, (_, i) => i).sort(
    (a, b) => compareFieldValues(values[a], values[b], false) || a - b,
  );
});
const numbers = Float64Array.from(values, (v) => (v === null ? Infinity : Number(v)));
const floor = time(() => {
  Int32Array.from({ length: ROWS }, (_, i) => i).sort((a, b) => numbers[a] - numbers[b] || a - b);
});

console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
console.log(`Sort ${ROWS.toLocaleString('en')} rows by a param held as text (median of 7):`);
for (const [direction, ms] of Object.entries(rows)) {
  console.log(
    `  table model, ${direction.padEnd(10)} ${ms.toFixed(1).padStart(7)} ms  target <= ${TARGET_MS} ms  ${ms <= TARGET_MS ? 'ok' : 'OVER'}`,
  );
}
console.log(`  baseline: compareFieldValues on every comparison ${perComparison.toFixed(1).padStart(7)} ms`);
console.log(`  floor: a Float64Array column of the numbers      ${floor.toFixed(1).padStart(7)} ms`);
