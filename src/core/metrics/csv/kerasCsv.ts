/**
 * Reader for Keras `CSVLogger` files (`keras.callbacks.CSVLogger(filename, separator=',', append=False)`):
 * a header `epoch,<metric>,...` and one row per epoch. Keras writes `NA` for a metric missing in an
 * epoch; those cells (and empty ones) are skipped silently. The separator is detected from the header.
 *
 * With `append=True` every training appends its rows to the same file without a new header, its
 * epochs starting again from 0 (or from `initial_epoch`). A row whose epoch is not above the previous
 * row's starts a new session, read as a run of its own: the first keeps the file's run id, the
 * following ones are `<file>#2`, `<file>#3`…; once there are several, their names end in ` #1`, ` #2`….
 */
import { basename, dirname } from 'node:path';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { parseNumberCell, parseStepCell } from '../values';
import { CsvTableTail } from './csvTable';

/** Cells that mean "no value" in Keras CSV logs. */
const MISSING = new Set(['', 'NA', 'N/A', 'nan', 'NaN']);

/** Reads one Keras CSV log: one run per training session; the `epoch` column is the step. */
export class KerasCsvReader implements MetricReader {
  readonly source: SourceSpec;
  private readonly table: CsvTableTail;
  private started = false;
  private warnedHeader = '';
  /** Sessions seen (1-based count) and the epoch of the last row read. */
  private sessions = 1;
  private lastEpoch = -1;
  /** Rows read without an epoch column, numbered from 0 instead. */
  private rowIndex = 0;

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
    const sessionsBefore = this.sessions;
    if (read.reset) {
      this.sessions = 1;
      this.lastEpoch = -1;
      this.rowIndex = 0;
    }
    const { header, rows } = read;
    /** Session number → its new points. */
    const bySession = new Map<number, Map<string, MetricPoint[]>>();
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
    for (const { cells, line } of rows) {
      const step = epochCol >= 0 ? parseStepCell(cells[epochCol] ?? '') : this.rowIndex;
      this.rowIndex += 1;
      if (step === undefined) {
        warnings.push({
          file: this.file,
          line,
          message: `epoch ${JSON.stringify(cells[epochCol])} is not an integer >= 0`,
        });
        continue;
      }
      if (step <= this.lastEpoch) {
        this.sessions += 1; // the epochs start again: another training appended to the file
      }
      this.lastEpoch = step;
      const metrics = bySession.get(this.sessions) ?? new Map<string, MetricPoint[]>();
      bySession.set(this.sessions, metrics);
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
    // The first session is renamed `#1` when a second appears: its metadata is sent again.
    if (first || read.reset || (sessionsBefore === 1 && this.sessions > 1)) {
      if (!bySession.has(1)) {
        bySession.set(1, new Map());
      }
    }
    const runs = [...bySession]
      .sort(([a], [b]) => a - b)
      .map(([session, metrics]) => this.run(session, metrics));
    const result: ReadResult = { runs, warnings };
    if (read.reset) {
      const ids = Array.from({ length: sessionsBefore }, (_, i) => this.sessionId(i + 1));
      result.reset = ids.slice(0, this.sessions);
      result.removed = ids.slice(this.sessions);
    }
    return result;
  }

  private sessionId(session: number): string {
    const id = basename(this.file);
    return session === 1 ? id : `${id}#${session}`;
  }

  private run(session: number, metrics: Map<string, MetricPoint[]>): SeriesRun {
    const name = `${basename(dirname(this.file))}/${basename(this.file)}`;
    return {
      id: this.sessionId(session),
      name: this.sessions > 1 ? `${name} #${session}` : name,
      source: 'keras-csv',
      path: this.file,
      metrics,
      params: {},
      tags: {},
    };
  }
}
