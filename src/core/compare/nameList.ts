/**
 * Lists of names as typed after `--columns`, `--sort` and `--metrics`: names separated by commas, where
 * a name holding a comma (or starting with a quote or with spaces) is quoted as in the filter language
 * (`src/core/compare/filter.ts`): `"a,b"` or `'a,b'`, with `\` before a quote or backslash inside the
 * quotes. A quote counts only at the start of a name (or after the `-` of a descending sort key), so
 * `it's` needs none; after the closing quote the name goes on unquoted (`"a,b":min`, `"a,b" desc`). In a
 * list of field names (`splitFieldList`) the quotes stay part of the name, since there they also say where
 * a name ends and its aggregate begins (`"loss:min":max`; `parseFieldName`).
 */
import { UserInputError } from '../base/errors';
import { readQuoted } from './quoted';

const QUOTES = new Set(['"', "'"]);

/**
 * Splits a list of names (see the module's comment); whitespace around unquoted text is dropped.
 * @param what the option, for messages, e.g. `--columns`.
 * @throws UserInputError for an empty name (`a,,b`) or a quote that is not closed, naming the column.
 */
export function splitNameList(text: string, what: string): string[] {
  return scanNameList(text, what).map((item) => item.name);
}

/**
 * Splits a list of field names (`--columns`, `--sort`) as {@link splitNameList} does, but keeps each as
 * written, quotes and escapes included, for `parseFieldName`: in a field name the quotes also end the name
 * before an aggregate (`"loss:min":max` is the max of a metric logged as `loss:min`, where the unquoted
 * `loss:min` is the min of `loss`).
 * @throws UserInputError as {@link splitNameList} does.
 */
export function splitFieldList(text: string, what: string): string[] {
  return scanNameList(text, what).map((item) => item.written);
}

/** The names of a list, each unquoted (`name`) and as written, trimmed (`written`). */
function scanNameList(text: string, what: string): { name: string; written: string }[] {
  const items: { name: string; written: string }[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && text[i] !== ',' && /\s/.test(text[i])) {
      i++;
    }
    const start = i;
    let item = '';
    let quoted = false;
    if (text[i] === '-' && QUOTES.has(text[i + 1])) {
      item = '-';
      i++;
    }
    if (QUOTES.has(text[i])) {
      const quote = text[i];
      const read = readQuoted(
        text,
        i,
        what,
        `end the quoted name with ${quote} (\\${quote} for a ${quote} inside it)`,
      );
      item += read.text;
      i = read.end;
      quoted = true;
    }
    let end = i;
    while (end < text.length && text[end] !== ',') {
      end++;
    }
    const rest = text.slice(i, end);
    item = quoted ? item + rest.trimEnd() : (item + rest).trim();
    if (item === '') {
      throw new UserInputError(
        `${what}: an empty name in "${text}"; separate names with single commas, and quote a name holding a comma: "a,b".`,
      );
    }
    items.push({ name: item, written: text.slice(start, end).trimEnd() });
    if (end >= text.length) {
      return items;
    }
    i = end + 1;
  }
}

/**
 * The text {@link splitNameList} reads back as `names`: names joined by commas, those holding a comma,
 * starting with a quote (or `-` and a quote) or with spaces at either end in double quotes.
 */
export function formatNameList(names: readonly string[]): string {
  return names
    .map((name) =>
      name.includes(',') || name !== name.trim() || name === '' || /^-?["']/.test(name)
        ? `"${name.replace(/["\\]/g, '\\$&')}"`
        : name,
    )
    .join(',');
}
