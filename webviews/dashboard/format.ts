/** Text formatting of the dashboard: durations, commits, param values, point counts. Pure functions. */
import { formatNumber } from '../../src/protocol/format';

export { formatDuration } from '../../src/protocol/format';

/** The first 7 characters of a commit SHA. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A param value as table text. */
export function formatParam(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

/** A count of points: `1,234` (the shared {@link formatNumber}). */
export const formatCount = (n: number): string => formatNumber(n);

/** Caption of one series: `loss: 60 points` or `loss: 2,000 of 100,000 points (LTTB)`. */
export function seriesCaption(name: string, total: number, shown: number): string {
  return shown < total
    ? `${name}: ${formatCount(shown)} of ${formatCount(total)} points (downsampled, LTTB)`
    : `${name}: ${formatCount(total)} point${total === 1 ? '' : 's'}`;
}
