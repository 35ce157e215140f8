/** Run ids: `YYYYMMDDTHHMMSSZ-xxxx` (UTC time, 4 random hex), sortable by time and unique across machines. */
import { randomBytes } from 'node:crypto';

export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** A new run id for `date` (default now). */
export function newRunId(date: Date = new Date()): string {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** True for strings shaped like a run id. */
export function isRunId(text: string): boolean {
  return RUN_ID_PATTERN.test(text);
}

/** The start time encoded in a run id, or undefined. */
export function runIdTime(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}
