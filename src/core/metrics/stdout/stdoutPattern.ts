/**
 * Metrics scraped from a task's stdout with a regular expression (`metrics: - stdout: '...'`).
 * The pattern has named groups `name` and `value`, and optionally `step`; every match on a line gives
 * one point, so `loss=0.31 acc=0.88` yields two.
 */

/** A metric point read from one line. */
export interface PatternPoint {
  name: string;
  value: number;
  step: number;
}

/** A compiled stdout pattern; keeps a per-metric counter for lines without a `step` group. */
export class StdoutPattern {
  private readonly regex: RegExp;
  private readonly nextStep = new Map<string, number>();

  /** @throws Error with the fix when the pattern does not compile or lacks the named groups. */
  constructor(readonly source: string) {
    this.regex = compileStdoutPattern(source);
  }

  /**
   * Points on one line (without its newline). Values that are not finite numbers are skipped.
   * Without a `step` group, the step of a metric is the count of its earlier points (0, 1, 2, ...).
   */
  match(line: string): PatternPoint[] {
    const points: PatternPoint[] = [];
    for (const m of line.matchAll(this.regex)) {
      const groups = m.groups ?? {};
      const name = groups.name?.trim();
      const value = Number(groups.value);
      if (!name || groups.value === undefined || groups.value.trim() === '' || !Number.isFinite(value)) {
        continue;
      }
      let step: number;
      const rawStep = groups.step === undefined ? NaN : Number(groups.step);
      if (Number.isInteger(rawStep) && rawStep >= 0) {
        step = rawStep;
        this.nextStep.set(name, step + 1);
      } else {
        step = this.nextStep.get(name) ?? 0;
        this.nextStep.set(name, step + 1);
      }
      points.push({ name, value, step });
      if (m[0].length === 0) {
        break;
      }
    }
    return points;
  }
}

/**
 * Compiles a stdout pattern as a global regex.
 * @throws Error naming the problem and the fix (invalid syntax, missing `name`/`value` groups).
 */
export function compileStdoutPattern(source: string): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'g');
  } catch (error) {
    throw new Error(
      `stdout pattern is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}.`,
    );
  }
  const missing = ['name', 'value'].filter((g) => !new RegExp(`\\(\\?<${g}>`).test(source));
  if (missing.length > 0) {
    throw new Error(
      `stdout pattern needs the named group${missing.length > 1 ? 's' : ''} ${missing.map((g) => `(?<${g}>...)`).join(' and ')}, e.g. '(?<name>loss|acc)=(?<value>[-+.\\deE]+)'.`,
    );
  }
  return regex;
}
