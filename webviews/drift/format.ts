/** Number formatting of the drift view (the same rules as the standalone HTML report). Pure functions. */

/** Up to `digits` significant digits, thousands separated for integers, exponent for tiny or huge; `—` for null. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '−∞';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    return value.toLocaleString('en-US');
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) {
    return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  }
  return String(Number(value.toPrecision(digits)));
}

/** A share in [0, 1] as a percentage with one decimal: `0.125` → `12.5%`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/** A duration in ms: `350 ms`, `4.2 s`, `2m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
