/**
 * Reader for Keras `CSVLogger` files (`keras.callbacks.CSVLogger(filename, separator=',', append=False)`):
 * a header `epoch,<metric>,...` and one row per epoch. Keras writes `NA` for a metric missing in an
 * epoch; those cells (and empty ones) are skipped silently. The separator is detected from the header.
 */
import { basename, dirname } from 'node:path';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { parseNumberCell, parseStepCell } from '../values';
import { CsvTableTail } from './csvTable';

/** Cells that mean "no value" in Keras CSV logs. */
const MISSING = new Set(['', 'NA', 'N/A', 'nan', 'NaN']);

/** Reads one Keras CSV log as one run; the `epoch` column is the step. */
export class KerasCsvReader implements MetricReader {
  readonly source: SourceSpec;
  private readonly table: CsvTableTail;
  private started = false;
  private warnedHeader = '';

  /** @param file absolute path of the CSV log (e.g. `training.log`). */
  constructor(readonly file: string) {
    this.source = { format: 'keras-csv', path: file };
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
    const { header, rows } = read;
    const metrics = new Map<string, MetricPoint[]>();
    const epochCol = header.indexOf('epoch');
    if (header.length > 0 && epochCol !== 0 && this.warnedHeader !== header.join(',')) {
      this.warnedHeader = header.join(',');
      warnings.push({
        file: this.file,
        line: 1,
        message:
          epochCol < 0
            ? 'no "epoch" column: rows are numbered from 0 instead'
            : '"epoch" is not the first column',
      });
    }
    let rowIndex = 0;
    for (const { cells, line } of rows) {
      const step = epochCol >= 0 ? parseStepCell(cells[epochCol] ?? '') : rowIndex;
      rowIndex += 1;
      if (step === undefined) {
        warnings.push({
          file: this.file,
          line,
          message: `epoch ${JSON.stringify(cells[epochCol])} is not an integer >= 0`,
        });
        continue;
      }
      for (let i = 0; i < header.length && i < cells.length; i++) {
        if (i === epochCol) {
          continue;
        }
        const text = cells[i].trim();
        if (MISSING.has(text)) {
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
        pushPoint(metrics, header[i], { step, value });
      }
    }
    const first = !this.started;
    this.started = true;
    if (!first && metrics.size === 0 && !read.reset) {
      return { runs: [], warnings };
    }
    const run: SeriesRun = {
      id: basename(this.file),
      name: `${basename(dirname(this.file))}/${basename(this.file)}`,
      source: 'keras-csv',
      path: this.file,
      metrics,
      params: {},
      tags: {},
    };
    return { runs: [run], warnings, reset: read.reset ? [run.id] : [] };
  }
}
