/**
 * Builds one typed column while a file streams in, then settles its type.
 *
 * A column starts numeric (a growing `Float64Array`). A cell that is not a number is held aside (stored
 * as missing, its text kept): when such cells stay few — at most 2% of the non-missing cells, or a single
 * cell among at least 10 numbers (see {@link isFewNonNumbers}) — the column stays numerical and they
 * are counted as `unparsable` missing values, with the first ones kept as examples (row and text) so
 * reports can name them; otherwise the column becomes a dictionary of strings and numbers already read are
 * re-encoded with `String(n)`. When the stream ends, a dictionary column whose distinct values are all ISO
 * 8601 dates becomes `datetime`, and a string column that looks like free text becomes `text` (see
 * `inferStringType`). Overrides force the type from the start: `numerical` reads numbers and ISO 8601
 * dates (as Unix ms), `datetime` reads ISO dates; values that do not fit are counted as missing and as
 * `unparsable`, with examples.
 *
 * For reservoir sampling (see `sample.ts`) a value can overwrite a row already stored
 * (`replaceNext(slot)`), and `finish(order)` puts the kept rows back in file order.
 */
import { inferStringType, MISSING_TOKENS, parseDateCell, parseNumberCell } from './cells';
import { isFewNonNumbers } from './nonNumbers';
import type { Column, ColumnType, UnparsableValue } from './types';

/**
 * Rows a column's storage starts with, doubled as needed. Small, because a file may have 100,000
 * columns of a few rows each: a builder must cost little more than its values.
 */
const INITIAL_CAPACITY = 16;

/** The codes of a column not yet a dictionary (shared: a zero-length array is never written). */
const NO_CODES = new Int32Array(0);

/** Unparsable values kept as examples per column (the first ones in file order). */
export const UNPARSABLE_EXAMPLES = 3;

/** Non-number cells held aside before a column that is clearly not numerical becomes a dictionary. */
const EARLY_SWITCH_CELLS = 1024;

/** Accumulates one column's values; call `finish` once. */
export class ColumnBuilder {
  private mode: 'numeric' | 'dictionary';
  private numbers = new Float64Array(INITIAL_CAPACITY);
  private codes = NO_CODES;
  private readonly dictionary: string[] = [];
  /** Code of each dictionary value; made when the column becomes a dictionary. */
  private index: Map<string, number> | undefined;
  private length = 0;
  private missing = 0;
  private unparsable = 0;
  /** True when the source had native datetimes (Parquet/Arrow timestamps). */
  private nativeDatetime = false;
  /** Row the next value overwrites (reservoir sampling), or -1 to append. */
  private slot = -1;
  /** Per stored row, 1 when its value was unparsable; kept only once a row has been overwritten. */
  private unparsableRows: Uint8Array | undefined;
  private replaced = false;
  /** Non-number cells of a numeric column without override, by stored row, until the type is settled. */
  private nonNumbers: Map<number, string> | undefined;
  /** The first unparsable values (or held non-number cells), in file order. */
  private examples: UnparsableValue[] = [];
  /** Values an override to `numerical` read from ISO 8601 dates. */
  private datesAsNumbers = 0;

  constructor(
    readonly name: string,
    private readonly override?: ColumnType,
    /** True when rows may be replaced later (`replaceNext`): unparsable values are then tracked per row. */
    sampling = false,
  ) {
    if (sampling) {
      this.unparsableRows = new Uint8Array(INITIAL_CAPACITY);
    }
    this.mode = override === 'categorical' || override === 'text' ? 'dictionary' : 'numeric';
    if (this.mode === 'dictionary') {
      this.codes = new Int32Array(INITIAL_CAPACITY);
    }
  }

  get rows(): number {
    return this.length;
  }

  /** True while a number cell is stored as its number, so `pushNumber(Number(text))` equals `pushCell(text)`. */
  get readsPlainNumbers(): boolean {
    return this.mode === 'numeric' && !this.override;
  }

