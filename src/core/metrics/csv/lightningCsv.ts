/**
 * Reader for PyTorch Lightning's `CSVLogger` (`<save_dir>/<name>/version_<n>/metrics.csv` and
 * `hparams.yaml` beside it). Rows are sparse: each `log_metrics` call writes one row with the keys it
 * logged, other cells empty. The `step` column is the step; `epoch` is read as a metric too (once per
 * step: Lightning repeats it on every row). When a
 * new metric key appears, Lightning rewrites the whole file with a wider header; the reader notices
 * and reads the file again, reporting a reset of the run.
 */
import { basename, dirname, join } from 'node:path';
import { stat } from 'node:fs/promises';
import type { ParamValue } from '../../runs/types';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { parseNumberCell, parseStepCell, readYamlParams } from '../values';
import { CsvTableTail } from './csvTable';
import { dict } from '../../../shared/dict';

/** Columns that carry a time rather than a metric (`created_at` from the older test-tube format). */
const TIME_COLUMNS = new Set(['created_at']);

/** Reads one Lightning `metrics.csv` (one run: the `version_<n>` folder). */
export class LightningCsvReader implements MetricReader {
  readonly source: SourceSpec;
  private readonly table: CsvTableTail;
  private started = false;
  private params: Record<string, ParamValue> = dict();
  private paramsStamp = '';
  private lastStep = 0;
  /** `step:value` of the last `epoch` point: Lightning repeats the epoch on every row of a step. */
  private lastEpoch = '';

  /** @param file absolute path of `metrics.csv`. */
  constructor(readonly file: string) {
    this.source = { format: 'lightning-csv', path: file };
    this.table = new CsvTableTail(file);
  }

  async read(): Promise<ReadResult> {
    const warnings: ReadWarning[] = [];
    let read;
    try {
      read = await this.table.read(warnings);
    } catch (error) {
      return {
        runs: [],
        warnings: [{ file: this.file, message: `cannot read: ${(error as Error).message}` }],
      };
    }
    if (read.reset) {
      this.lastStep = 0;
      this.lastEpoch = '';
    }
    const { header, rows } = read;
    const stepCol = header.indexOf('step');
    const metrics = new Map<string, MetricPoint[]>();
    for (const { cells, line } of rows) {
      let step = this.lastStep;
      if (stepCol >= 0 && (cells[stepCol] ?? '').trim() !== '') {
        const parsed = parseStepCell(cells[stepCol]);
        if (parsed === undefined) {
          warnings.push({
            file: this.file,
            line,
            message: `step ${JSON.stringify(cells[stepCol])} is not an integer >= 0`,
          });
          continue;
        }
        step = parsed;
      }
      this.lastStep = step;
      let time: number | undefined;
      for (let i = 0; i < header.length && i < cells.length; i++) {
        if (TIME_COLUMNS.has(header[i])) {
          const t = Date.parse(cells[i]);
          time = Number.isNaN(t) ? undefined : t;
        }
      }
      for (let i = 0; i < header.length && i < cells.length; i++) {
        const text = cells[i].trim();
        if (i === stepCol || text === '' || TIME_COLUMNS.has(header[i])) {
          continue;
        }
        const value = parseNumberCell(text);
        if (value === undefined || !Number.isFinite(value)) {
          warnings.push({
            file: this.file,
            line,
            message: `column "${header[i]}": ${JSON.stringify(text)} is not a finite number`,
          });
          continue;
        }
        if (header[i] === 'epoch') {
          const key = `${step}:${value}`;
          if (key === this.lastEpoch) {
            continue;
          }
          this.lastEpoch = key;
        }
        pushPoint(metrics, header[i], time === undefined ? { step, value } : { step, value, time });
      }
    }
    const paramsChanged = await this.readParams(warnings);
    const first = !this.started;
    this.started = true;
    if (!first && metrics.size === 0 && !read.reset && !paramsChanged) {
      return { runs: [], warnings };
    }
    const dir = dirname(this.file);
    const run: SeriesRun = {
      id: basename(dir),
      name: `${basename(dirname(dir))}/${basename(dir)}`,
      source: 'lightning-csv',
      path: this.file,
      metrics,
      params: { ...this.params },
      tags: {},
      experiment: basename(dirname(dir)),
    };
    return { runs: [run], warnings, reset: read.reset ? [run.id] : [] };
  }

  private async readParams(warnings: ReadWarning[]): Promise<boolean> {
    const file = join(dirname(this.file), 'hparams.yaml');
    let stamp = '';
    try {
      const info = await stat(file);
      stamp = `${info.mtimeMs}:${info.size}`;
    } catch {
      // No hparams.yaml: no params.
    }
    if (stamp === this.paramsStamp) {
      return false;
    }
    this.paramsStamp = stamp;
    this.params = (stamp ? await readYamlParams(file, warnings) : undefined) ?? {};
    return true;
  }
}
