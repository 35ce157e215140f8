/**
 * Reading text cells (CSV/TSV, and strings under a type override): missing-value tokens, numbers, ISO 8601
 * dates, and whether strings are categories or free text.
 */

/**
 * Cell values read as missing: the tokens pandas' `read_csv` treats as NA by default, plus
 * whitespace-only cells. Only text formats (CSV/TSV) use them; typed formats have real nulls.
 */
export const MISSING_TOKENS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

const NUMBER_PATTERN = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const INFINITY_PATTERN = /^\s*[+-]?(inf|Inf|INF|infinity|Infinity)\s*$/;
const ISO_DATE_PATTERN =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses a decimal number cell; NaN when it is not one. ±Infinity cells parse as ±Infinity. */
export function parseNumberCell(text: string): number {
  if (NUMBER_PATTERN.test(text)) {
    return Number(text);
  }
  if (INFINITY_PATTERN.test(text)) {
    return text.trim().startsWith('-') ? -Infinity : Infinity;
  }
  return NaN;
}

/** Parses an ISO 8601 date or date-time (UTC when no offset is given) to Unix ms; NaN otherwise. */
export function parseDateCell(text: string): number {
  const t = text.trim();
  if (!ISO_DATE_PATTERN.test(t)) {
    return NaN;
  }
  // Date-only strings are UTC in JS; date-times without an offset would be local, so pin them to UTC.
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
  const iso = t.length > 10 && !hasOffset ? `${t.replace(' ', 'T')}Z` : t.replace(' ', 'T');
  return Date.parse(iso);
}

/**
 * Strings are text (free text or identifiers, not compared as categories) when more than half of the
 * values are distinct and either there are over 50 distinct values or they average over 30 characters;
 * otherwise categorical.
 */
export function inferStringType(dictionary: string[], count: number): 'categorical' | 'text' {
  if (dictionary.length === 0 || dictionary.length * 2 <= count) {
    return 'categorical';
  }
  if (dictionary.length > 50) {
    return 'text';
  }
  let length = 0;
  for (const value of dictionary) {
    length += value.length;
  }
  return length / dictionary.length > 30 ? 'text' : 'categorical';
}
