/**
 * Incremental reading of a CSV log with a header row (Keras and Lightning `CSVLogger`): tails the
 * file, parses complete lines with csv-parse, and reports when the file was rewritten — truncated,
 * replaced, or re-written with a wider header as Lightning's CSVLogger does when a new metric appears.
 */
import { parse } from 'csv-parse/sync';
import type { ReadWarning } from '../series';
import type { TailLine } from '../../base/fileTail';
import { FileTail } from '../../base/fileTail';

/** One data row: its cells and its 1-based line in the file. */
export interface CsvRow {
  cells: string[];
  line: number;
}

export interface CsvRead {
  /** The header in force for `rows` (the latest one when it changed). Empty before the header line exists. */
  header: string[];
  rows: CsvRow[];
  /** True when the file was rewritten and `rows` start again from the first data line. */
  reset: boolean;
}

/** Separators tried on the header line; the most frequent wins (Keras' CSVLogger takes any `separator`). */
const SEPARATORS = [',', '\t', ';', '|'];

/** Picks the separator of a header line: the most frequent of `, \t ; |`, else a space if any, else `,`. */
export function detectSeparator(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const sep of SEPARATORS) {
    const count = headerLine.split(sep).length - 1;
    if (count > bestCount) {
      best = sep;
      bestCount = count;
    }
  }
  if (bestCount === 0 && /\S\s+\S/.test(headerLine.trim())) {
    return ' ';
  }
  return best;
}

/**
 * The cells of one CSV line (RFC 4180 quoting, as csv-parse reads the rows: a quoted cell may hold the
 * separator), trimmed; a line csv-parse refuses is split at every separator.
 * @param separator as {@link detectSeparator} picks it.
 */
export function csvCells(line: string, separator: string): string[] {
  try {
    const [cells] = parse(line, { delimiter: separator, relax_column_count: true, relax_quotes: true }) as
      string[][] | [];
    if (cells !== undefined) {
      return cells.map((cell) => cell.trim());
    }
  } catch {
    // An unbalanced quote: split as written below.
  }
  return line.split(separator).map((cell) => cell.trim().replace(/^"|"$/g, ''));
}

/** Tails one CSV file with a header row. */
export class CsvTableTail {
  private readonly tail: FileTail;
  private header: string[] = [];
  private headerText = '';
  private separator = ',';

  constructor(readonly file: string) {
    this.tail = new FileTail(file);
  }

  /**
   * Reads the rows appended since the previous call. Rows wider than the header mean the file was
   * rewritten with a wider header past the bytes we compare; the file is then read again from the top.
   * @throws what reading the file throws (permissions, I/O), except a missing file, which reads as empty.
   */
  async read(warnings: ReadWarning[]): Promise<CsvRead> {
    const fromStart = this.tail.position === 0;
    const result = await this.readOnce(warnings, fromStart);
    if (result !== 'widened') {
      return result;
    }
    this.tail.restart();
    this.header = [];
    this.headerText = '';
    const again = (await this.readOnce(warnings, true)) as CsvRead;
    again.reset = true;
    return again;
  }

  /** One pass; with `allowWide`, rows longer than the header are kept (extra cells ignored) with a warning. */
  private async readOnce(warnings: ReadWarning[], allowWide: boolean): Promise<CsvRead | 'widened'> {
    const read = await this.tail.read();
    if (read.reset) {
      this.header = [];
      this.headerText = '';
    }
    const rows: CsvRow[] = [];
    let batch: TailLine[] = [];
    const flush = (): boolean => {
      for (const row of this.parseLines(batch, warnings)) {
        if (row.cells.length > this.header.length) {
          if (!allowWide) {
            return false;
          }
          warnings.push({
            file: this.file,
            line: row.line,
            message: `${row.cells.length} cells but the header has ${this.header.length}; extra cells ignored`,
          });
        }
        rows.push(row);
      }
      batch = [];
      return true;
    };
    for (const line of read.lines) {
      if (line.text.trim() === '') {
        continue;
      }
      if (this.header.length === 0 || line.text === this.headerText) {
        // A repeated header line (Keras CSVLogger appending to an existing file writes none, but
        // concatenated logs do) is skipped rather than read as data.
        if (!flush()) {
          return 'widened';
        }
        this.setHeader(line.text);
        continue;
      }
      batch.push(line);
    }
    if (!flush()) {
      return 'widened';
    }
    return { header: this.header, rows, reset: read.reset };
  }

  private setHeader(text: string): void {
    this.separator = detectSeparator(text);
    this.headerText = text;
    this.header = this.parseLines([{ text, line: 0 }], [])[0]?.cells.map((c) => c.trim()) ?? [];
  }

  /** Parses lines in one csv-parse call; on a syntax error, line by line so one bad line costs one warning. */
  private parseLines(lines: TailLine[], warnings: ReadWarning[]): CsvRow[] {
    if (lines.length === 0) {
      return [];
    }
    const options = {
      delimiter: this.separator,
      relax_column_count: true,
      relax_quotes: true,
      trim: this.separator === ' ',
    };
    try {
      const records = parse(lines.map((l) => l.text).join('\n'), options) as string[][];
      if (records.length === lines.length) {
        return records.map((cells, i) => ({ cells, line: lines[i].line }));
      }
    } catch {
      // Fall through to per-line parsing to locate the bad line.
    }
    const rows: CsvRow[] = [];
    for (const l of lines) {
      try {
        const [cells] = parse(l.text, options) as string[][];
        if (cells) {
          rows.push({ cells, line: l.line });
        }
      } catch (error) {
        warnings.push({
          file: this.file,
          line: l.line,
          message: `not a CSV row: ${(error as Error).message}`,
        });
      }
    }
    return rows;
  }
}
