/**
 * The Lightning CSVLogger fixture (test/fixtures/lightning, written by Lightning 2.6.6): the sequence
 * of `metrics.csv` contents Lightning wrote, and the points a file holds, parsed here with csv-parse
 * independently of the reader under test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { repoRoot } from './xlensProcess';

export const LIGHTNING_FIXTURE = join(repoRoot, 'test/fixtures/lightning');

/** `metrics.csv` after each of Lightning's writes, in order (appends, and one rewrite with a wider header). */
export function lightningWrites(): string[] {
  return readFileSync(join(LIGHTNING_FIXTURE, 'csv_writes.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string);
}

/**
 * `metric -> [step, value][]` of a Lightning `metrics.csv`: every non-empty cell but `step` is a point
 * at its row's step; `epoch`, repeated by Lightning on every row, once per step.
 */
export function lightningPoints(csv: string): Map<string, [number, number][]> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const points = new Map<string, [number, number][]>();
  for (const row of rows) {
    const step = Number(row.step);
    for (const [name, cell] of Object.entries(row)) {
      if (name === 'step' || cell === '') {
        continue;
      }
      const series = points.get(name) ?? [];
      points.set(name, series);
      const last = series.at(-1);
      if (name === 'epoch' && last?.[0] === step && last[1] === Number(cell)) {
        continue;
      }
      series.push([step, Number(cell)]);
    }
  }
  return points;
}

/** The last step a `metrics.csv` content holds. */
export function lastStep(csv: string): number {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return Number(rows.at(-1)?.step);
}
