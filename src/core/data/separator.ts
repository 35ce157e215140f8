/**
 * Recognises a delimited file whose separator is not the one it is read with, from its header line: a
 * European spreadsheet export (`;` with decimal commas) or a tab-separated file named `.csv`. Read with
 * the wrong separator, such a header is one column and every row error names a field count that
 * explains nothing, so the readers check this first.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { READ_NONBLOCKING } from '../base/regularFile';

/** Bytes read by {@link firstLine}. */
export const FIRST_LINE_BYTES = 64 * 1024;

/**
 * The first line of a file, read from its first {@link FIRST_LINE_BYTES} bytes without its line end
 * (`\n` or `\r\n`; a UTF-8 BOM is kept). Undefined when the file is unreadable, or with `complete` when
 * no line end occurs in those bytes (a header that long is left to the full parser).
 */
export function firstLine(path: string, options: { complete?: boolean } = {}): string | undefined {
  try {
    const fd = openSync(path, READ_NONBLOCKING); // a FIFO must not block: reads then fail or end
    try {
      const buffer = Buffer.alloc(FIRST_LINE_BYTES);
      const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0 && options.complete) {
        return undefined;
      }
      return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The separators recognised, with the name used in messages. */
const OTHERS: readonly [string, string][] = [
  [';', ';'],
  ['\t', 'tab'],
  [',', ','],
];

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/**
 * Why `headerLine` looks separated by something other than `delimiter`, or undefined when it does not:
 * the header has no `delimiter` at all but at least one `;`, tab or `,` (outside quotes is not checked:
 * a header naming one column that holds a `;` is rare enough, and the reader would fail anyway).
 * @param accepted what the reader takes, for the message, e.g. `xlens reads comma-separated CSV (or .tsv)`.
 * @returns e.g. `the file looks ;-separated (its header has no "," but ";" 3 times); xlens reads ...`.
 */
export function separatorMismatch(
  headerLine: string,
  delimiter: string,
  accepted: string,
): string | undefined {
  const header = headerLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
  if (header.includes(delimiter)) {
    return undefined;
  }
  for (const [char, name] of OTHERS) {
    if (char === delimiter) {
      continue;
    }
    const n = count(header, char);
    if (n > 0) {
      const fix =
        char === ';'
          ? 'Save it with commas, e.g. in pandas: pd.read_csv(path, sep=";", decimal=",").to_csv(new_path, index=False)'
          : char === '\t'
            ? 'Name it .tsv, or save it with commas'
            : 'Name it .csv';
      const quoted = (c: string): string => (c === '\t' ? 'tab' : `"${c}"`);
      return (
        `the file looks ${name}-separated (its header has no ${quoted(delimiter)} but ${quoted(char)} ` +
        `${n === 1 ? 'once' : `${n} times`}); ${accepted}. ${fix}.`
      );
    }
  }
  return undefined;
}
