/**
 * Run ids: `YYYYMMDDTHHMMSSZ-xxxxxxxx` (UTC start time to the second, then 8 random hex digits =
 * 32 random bits), sortable by time and unique across machines: 1,000 runs started in the same second
 * on different machines clash with probability about 1.2e-4 (birthday bound n²/2^33). Ids of earlier
 * versions, with 4 hex digits, are still accepted.
 */
import { randomBytes } from 'node:crypto';

/** Matches run ids: the current 8-hex-digit suffix and the older 4-digit one. */
export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}(?:[0-9a-f]{4})?$/;

/** A new run id for `date` (default now), with 32 random bits after the timestamp. */
export function newRunId(date: Date = new Date()): string {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/** True for strings shaped like a run id (either suffix length). */
export function isRunId(text: string): boolean {
  return RUN_ID_PATTERN.test(text);
}

/** The start time encoded in a run id, or undefined. */
export function runIdTime(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}
