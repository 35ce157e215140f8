/**
 * Text of the dashboard that only it shows: param values and series captions. Numbers, durations and
 * commits go through the shared `src/protocol/format.ts` (the same text as the CLI and the editor).
 */
import { formatNumber } from '../../src/protocol/format';

/** A param value as table text. */
export function formatParam(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

/** Caption of one series: `loss: 60 points` or `loss: 2,000 of 100,000 points (LTTB)`. */
export function seriesCaption(name: string, total: number, shown: number): string {
  return shown < total
    ? `${name}: ${formatNumber(shown)} of ${formatNumber(total)} points (downsampled, LTTB)`
    : `${name}: ${formatNumber(total)} point${total === 1 ? '' : 's'}`;
}
