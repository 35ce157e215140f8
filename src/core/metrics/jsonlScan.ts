/**
 * A fast path for the usual line of the metrics protocol (src/core/metrics/jsonl.ts), as the runner
 * and most tasks write it: `{"step":12,"time":1764000000123,"values":{"loss":0.31,"acc":0.88}}`,
 * JSON whitespace allowed between tokens, the three keys in any order (`step` and `time` optional).
 * The scanner reads such a line without `JSON.parse` and without an intermediate object, and gives up
 * (returns undefined) on anything else: another key, a duplicate key, an escape or a control character
 * in a name, a value that is not a JSON number (`null`, `NaN`, strings, objects), a number that
 * overflows (`1e999`), an empty `values`, text after the object. The caller then parses the line the
 * general way, which owns every message and the non-finite rules; so the scanner only ever accepts
 * lines the general path reads to the same values (a property test in test/robustness compares them).
 * Numbers follow the JSON grammar (RFC 8259 §6) and are converted by `Number`, as `JSON.parse` does.
 */
import { dict } from '../../shared/dict';

/** What the scanner read from a line; `step` and `time` are not checked against the protocol's ranges. */
export interface ScannedLine {
  step: number | undefined;
  time: number | undefined;
  /** Name → finite value, at least one entry; a null-prototype dictionary. */
  values: Record<string, number>;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** The index of the first character at or after `i` that is not JSON whitespace. */
function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
    } else {
      return i;
    }
  }
}

/** Exact powers of ten as doubles: 10^0 to 10^22 (10^23 is not a double). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The number {@link readNumber} read last. A variable, not an array: a double array would box every
 * integer it hands out (a step would then cost a heap number per point instead of a small integer).
 */
let scanned = 0;

/** The number {@link readNumber} read last (valid after it returned an index ≥ 0). */
export function lastNumber(): number {
  return scanned;
}

/**
 * Reads the finite JSON number (RFC 8259 §6) at `i` into {@link lastNumber}; returns the index after it,
 * or -1 when there is no number there or it overflows (`1e999`). Correctly rounded, to the double
 * `JSON.parse` gives, bit for bit (`-0` included):
 * - a number without exponent whose digits, without the dot, are an integer M < 2^53 (all numbers of
 *   at most 15 significant digits, and the 16-digit ones up to 9007199254740991), with at most 22
 *   digits after the dot, is M / 10^f: M and 10^f (f ≤ 22, 5^22 < 2^53) are exact doubles, so the
 *   one correctly rounded IEEE division gives the correctly rounded quotient (W. D. Clinger, "How to
 *   Read Floating Point Numbers Accurately", PLDI 1990, the fast path);
 * - any other number (17 digits, exponents, subnormals) goes through `Number` on its exact text,
 *   which is what `JSON.parse` uses for numbers (ECMA-262 StringToNumber, correctly rounded).
 * The characters at and after the number's end are only looked at, never consumed: a number is ended
 * by any character that cannot continue it (`,`, `}`, whitespace, a line break, the text's end).
 */
export function readNumber(text: string, i: number): number {
  const start = i;
  let c = text.charCodeAt(i);
  if (c === MINUS) {
    c = text.charCodeAt(++i);
  }
  // The digits without the dot as an integer: exact while below 2^53 (every partial sum is then an
  // integer below 2^53); past it, at least 2^53 (rounding is monotonic), and the number goes to `Number`.
  let mantissa = 0;
  if (c === ZERO) {
    c = text.charCodeAt(++i);
  } else if (isDigit(c)) {
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    } while (isDigit(c));
  } else {
    return -1;
  }
  let fractionDigits = 0;
  if (c === DOT) {
    c = text.charCodeAt(++i);
    if (!isDigit(c)) {
      return -1;
    }
    const first = i;
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    } while (isDigit(c));
    fractionDigits = i - first;
  }
  if (c === 0x65 || c === 0x45) {
    c = text.charCodeAt(++i);
    if (c === PLUS || c === MINUS) {
      c = text.charCodeAt(++i);
    }
    if (!isDigit(c)) {
      return -1;
    }
    while (isDigit(text.charCodeAt(++i))) {
      // digits of the exponent
    }
  } else if (mantissa <= Number.MAX_SAFE_INTEGER && fractionDigits <= 22) {
    const magnitude = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
    scanned = text.charCodeAt(start) === MINUS ? -magnitude : magnitude;
    return i;
  }
  const value = Number(text.slice(start, i));
  if (!Number.isFinite(value)) {
    return -1;
  }
  scanned = value;
  return i;
}

