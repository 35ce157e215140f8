/**
 * The one formatting of numbers, shares and durations for people, used by every front: the CLI, the
 * HTML reports, the editor's trees and status bar, and the webviews. A value prints the same
 * everywhere (`2,000,000`, `5e-5`, `12.3s`, `1.5 KiB`), and a missing value is {@link MISSING} everywhere
 * while an infinite one is `∞`.
 *
 * Layer rule: this module is pure and imports nothing (no node built-ins, no DOM, no libraries). It lives
 * in `src/shared/`, the folder of pure code every layer may import, webviews included (DESIGN.md
 * "Layers"); `eslint.config.mjs` keeps `src/shared` free of imports from outside itself.
 */

/** What a missing value prints as (null, undefined, NaN). */
export const MISSING = '—';

// Built once, on first use: `toLocaleString` with a locale builds a new Intl.NumberFormat on every call
// (~20 µs), which made the Runs view's tooltips cost 1.4 s per redraw at 2,000 runs; and the first
// Intl.NumberFormat of a process loads the locale's data (about 25 ms in Node 20), which activation,
// which imports this module, does not need.
let integerFormat: Intl.NumberFormat | undefined;
let decimalFormat: Intl.NumberFormat | undefined;

/**
 * A number for people: integers exactly, grouped by thousands (`2,000,000`); other values with up to
 * `digits` significant digits (`0.1235`, `12,350`); an exponent, trailing zeros trimmed, below 1e-4 or at
 * 1e9 and above (`5e-5`, `1.235e-7`); `∞`/`−∞` for infinities; {@link MISSING} for null, undefined, NaN.
 * @param value the number (a metric value, a statistic, a count).
 * @param digits significant digits of non-integers, 1..21 (default 4).
 */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return MISSING;
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '−∞';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    return (integerFormat ??= new Intl.NumberFormat('en-US')).format(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) {
    return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  }
  return (decimalFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 })).format(
    Number(value.toPrecision(digits)),
  );
}

/** A share in [0, 1] as a percentage with at most one decimal: `0.125` → `12.5%`, `0.5` → `50%`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * A duration for people: `850 ms`, `4.2s`, `3m 05s`, `2h 03m`, `105d 16h` (every unit is truncated, so a
 * running clock never shows a second that has not passed yet); {@link MISSING} for null, undefined,
 * negative or non-finite input. Used for run durations and for spans of time in data (the spread of a
 * date column).
 * @param ms the duration in milliseconds.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) {
    return MISSING;
  }
  if (ms < 1000) {
    return `${Math.floor(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  }
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (days > 0) {
    return `${days}d ${pad(hours)}h`;
  }
  return hours > 0 ? `${hours}h ${pad(minutes)}m` : `${minutes}m ${pad(total % 60)}s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A size in bytes with a binary (IEC) unit: `12 B`, `1536` → `1.5 KiB`, `3.2 MiB` (one decimal above
 * bytes); {@link MISSING} for null, undefined, negative or non-finite input.
 * @param bytes the size in bytes.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return MISSING;
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** A commit as people read it: its first 7 hex digits; {@link MISSING} when there is no commit. */
export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : MISSING;
}