  /**
   * A text cell (CSV/TSV): NA tokens are missing, numbers are numbers, the rest are strings.
   * @param row the cell's data row in the file (0-based), recorded with unparsable values; -1 if unknown.
   */
  pushCell(text: string, row = -1): void {
    if (MISSING_TOKENS.has(text) || text.trim() === '') {
      this.pushMissing();
      return;
    }
    if (this.mode === 'numeric') {
      if (this.override) {
        this.pushOverridden(text, row);
        return;
      }
      const value = parseNumberCell(text);
      if (!Number.isNaN(value)) {
        this.pushNumberValue(value);
      } else {
        this.pushNonNumber(text, row);
      }
      return;
    }
    this.pushCode(text);
  }

  /**
   * Makes the next pushed value overwrite stored row `slot` instead of appending (reservoir sampling).
   * @throws RangeError when `slot` is not a stored row.
   */
  replaceNext(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.length) {
      throw new RangeError(`ColumnBuilder.replaceNext: no stored row ${slot}`);
    }
    if (!this.unparsableRows) {
      if (this.unparsable > 0) {
        throw new RangeError('ColumnBuilder.replaceNext: construct the builder with `sampling` set');
      }
      // No unparsable value so far: every stored row is a 0.
      this.unparsableRows = new Uint8Array(Math.max(this.length, INITIAL_CAPACITY));
    }
    this.replaced = true;
    this.slot = slot;
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

  /**
   * A typed string (JSON, Parquet, Arrow): taken literally, never parsed as a number (a numeric column
   * holding a string that looks like a number becomes a dictionary, so `"02134"` stays a category).
   * Under a `numerical` or `datetime` override it is parsed like a text cell.
   * @param row as for {@link pushCell}.
   */
  pushString(text: string, row = -1): void {
    if (this.mode === 'numeric') {
      if (this.override) {
        this.pushOverridden(text, row);
        return;
      }
      if (Number.isNaN(parseNumberCell(text))) {
        this.pushNonNumber(text, row);
        return;
      }
      this.toDictionary();
    }
    this.pushCode(text);
  }

  /** A cell of a column overridden as `numerical` (numbers, else ISO dates as ms) or `datetime`. */
  private pushOverridden(text: string, row: number): void {
    let value: number;
    if (this.override === 'datetime') {
      value = parseDateCell(text);
    } else {
      value = parseNumberCell(text);
      if (Number.isNaN(value)) {
        value = parseDateCell(text);
        if (!Number.isNaN(value)) {
          this.datesAsNumbers++;
        }
      }
    }
    if (Number.isNaN(value)) {
      this.writeMissing(true);
      this.addExample(text, row);
    } else {
      this.pushNumberValue(value);
    }
  }

  /** A non-number cell of a numeric column without override: held aside until the type is settled. */
  private pushNonNumber(text: string, row: number): void {
    const at = this.claim(true, true);
    this.numbers[at] = NaN;
    (this.nonNumbers ??= new Map()).set(at, text);
    this.addExample(text, row);
    const held = this.nonNumbers.size;
    if (held > EARLY_SWITCH_CELLS && !isFewNonNumbers(held, this.length - this.missing)) {
      this.toDictionary();
    }
  }

  private addExample(value: string, row: number): void {
    if (this.examples.length < UNPARSABLE_EXAMPLES) {
      this.examples.push({ row, value });
    }
  }

  pushMissing(): void {
    this.writeMissing(false);
  }
  private writeMissing(unparsable: boolean): void {
    const at = this.claim(true, unparsable);
    if (this.mode === 'numeric') {
      this.numbers[at] = NaN;
    } else {
      this.codes[at] = -1;
    }
  }

  /**
   * The row the next value is written at, with `missing`/`unparsable` updated for the value it replaces
   * (reservoir sampling) and the one written; grows the storage when appending.
   */
  private claim(missing: boolean, unparsable: boolean): number {
    let at: number;
    if (this.slot >= 0) {
      at = this.slot;
      this.slot = -1;
      const wasMissing = this.mode === 'numeric' ? Number.isNaN(this.numbers[at]) : this.codes[at] < 0;
      if (wasMissing) {
        this.missing--;
      }
      if (this.unparsableRows?.[at]) {
        this.unparsable--;
      }
      this.nonNumbers?.delete(at);
    } else {
      if (this.mode === 'numeric') {
        if (this.length >= this.numbers.length) {
          this.grow();
        }
      } else {
        this.ensureCodes();
      }
      at = this.length++;
    }
    if (missing) {
      this.missing++;
    }
    if (unparsable) {
      this.unparsable++;
    }
    if (this.unparsableRows) {
      if (at >= this.unparsableRows.length) {
        const grown = new Uint8Array(Math.max(at + 1, this.unparsableRows.length * 2));
        grown.set(this.unparsableRows);
        this.unparsableRows = grown;
      }
      this.unparsableRows[at] = unparsable ? 1 : 0;
    }
    return at;
  }

