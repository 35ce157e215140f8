/**
 * The fast reader of plain CSV/TSV files, the common case of files written by pandas, R or a script:
 * no quote character anywhere, every line ended the way the first one is (LF, or CRLF), every row with
 * the header's number of fields. Fields are found in the decoded text without building a record per
 * row, and a number cell of a numeric column is parsed where it lies, without a string for it.
 *
 * Anything else (a quote, a lone CR, a short or long row, invalid UTF-8, an empty file, any error) makes
 * it give up and return undefined: the general reader (`csv-parse`, see `csv.ts`) then reads the file
 * from the start and gives the result or the message. Its columns equal the general reader's (a
 * property test compares both on random files). Blank lines are skipped and names trimmed, as there.
 */
import { CancelledError } from '../base/errors';
import { createRegularFileStream } from '../base/regularFile';
import { DelimitedTable, type RawTable, type ReadOptions } from './delimitedTable';

/** Bytes read at a time. */
const CHUNK_BYTES = 1 << 22;

const CR = 0x0d;

/** Powers of ten a double holds exactly (10^0 … 10^22). */
const EXACT_POWERS = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The number written in `text[start, end)` when it has the syntax of a number cell (`cells.ts`:
 * `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, no spaces), else NaN. Equal to `Number` of that text: up to
 * 15 significant digits and a power of ten up to 22 are one correctly rounded product or quotient of two
 * exact doubles (Clinger, "How to read floating point numbers accurately", PLDI 1990); longer numbers
 * are left to `Number`.
 */
export function parseNumberAt(text: string, start: number, end: number): number {
  const value = scanNumber(text, start, end, -1);
  return scanned === end ? value : NaN;
}

/** Where the field read by the last {@link scanNumber} ends (its delimiter, or the end of the line). */
let scanned = 0;

/**
 * Reads the field that starts at `start` and ends at the next `delimiter` (a char code) or at `end`,
 * setting {@link scanned} to its end: its number as {@link parseNumberAt} gives it, or NaN.
 */
function scanNumber(text: string, start: number, end: number, delimiter: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) {
    c = text.charCodeAt(++i);
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (i < end && c >= 0x30 && c <= 0x39) {
    mantissa = mantissa * 10 + (c - 0x30);
    if (mantissa !== 0) {
      significant++;
    }
    digits++;
    c = text.charCodeAt(++i);
  }
  if (i < end && c === 0x2e) {
    c = text.charCodeAt(++i);
    while (i < end && c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      if (mantissa !== 0) {
        significant++;
      }
      digits++;
      scale--;
      c = text.charCodeAt(++i);
    }
  }
  let exponentDigits = -1;
  if (digits > 0 && i < end && (c === 0x65 || c === 0x45)) {
    c = text.charCodeAt(++i);
    const negativeExponent = c === 0x2d;
    if (negativeExponent || c === 0x2b) {
      c = text.charCodeAt(++i);
    }
    let exponent = 0;
    exponentDigits = 0;
    while (i < end && c >= 0x30 && c <= 0x39) {
      exponent = Math.min(exponent * 10 + (c - 0x30), 1e6);
      exponentDigits++;
      c = text.charCodeAt(++i);
    }
    scale += negativeExponent ? -exponent : exponent;
  }
  if (i < end && c !== delimiter) {
    scanned = fieldEnd(text, i, end, delimiter);
    return NaN;
  }
  scanned = i;
  if (digits === 0 || exponentDigits === 0) {
    return NaN;
  }
  let value: number;
  if (mantissa === 0) {
    value = 0;
  } else if (significant > 15 || scale > 22 || scale < -22) {
    return Number(text.slice(start, i));
  } else {
    value = scale >= 0 ? mantissa * EXACT_POWERS[scale] : mantissa / EXACT_POWERS[-scale];
  }
  return negative ? -value : value;
}

/** The index of the first `delimiter` in `text[from, end)`, or `end`. */
function fieldEnd(text: string, from: number, end: number, delimiter: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) !== delimiter) {
    i++;
  }
  return i;
}

/** Thrown inside the reader to give up; never leaves this module. */
class NotPlain extends Error {}

/**
 * Reads a plain delimited file (see the module comment).
 * @returns the table, or undefined when the file is not plain or has an error (read it with the general
 *   reader then).
 * @throws CancelledError when `options.signal` fires.
 */
export async function readPlainDelimited(
  path: string,
  name: string,
  delimiter: ',' | '\t',
  options: ReadOptions = {},
): Promise<RawTable | undefined> {
  const table = new DelimitedTable(name, delimiter, options);
  const lines = new LineReader(table, delimiter.charCodeAt(0));
  let stream: AsyncIterable<Buffer> & { destroy(): void };
  try {
    stream = await createRegularFileStream(path, { highWaterMark: CHUNK_BYTES, signal: options.signal });
  } catch {
    return undefined;
  }
  try {
    // Invalid UTF-8 throws, and the general reader's decoder then names the line and byte.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let carry = '';
    for await (const chunk of stream) {
      const text = carry + decoder.decode(chunk, { stream: true });
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        carry = text;
        continue;
      }
      lines.read(text, last + 1);
      carry = text.slice(last + 1);
    }
    const rest = carry + decoder.decode();
    lines.read(rest, rest.length);
    return table.finish(lines.sawText);
  } catch (error) {
    if (options.signal?.aborted) {
      throw error instanceof CancelledError ? error : new CancelledError();
    }
    return undefined;
  } finally {
    stream.destroy();
  }
}

/** Splits lines into fields and feeds them to the table. */
class LineReader {
  /** Whether lines end with CRLF, once the first line end is seen. */
  private crlf: boolean | undefined;
  /** Where the next CR of the current text is (Infinity when none), looked up once per CR. */
  private nextCr = -1;
  sawText = false;

  constructor(
    private readonly table: DelimitedTable,
    private readonly delimiter: number,
  ) {}

  /**
   * Reads the lines of `text[0, end)`: `end` is just after an LF, or the end of the file.
   * @throws NotPlain (see the module comment).
   */
  read(text: string, end: number): void {
    if (end === 0) {
      return;
    }
    this.sawText = true;
    const quote = text.indexOf('"');
    if (quote >= 0 && quote < end) {
      throw new NotPlain();
    }
    let start = 0;
    this.nextCr = -1;
    while (start < end) {
      let lineEnd = text.indexOf('\n', start);
      const terminated = lineEnd >= 0 && lineEnd < end;
      if (!terminated) {
        lineEnd = end;
      }
      if (this.crlf === undefined) {
        if (!terminated || lineEnd === start) {
          throw new NotPlain(); // no line end yet, or a blank first line: left to the general reader
        }
        this.crlf = text.charCodeAt(lineEnd - 1) === CR;
      }
      let contentEnd = lineEnd;
      if (this.crlf && terminated) {
        if (text.charCodeAt(lineEnd - 1) !== CR) {
          throw new NotPlain();
        }
        contentEnd--;
      }
      if (this.nextCr < start) {
        const cr = text.indexOf('\r', start);
        this.nextCr = cr < 0 ? Infinity : cr;
      }
      if (this.nextCr < contentEnd) {
        throw new NotPlain();
      }
      if (contentEnd > start) {
        this.line(text, start, contentEnd);
      }
      start = lineEnd + 1;
    }
  }

  /** One non-blank line `text[start, end)`. */
  private line(text: string, start: number, end: number): void {
    const table = this.table;
    if (!table.header) {
      table.setHeader(this.fields(text, start, end));
      return;
    }
    const builders = table.builders;
    const count = builders.length;
    if (!table.beginRow()) {
      this.skip(text, start, end, count);
      return;
    }
    const row = table.rows - 1;
    const delimiter = this.delimiter;
    let at = start;
    for (let field = 0; field < count; field++) {
      const builder = builders[field];
      let stop: number;
      if (builder?.readsPlainNumbers) {
        const value = scanNumber(text, at, end, delimiter);
        stop = scanned;
        if (value === value) {
          builder.pushNumber(value);
        } else {
          builder.pushCell(text.slice(at, stop), row);
        }
      } else {
        stop = fieldEnd(text, at, end, delimiter);
        builder?.pushCell(text.slice(at, stop), row);
      }
      if ((stop === end) !== (field === count - 1)) {
        throw new NotPlain(); // fewer or more fields than the header
      }
      at = stop + 1;
    }
  }

  /** Checks the field count of a row the sample skips. */
  private skip(text: string, start: number, end: number, count: number): void {
    let delimiters = 0;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === this.delimiter) {
        delimiters++;
      }
    }
    if (delimiters !== count - 1) {
      throw new NotPlain();
    }
  }

  private fields(text: string, start: number, end: number): string[] {
    return text.slice(start, end).split(String.fromCharCode(this.delimiter));
  }
}
