/**
 * Splits a task's output (decoded text chunks) into lines for the `stdout:` metric patterns, in time
 * linear in the output: each chunk is searched for newlines once, and the unfinished last line is kept
 * in a bounded buffer. Progress bars redraw with `\r`; only what follows the last `\r` of a line can
 * match (see `RunExecution`), so the buffer keeps just that. A line longer than the bound keeps only its
 * last {@link MAX_MATCHED_LINE} characters for matching; the full text is in `output.log` anyway.
 */

/** The longest line (in UTF-16 code units, ~1 MiB of ASCII) kept whole for pattern matching. */
export const MAX_MATCHED_LINE = 1 << 20;

export class LineSplitter {
  private pending = '';

  /**
   * @param maxLine the bound of a kept line (default {@link MAX_MATCHED_LINE}).
   * @param onLongLine called each time a line is cut to its last `maxLine` characters.
   */
  constructor(
    private readonly maxLine = MAX_MATCHED_LINE,
    private readonly onLongLine: () => void = () => undefined,
  ) {}

  /** Adds a chunk; returns the lines it completes (without `\n`; a `\r` before it is kept). */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      lines.push(this.bound(this.pending + text.slice(start, nl)));
      this.pending = '';
      start = nl + 1;
    }
    this.append(start === 0 ? text : text.slice(start));
    return lines;
  }

  /** The unfinished last line (if any), and forgets it. */
  end(): string | undefined {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? undefined : rest;
  }

  private append(rest: string): void {
    if (rest === '') {
      return;
    }
    // A `\r` followed by more text is a redraw: what came before it can never match.
    const cr = rest.length >= 2 ? rest.lastIndexOf('\r', rest.length - 2) : -1;
    if (cr >= 0) {
      this.pending = rest.slice(cr + 1);
    } else if (this.pending.endsWith('\r')) {
      this.pending = rest;
    } else {
      this.pending += rest;
    }
    this.pending = this.bound(this.pending);
  }

  private bound(line: string): string {
    if (line.length <= this.maxLine) {
      return line;
    }
    this.onLongLine();
    return line.slice(-this.maxLine);
  }
}
