/**
 * Line numbers of data rows in text files, for messages about single cells ("line 42: \"18,5\""). The
 * readers count data rows only (a quoted CSV field may span lines and blank lines are skipped), so the
 * line of a row is found by reading the file again, up to the last row asked for. Only done when a
 * column has values to name, so the fast path of reading stays untouched.
 */
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { TableFormat } from './types';
import { createRegularFileStream } from '../base/regularFile';

/**
 * The 1-based line where each data row starts (data rows 0-based: the first row after the header of a
 * CSV/TSV file, the first non-blank line of a JSON Lines file). Rows beyond the end of the file are left
 * out of the result.
 * @param rows data rows to locate (any order, duplicates allowed).
 * @throws the read error when the file cannot be read again.
 */
export async function lineNumbersOfRows(
  path: string,
  format: Extract<TableFormat, 'csv' | 'tsv' | 'jsonl'>,
  rows: readonly number[],
): Promise<Map<number, number>> {
  const wanted = new Set(rows.filter((r) => r >= 0));
  const lines = new Map<number, number>();
  if (wanted.size === 0) {
    return lines;
  }
  const last = Math.max(...wanted);
  if (format === 'jsonl') {
    const input = await createRegularFileStream(path);
    const reader = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    let row = -1;
    for await (const text of reader) {
      line++;
      if (text.trim() === '') {
        continue;
      }
      row++;
      if (wanted.has(row)) {
        lines.set(row, line);
      }
      if (row >= last) {
        reader.close();
        break;
      }
    }
    input.destroy(); // closes the file (readline leaves its input open)
    return lines;
  }
  // Same parser settings as the reader. csv-parse's own `info.lines` counts a CRLF inside quotes as two
  // lines, so lines are counted here: each record takes one line plus the line breaks inside its fields
  // (CRLF, LF or CR), and `info.empty_lines` counts the blank lines skipped so far.
  const parser = parse({ delimiter: format === 'tsv' ? '\t' : ',', skip_empty_lines: true, info: true });
  // Leaving the loop early destroys the stream, which the pipeline reports as an error: expected then.
  let done = false;
  try {
    await pipeline(
      await createRegularFileStream(path),
      parser,
      async function (records: AsyncIterable<{ record: string[]; info: { empty_lines: number } }>) {
        let row = -2; // the header is row -1
        let recordLines = 0;
        for await (const { record, info } of records) {
          row++;
          if (wanted.has(row)) {
            lines.set(row, 1 + recordLines + info.empty_lines);
          }
          if (row >= last) {
            done = true;
            return;
          }
          recordLines += 1 + lineBreaks(record);
        }
      },
    );
  } catch (error) {
    if (!done) {
      throw error;
    }
  }
  return lines;
}

/** Line breaks inside the fields of a record: CRLF, LF and CR each count once. */
function lineBreaks(record: string[]): number {
  let breaks = 0;
  for (const field of record) {
    for (let i = 0; i < field.length; i++) {
      const c = field.charCodeAt(i);
      if (c === 10 || (c === 13 && field.charCodeAt(i + 1) !== 10)) {
        breaks++;
      }
    }
  }
  return breaks;
}
