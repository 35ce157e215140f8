/**
 * The outline of the next version of a block YAML text from the outline of the previous one, when
 * only scalar values were retyped (someone typing in a value of a params file or of `xlens.yaml`):
 * no pass over the 2,000 lines of `bench/inline.bench.ts`, a comparison of them. A property test
 * (`test/unit/inline/yamlOutline.test.ts`) holds its answers equal to `blockOutline`'s.
 */
import { isSpace, keyOf, scalarLength, type OutlineEntry } from './yamlOutline';

/** Lines of values retyped that {@link retypedOutline} follows; more is a new text (read it whole). */
const RETYPED_LINES = 4;

/** The index of the first entry on line `line` of an outline (sorted by line), or -1. */
function firstEntryOn(outline: readonly OutlineEntry[], line: number): number {
  let low = 0;
  let high = outline.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (outline[mid].line < line) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return outline[low]?.line === line ? low : -1;
}

/** Where the one-line scalar value of the key of `entry` ends on `line`, or undefined when it is not one. */
function valueEnd(line: string, entry: OutlineEntry): number | undefined {
  const key = keyOf(line, entry.keyStart);
  if (!key || key.length !== entry.keyEnd - entry.keyStart) {
    return undefined;
  }
  let at = key.valueStart;
  while (at < line.length && isSpace(line.charCodeAt(at))) {
    at++;
  }
  const c = line.charCodeAt(at);
  if (at === line.length || c === 35 /* # */ || c === 91 /* [ */ || c === 123 /* { */) {
    return undefined;
  }
  const length = scalarLength(line, at);
  return length === undefined ? undefined : at + length;
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/**
 * The outline of a text of `lines`, from the outline `before` of the text of `beforeLines`, when the
 * two differ only in the one-line scalar values of a few `key: value` lines whose keys stay as they
 * were (someone typing a value): the state of the one-pass read after such a line does not depend on
 * its value, so the outline is `before` with those values' ends moved. Undefined otherwise: read the
 * new text with `blockOutline`.
 * @param before the outline `blockOutline` gave for `beforeLines` joined with `\n`.
 */
export function retypedOutline(
  beforeLines: readonly string[],
  before: readonly OutlineEntry[],
  lines: readonly string[],
): OutlineEntry[] | undefined {
  if (lines.length !== beforeLines.length) {
    return undefined;
  }
  const out = [...before];
  let changed = 0;
  for (let k = 0; k < lines.length; k++) {
    if (lines[k] === beforeLines[k]) {
      continue;
    }
    const at = firstEntryOn(before, k);
    if (++changed > RETYPED_LINES || at < 0 || before[at + 1]?.line === k) {
      return undefined;
    }
    const entry = before[at];
    const old = withoutCr(beforeLines[k]);
    const line = withoutCr(lines[k]);
    if (
      entry.value === undefined ||
      valueEnd(old, entry) !== entry.value.end ||
      line.slice(0, entry.keyEnd) !== old.slice(0, entry.keyEnd)
    ) {
      return undefined;
    }
    const end = valueEnd(line, entry);
    if (end === undefined) {
      return undefined;
    }
    out[at] = { ...entry, value: { line: k, end } };
  }
  return out;
}
