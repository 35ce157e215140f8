/**
 * The reference of a monitor's drift: another file (the training data), the first window of the
 * predictions, or a span of them (`2013-01-01..2013-06-30`, both ends inclusive, dates in UTC).
 */
import { UserInputError } from '../base/errors';
import { parseDateCell } from '../data/cells';

/** Where the reference rows come from. */
export type ReferenceSpec =
  | { kind: 'file'; path: string }
  | { kind: 'window' }
  | { kind: 'range'; from: number; to: number; text: string };

/**
 * Reads `--reference`: `first` (the first window; also the default), `<date>..<date>` (a span of the
 * predictions file: from the first date's start to the end of the second date's day, or its exact
 * instant when it has a time), or a file path.
 * @throws UserInputError for a span whose ends are not ISO 8601 dates or are in the wrong order.
 */
export function parseReference(text: string | undefined, where = '--reference'): ReferenceSpec {
  if (text === undefined || text === 'first') {
    return { kind: 'window' };
  }
  const span = /^(.+)\.\.(.+)$/.exec(text);
  if (span && !text.includes('/') && !text.includes('\\')) {
    const from = parseDateCell(span[1].trim());
    const toText = span[2].trim();
    const toStart = parseDateCell(toText);
    // A bare date covers its whole day; a date-time is the exact instant.
    const to = /^\d{4}-\d{2}-\d{2}$/.test(toText) ? toStart + 86_400_000 - 1 : toStart;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
      throw new UserInputError(
        `${where} ${text}: a span is two ISO 8601 dates, the earlier first, e.g. ${where} 2013-01-01..2013-06-30; ` +
          'or give a file, or "first" for the first window.',
      );
    }
    return { kind: 'range', from, to, text };
  }
  return { kind: 'file', path: text };
}
