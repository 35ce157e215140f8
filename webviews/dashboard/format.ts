/** Text formatting of the dashboard: durations, commits, param values, point counts. Pure functions. */

/** `1h 02m`, `3m 05s`, `12.3s`, `850 ms`; an em dash for null. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) {
    return '—';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const s = ms / 1000;
  if (s < 60) {
    return `${s.toFixed(1)}s`;
  }
  const totalSeconds = Math.floor(s);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m` : `${m}m ${pad(sec)}s`;
}

/** The first 7 characters of a commit SHA. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A param value as table text. */
export function formatParam(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

/** `1,234` with the user's locale grouping. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Caption of one series: `loss: 60 points` or `loss: 2,000 of 100,000 points (LTTB)`. */
export function seriesCaption(name: string, total: number, shown: number): string {
  return shown < total
    ? `${name}: ${formatCount(shown)} of ${formatCount(total)} points (downsampled, LTTB)`
    : `${name}: ${formatCount(total)} point${total === 1 ? '' : 's'}`;
}