/**
 * The name starting after the quote at `i` (plain characters only), reusing the string of `known[k]`
 * when it is the same name (lines repeat their names; reusing them spares a string per value).
 * @returns the name and the index after its closing quote, or undefined.
 */
function readName(text: string, i: number, known: string[], k: number): [string, number] | undefined {
  const guess = known[k];
  if (
    guess !== undefined &&
    text.charCodeAt(i + 1 + guess.length) === QUOTE &&
    text.startsWith(guess, i + 1)
  ) {
    return [guess, i + 2 + guess.length];
  }
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      const name = text.slice(i + 1, j);
      known[k] = name;
      return [name, j + 1];
    }
    if (c === BACKSLASH || c < 0x20) {
      return undefined;
    }
  }
  return undefined;
}

/** Reads the `values` object at `i` into `values`; the index after it, or -1. */
function readValues(text: string, i: number, values: Record<string, number>, known: string[]): number {
  if (text.charCodeAt(i) !== OPEN) {
    return -1;
  }
  i = skipWs(text, i + 1);
  for (let k = 0; ; k++) {
    if (text.charCodeAt(i) !== QUOTE) {
      return -1;
    }
    const name = readName(text, i, known, k);
    if (name === undefined || values[name[0]] !== undefined) {
      return -1;
    }
    i = skipWs(text, name[1]);
    if (text.charCodeAt(i) !== COLON) {
      return -1;
    }
    i = readNumber(text, skipWs(text, i + 1));
    if (i < 0) {
      return -1;
    }
    values[name[0]] = scanned;
    i = skipWs(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE) {
      return i + 1;
    }
    if (c !== COMMA) {
      return -1;
    }
    i = skipWs(text, i + 1);
  }
}

/**
 * Reads a line of the usual shape (see the file's comment), or returns undefined for the caller's
 * general path.
 * @param known names met in earlier lines, by position in `values` (updated; pass the same array for
 *   the lines of one file, or a new one).
 */
export function scanMetricLine(text: string, known: string[] = []): ScannedLine | undefined {
  let i = skipWs(text, 0);
  if (text.charCodeAt(i) !== OPEN) {
    return undefined;
  }
  i = skipWs(text, i + 1);
  let step: number | undefined;
  let time: number | undefined;
  let values: Record<string, number> | undefined;
  for (;;) {
    if (text.startsWith('"step"', i) && step === undefined) {
      i = readNumber(text, skipColon(text, i + 6));
      step = scanned;
    } else if (text.startsWith('"time"', i) && time === undefined) {
      i = readNumber(text, skipColon(text, i + 6));
      time = scanned;
    } else if (text.startsWith('"values"', i) && values === undefined) {
      values = dict<number>();
      i = readValues(text, skipColon(text, i + 8), values, known);
    } else {
      return undefined;
    }
    if (i < 0) {
      return undefined;
    }
    i = skipWs(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE) {
      break;
    }
    if (c !== COMMA) {
      return undefined;
    }
    i = skipWs(text, i + 1);
  }
  if (values === undefined || skipWs(text, i + 1) !== text.length) {
    return undefined;
  }
  return { step, time, values };
}

/** The index of the value after the key ending before `i` and its colon; -1 without a colon. */
function skipColon(text: string, i: number): number {
  i = skipWs(text, i);
  return text.charCodeAt(i) === COLON ? skipWs(text, i + 1) : -1;
}
