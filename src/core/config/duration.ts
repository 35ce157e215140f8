/**
 * Durations as written in `xlens.yaml` (`timeout: 90s`, `30m`, `2h`, `1h30m`, `500ms`, `1.5h`, `2d`).
 * A bare number means seconds.
 */

/** The longest `timeout:` accepted: 365 days, in ms. Longer values are refused as mistakes. */
export const MAX_TIMEOUT_MS = 365 * 86_400_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;

/**
 * Parses a duration into milliseconds.
 * @returns the duration in ms (possibly beyond any sensible limit, even `Infinity` for `1e308`: the
 *   caller compares it with {@link MAX_TIMEOUT_MS}), or `undefined` when `text` is not a positive
 *   duration (the caller reports it with its position).
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') {
    return Number.isFinite(text) && text > 0 ? Math.round(text * 1000) : undefined;
  }
  const compact = text.trim();
  if (compact.length === 0) {
    return undefined;
  }
  let total = 0;
  let index = 0;
  PART.lastIndex = 0;
  while (index < compact.length) {
    PART.lastIndex = index;
    const match = PART.exec(compact);
    if (!match) {
      return undefined;
    }
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = PART.lastIndex;
    while (compact[index] === ' ') {
      index++;
    }
  }
  return total > 0 ? Math.round(total) : undefined;
}