  /** Appends many numbers at once (fast path for typed sources; not with `replaceNext`). */
  pushNumbers(values: ArrayLike<number>): void {
    if (this.mode !== 'numeric' || this.slot >= 0) {
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

  /**
   * Settles the type and returns the column, trimmed to its length.
   * @param order stored rows in the order to return them (`RowReservoir.order()`); default as stored.
   */
  finish(order?: Int32Array): Column {
    if (
      this.mode === 'numeric' &&
      this.nonNumbers &&
      !isFewNonNumbers(this.nonNumbers.size, this.length - this.missing)
    ) {
      this.toDictionary();
    }
    if (this.mode === 'numeric') {
      const datetime = this.override === 'datetime' || (this.nativeDatetime && this.override !== 'numerical');
      const stored = this.numbers;
      return {
        name: this.name,
        type: datetime ? 'datetime' : 'numerical',
        storage: 'numeric',
        values: order ? Float64Array.from(order, (i) => stored[i]) : stored.slice(0, this.length),
        missing: this.missing,
        unparsable: this.unparsable,
        unparsableExamples: this.unparsable > 0 ? this.examples : [],
        datesAsNumbers: this.datesAsNumbers,
      };
    }
    const stored = this.codes;
    let codes: Int32Array = order ? Int32Array.from(order, (i) => stored[i]) : stored.slice(0, this.length);
    if (this.replaced) {
      codes = this.compactDictionary(codes);
    }
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
          unparsableExamples: [],
          datesAsNumbers: 0,
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
      unparsableExamples: this.unparsable > 0 ? this.examples : [],
    };
  }

  /**
   * Drops dictionary entries no kept row uses (values of rows the reservoir replaced), renumbering the
   * codes in order of first appearance, so type inference and category counts see the sample only.
   */
  private compactDictionary(codes: Int32Array): Int32Array {
    const remap = new Int32Array(this.dictionary.length).fill(-1);
    const kept: string[] = [];
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c >= 0) {
        if (remap[c] < 0) {
          remap[c] = kept.length;
          kept.push(this.dictionary[c]);
        }
        codes[i] = remap[c];
      }
    }
    this.dictionary.splice(0, this.dictionary.length, ...kept);
    const index = new Map<string, number>();
    kept.forEach((value, i) => index.set(value, i));
    this.index = index;
    return codes;
  }

  private pushNumberValue(value: number): void {
    const finite = Number.isFinite(value);
    const at = this.claim(!finite, false);
    this.numbers[at] = finite ? value : NaN;
  }

  private pushCode(text: string): void {
    const at = this.claim(false, false);
    const index = (this.index ??= new Map<string, number>());
    let code = index.get(text);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(text);
      index.set(text, code);
    }
    this.codes[at] = code;
  }

  /**
   * Re-encodes the numbers read so far as strings (and the non-number cells held aside as themselves,
   * no longer missing), then continues as a dictionary column.
   */
  private toDictionary(): void {
    const codes = new Int32Array(Math.max(INITIAL_CAPACITY, this.numbers.length));
    const held = this.nonNumbers;
    const index = (this.index ??= new Map<string, number>());
    for (let i = 0; i < this.length; i++) {
      const v = this.numbers[i];
      const heldText = held?.get(i);
      if (Number.isNaN(v) && heldText === undefined) {
        codes[i] = -1;
      } else {
        if (heldText !== undefined) {
          this.missing--;
          this.unparsable--;
          if (this.unparsableRows) {
            this.unparsableRows[i] = 0;
          }
        }
        const text = heldText ?? (this.nativeDatetime ? new Date(v).toISOString() : String(v));
        let code = index.get(text);
        if (code === undefined) {
          code = this.dictionary.length;
          this.dictionary.push(text);
          index.set(text, code);
        }
        codes[i] = code;
      }
    }
    this.codes = codes;
    this.numbers = new Float64Array(0);
    this.mode = 'dictionary';
    this.nonNumbers = undefined;
    this.examples = [];
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
