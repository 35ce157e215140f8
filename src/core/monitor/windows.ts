/**
 * Time windows of a monitor: a predictions table cut by its time column into calendar windows (hours,
 * days, weeks, months, years, in UTC) or into windows of N consecutive rows in time order.
 *
 * Calendar windows start at the beginning of the unit holding the earliest time (the first of its month
 * for `mo`, January 1 for `y`, UTC midnight for `d` and `w`, the full hour for `h`) and follow each other
 * without gaps up to the latest time, so a month without rows is an empty window (reported, never
 * dropped: a gap in the data is itself a finding). Month arithmetic is `Date.UTC`'s, so windows run
 * across year ends (2014-12 is followed by 2015-01).
 */
import { UserInputError } from '../base/errors';

/** How a table is cut: a calendar duration (`3mo`: count 3 of unit `mo`) or N rows. */
export type WindowSpec =
  | { kind: 'calendar'; count: number; unit: 'h' | 'd' | 'w' | 'mo' | 'y'; text: string }
  | { kind: 'rows'; count: number; text: string };

/** One window: its rows (indices into the table, in time order) and its span (Unix ms, UTC). */
export interface TimeWindow {
  /** 0-based position, the `step` of the recorded series. */
  index: number;
  /** Start, inclusive (Unix ms). For row windows, the time of its first row. */
  start: number;
  /** End, exclusive (Unix ms). For row windows, the time of its last row (inclusive). */
  end: number;
  /** Short name: `2015-03` (months), `2015` (years), `2015-03-02` (days, weeks), `2015-03-02T05:00Z` (hours), `rows 1–500`. */
  label: string;
  /** Row indices into the table, sorted by time (ties in file order). */
  rows: Int32Array;
}

/** Calendar units: hours, days, weeks, months, years. */
type Unit = 'h' | 'd' | 'w' | 'mo' | 'y';
const WINDOW_EXAMPLES = 'e.g. --window 1mo (calendar months), 7d, 1w, 1y, 12h, or 500 (rows)';
/** More windows than this is a mistake (e.g. `1h` over ten years of daily data). */
export const MAX_WINDOWS = 10_000;

/**
 * Parses a window: `<n>mo`, `<n>y`, `<n>w`, `<n>d`, `<n>h` (calendar, UTC) or `<n>` / `<n>rows`
 * (N consecutive rows in time order); n a whole number ≥ 1.
 * @param where how to name the setting in the message (`--window`, `xlens.yaml: tasks.m.window`).
 * @throws UserInputError naming `where`, the value and the accepted forms.
 */
export function parseWindow(text: string | number, where = '--window'): WindowSpec {
  const raw = String(text).trim();
  const match = /^(\d+)\s*(rows?|mo|y|w|d|h)?$/.exec(raw);
  const count = match ? Number(match[1]) : NaN;
  if (!match || !Number.isSafeInteger(count) || count < 1) {
    throw new UserInputError(`${where} ${JSON.stringify(String(text))}: not a window; ${WINDOW_EXAMPLES}.`);
  }
  const unit = match[2];
  if (unit === undefined || unit.startsWith('row')) {
    return { kind: 'rows', count, text: raw };
  }
  return { kind: 'calendar', count, unit: unit as Unit, text: raw };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2015-03` / `2015` / `2015-03-02` / `2015-03-02T05:00Z` for a window of `unit` starting at `ms`. */
export function windowLabel(ms: number, unit: Unit): string {
  const d = new Date(ms);
  const ymd = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  switch (unit) {
    case 'y':
      return String(d.getUTCFullYear());
    case 'mo':
      return ymd.slice(0, 7);
    case 'd':
    case 'w':
      return ymd;
    case 'h':
      return `${ymd}T${pad(d.getUTCHours())}:00Z`;
  }
}

/** The start of the unit holding `ms` (UTC). */
function unitStart(ms: number, unit: Unit): number {
  const d = new Date(ms);
  switch (unit) {
    case 'y':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case 'mo':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'd':
    case 'w':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'h':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
  }
}

/** The start of window `k` after `origin` (a unit start). */
function nthStart(origin: number, k: number, spec: Extract<WindowSpec, { kind: 'calendar' }>): number {
  const d = new Date(origin);
  const n = k * spec.count;
  switch (spec.unit) {
    case 'y':
      return Date.UTC(d.getUTCFullYear() + n, 0, 1);
    case 'mo':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
    case 'w':
      return origin + n * 7 * 86_400_000;
    case 'd':
      return origin + n * 86_400_000;
    case 'h':
      return origin + n * 3_600_000;
  }
}

/** Indices of rows with a finite time, sorted by time (stable: ties keep file order). */
export function timeOrder(times: Float64Array): Int32Array {
  const order: number[] = [];
  for (let i = 0; i < times.length; i++) {
    if (Number.isFinite(times[i])) {
      order.push(i);
    }
  }
  order.sort((a, b) => times[a] - times[b] || a - b);
  return Int32Array.from(order);
}

/**
 * Cuts rows into windows by their times (Unix ms; NaN for a missing time, such rows are left out:
 * the caller warns about them).
 * @returns the windows in time order; calendar windows include empty ones between the first and last.
 * @throws UserInputError when no row has a time, or the windows would be more than {@link MAX_WINDOWS}.
 */
export function cutWindows(times: Float64Array, spec: WindowSpec, where = '--window'): TimeWindow[] {
  const order = timeOrder(times);
  if (order.length === 0) {
    throw new UserInputError('no row has a time: nothing to cut into windows.');
  }
  const windows: TimeWindow[] = [];
  if (spec.kind === 'rows') {
    const count = Math.ceil(order.length / spec.count);
    if (count > MAX_WINDOWS) {
      throw new UserInputError(
        `${where} ${spec.text}: ${count} windows of ${spec.count} rows; at most ${MAX_WINDOWS} are made. Give a larger window.`,
      );
    }
    for (let k = 0; k < count; k++) {
      const rows = order.subarray(k * spec.count, Math.min(order.length, (k + 1) * spec.count));
      windows.push({
        index: k,
        start: times[rows[0]],
        end: times[rows[rows.length - 1]],
        label:
          rows.length === 1
            ? `row ${k * spec.count + 1}`
            : `rows ${k * spec.count + 1}–${k * spec.count + rows.length}`,
        rows: Int32Array.from(rows),
      });
    }
    return windows;
  }
  const origin = unitStart(times[order[0]], spec.unit);
  const last = times[order[order.length - 1]];
  let at = 0;
  for (let k = 0; ; k++) {
    const start = nthStart(origin, k, spec);
    if (start > last) {
      break;
    }
    if (k >= MAX_WINDOWS) {
      throw new UserInputError(
        `${where} ${spec.text}: the times span more than ${MAX_WINDOWS} windows ` +
          `(${windowLabel(origin, spec.unit)} to ${windowLabel(last, spec.unit)}). Give a longer window.`,
      );
    }
    const end = nthStart(origin, k + 1, spec);
    const from = at;
    while (at < order.length && times[order[at]] < end) {
      at++;
    }
    windows.push({
      index: k,
      start,
      end,
      label: windowLabel(start, spec.unit),
      rows: order.slice(from, at),
    });
  }
  return windows;
}
