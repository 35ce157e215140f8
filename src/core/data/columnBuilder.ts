/**
 * Builds one typed column while a file streams in, then settles its type.
 *
 * A column starts numeric (a growing `Float64Array`) and switches to a dictionary of strings at the first
 * value that is not a number; numbers already read are then re-encoded with `String(n)`. When the
 * stream ends, a dictionary column whose distinct values are all ISO 8601 dates becomes `datetime`, and
 * a string column that looks like free text becomes `text` (see `inferStringType`). Overrides force
 * the type from the start; values that do not fit are counted as missing and as `unparsable`.
 */
import type { Column, ColumnType } from './types';

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

const INITIAL_CAPACITY = 1024;

/** Accumulates one column's values; call `finish` once. */
export class ColumnBuilder {
  private mode: 'numeric' | 'dictionary';
  private numbers = new Float64Array(INITIAL_CAPACITY);
  private codes = new Int32Array(0);
  private readonly dictionary: string[] = [];
  private readonly index = new Map<string, number>();
  private length = 0;
  private missing = 0;
  private unparsable = 0;
  /** True when the source had native datetimes (Parquet/Arrow timestamps). */
  private nativeDatetime = false;

  constructor(
    readonly name: string,
    private readonly override?: ColumnType,
  ) {
    this.mode = override === 'categorical' || override === 'text' ? 'dictionary' : 'numeric';
    if (this.mode === 'dictionary') {
      this.codes = new Int32Array(INITIAL_CAPACITY);
    }
  }

  get rows(): number {
    return this.length;
  }

  /** A text cell (CSV/TSV): NA tokens are missing, numbers are numbers, the rest are strings. */
  pushCell(text: string): void {
    if (MISSING_TOKENS.has(text) || text.trim() === '') {
      this.pushMissing();
      return;
    }
    if (this.mode === 'numeric') {
      const value = this.override === 'datetime' ? parseDateCell(text) : parseNumberCell(text);
      if (!Number.isNaN(value)) {
        this.pushNumberValue(value);
        return;
      }
      if (this.override === 'numerical' || this.override === 'datetime') {
        this.unparsable++;
        this.pushMissing();
        return;
      }
      this.toDictionary();
    }
    this.pushCode(text);
  }

  /** A typed number (JSON, Parquet, Arrow). NaN and ±Infinity count as missing. */
  pushNumber(value: number): void {
    if (this.mode === 'numeric') {
      this.pushNumberValue(value);
    } else {
      this.pushCode(String(value));
    }
  }

  /** A typed datetime in Unix ms (Parquet/Arrow timestamps and dates). */
  pushDatetime(ms: number): void {
    this.nativeDatetime = true;
    if (this.mode === 'numeric') {
      this.pushNumberValue(ms);
    } else {
      this.pushCode(Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
    }
  }

  /** A typed string (JSON, Parquet, Arrow): taken literally, never parsed as a number. */
  pushString(text: string): void {
    if (this.mode === 'numeric') {
      if (this.override === 'numerical' || this.override === 'datetime') {
        const value = this.override === 'datetime' ? parseDateCell(text) : parseNumberCell(text);
        if (Number.isNaN(value)) {
          this.unparsable++;
          this.pushMissing();
        } else {
          this.pushNumberValue(value);
        }
        return;
      }
      this.toDictionary();
    }
    this.pushCode(text);
  }

  pushMissing(): void {
    this.missing++;
    if (this.mode === 'numeric') {
      this.ensureNumbers();
      this.numbers[this.length++] = NaN;
    } else {
      this.ensureCodes();
      this.codes[this.length++] = -1;
    }
  }

  /** Appends many numbers at once (fast path for typed sources). */
  pushNumbers(values: ArrayLike<number>): void {
    if (this.mode !== 'numeric') {
      for (let i = 0; i < values.length; i++) {
        this.pushNumber(values[i]);
      }
      return;
    }
    while (this.numbers.length < this.length + values.length) {
      this.grow();
    }
    const out = this.numbers;
    let at = this.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        out[at++] = v;
      } else {
        out[at++] = NaN;
        this.missing++;
      }
    }
    this.length = at;
  }

  /** Settles the type and returns the column, trimmed to its length. */
  finish(): Column {
    if (this.mode === 'numeric') {
      const datetime = this.override === 'datetime' || (this.nativeDatetime && this.override !== 'numerical');
      return {
        name: this.name,
        type: datetime ? 'datetime' : 'numerical',
        storage: 'numeric',
        values: this.numbers.slice(0, this.length),
        missing: this.missing,
        unparsable: this.unparsable,
      };
    }
    const codes = this.codes.slice(0, this.length);
    if (!this.override && !this.nativeDatetime && this.dictionary.length > 0) {
      const asDates = this.dictionary.map(parseDateCell);
      if (asDates.every((v) => !Number.isNaN(v))) {
        const values = new Float64Array(this.length);
        for (let i = 0; i < codes.length; i++) {
          values[i] = codes[i] < 0 ? NaN : asDates[codes[i]];
        }
        return {
          name: this.name,
          type: 'datetime',
          storage: 'numeric',
          values,
          missing: this.missing,
          unparsable: 0,
        };
      }
    }
    const type =
      this.override === 'categorical' || this.override === 'text'
        ? this.override
        : inferStringType(this.dictionary, this.length - this.missing);
    return {
      name: this.name,
      type,
      storage: 'dictionary',
      codes,
      dictionary: this.dictionary,
      missing: this.missing,
      unparsable: this.unparsable,
    };
  }

  private pushNumberValue(value: number): void {
    this.ensureNumbers();
    if (Number.isFinite(value)) {
      this.numbers[this.length++] = value;
    } else {
      this.numbers[this.length++] = NaN;
      this.missing++;
    }
  }

  private pushCode(text: string): void {
    this.ensureCodes();
    let code = this.index.get(text);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(text);
      this.index.set(text, code);
    }
    this.codes[this.length++] = code;
  }

  private toDictionary(): void {
    const codes = new Int32Array(Math.max(INITIAL_CAPACITY, this.numbers.length));
    for (let i = 0; i < this.length; i++) {
      const v = this.numbers[i];
      if (Number.isNaN(v)) {
        codes[i] = -1;
      } else {
        const text = this.nativeDatetime ? new Date(v).toISOString() : String(v);
        let code = this.index.get(text);
        if (code === undefined) {
          code = this.dictionary.length;
          this.dictionary.push(text);
          this.index.set(text, code);
        }
        codes[i] = code;
      }
    }
    this.codes = codes;
    this.numbers = new Float64Array(0);
    this.mode = 'dictionary';
  }

  private ensureNumbers(): void {
    if (this.length >= this.numbers.length) {
      this.grow();
    }
  }

  private grow(): void {
    const next = new Float64Array(Math.max(INITIAL_CAPACITY, this.numbers.length * 2));
    next.set(this.numbers.subarray(0, this.length));
    this.numbers = next;
  }

  private ensureCodes(): void {
    if (this.length >= this.codes.length) {
      const next = new Int32Array(Math.max(INITIAL_CAPACITY, this.codes.length * 2));
      next.set(this.codes.subarray(0, this.length));
      this.codes = next;
    }
  }
}
