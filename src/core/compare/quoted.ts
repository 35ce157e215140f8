/**
 * The quoted names and values of the table's expression language (`filter.ts`) and of name lists
 * (`nameList.ts`): `"…"` or `'…'`, with `\` before a quote or a backslash inside.
 */
import { UserInputError } from '../base/errors';

/**
 * Reads the quoted text that starts at `start` (the index of its opening quote) in `source`.
 * @param what the option or field, for messages, e.g. `--filter`.
 * @param fix words added to the error after "is not closed", e.g. how to end a quoted name.
 * @returns the text between the quotes, unescaped, and the index just after the closing quote.
 * @throws UserInputError naming `what` and the quote's 1-based column when the quote is not closed.
 */
export function readQuoted(
  source: string,
  start: number,
  what: string,
  fix?: string,
): { text: string; end: number } {
  const quote = source[start];
  let text = '';
  let i = start + 1;
  for (; i < source.length && source[i] !== quote; i++) {
    if (source[i] === '\\' && i + 1 < source.length) {
      i++;
    }
    text += source[i];
  }
  if (i >= source.length) {
    throw new UserInputError(
      `${what}: column ${start + 1}: the quote ${quote} is not closed${fix ? `; ${fix}` : ''}.`,
    );
  }
  return { text, end: i + 1 };
}
